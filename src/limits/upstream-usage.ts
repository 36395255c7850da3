// What a tenant uses on its physical cluster, asked by the gateway itself over short-lived connections
// (UpstreamConnector.roundTrip, the gateway's own service login): its topics and their partition counts (Metadata for
// all topics), and the bytes its partitions hold on disk (DescribeLogDirs, sent to every broker, since each broker
// describes only its own log directories; one snapshot per cluster is shared, log-dir-sizes.ts). Only names in the
// tenant's namespace count.
import { decodeResponseHeader, encodeRequestHeader, responseHeaderVersion } from "../protocol/headers.js";
import { APIS, ApiKey } from "../protocol/messages/index.js";
import { Reader } from "../protocol/reader.js";
import { Writer } from "../protocol/writer.js";
import type { TenantNamespace } from "../tenancy/namespace.js";
import type { UpstreamConnector } from "../upstream/connector.js";
import { GATEWAY_CLIENT_ID, fetchClusterBrokers } from "../upstream/metadata-fetch.js";
import type { LogDirSizes } from "./log-dir-sizes.js";

/** v9: the first flexible version; Kafka 2.4 to 4.x serve it. */
const METADATA_VERSION = 9;
/** v3: the first with a top-level error code (an authorization failure says so instead of listing nothing); Kafka 3.1+. */
const LOG_DIRS_VERSION = 3;
const MAX_RESPONSE_BYTES = 256 * 1024 * 1024;

/** What a tenant uses upstream, as the caps ask for it. */
export interface UsageSource {
  /** The tenant's topics (its names) → partition counts. */
  topicPartitions(): Promise<Map<string, number>>;
  /** Bytes its partitions hold on the brokers' disks, each replica counted, measured at most `maxAgeMs` ago. */
  retainedBytes(maxAgeMs: number): Promise<number>;
}

/** The tenant's usage on the physical cluster behind `connector`, whose log dir sizes `logDirs` shares. */
export function upstreamUsage(connector: UpstreamConnector, logDirs: LogDirSizes, ns: TenantNamespace): UsageSource {
  return {
    topicPartitions: () => fetchTopicPartitions(connector, ns),
    retainedBytes: async (maxAgeMs) => {
      let bytes = 0;
      for (const [topic, size] of await logDirs.get(maxAgeMs)) if (ns.owns(topic)) bytes += size;
      return bytes;
    },
  };
}

/** The tenant's topics (its names) → partition counts. */
export function fetchTopicPartitions(connector: UpstreamConnector, ns: TenantNamespace): Promise<Map<string, number>> {
  const writer = new Writer();
  encodeRequestHeader(writer, { apiKey: ApiKey.Metadata, apiVersion: METADATA_VERSION, correlationId: 1, clientId: GATEWAY_CLIENT_ID });
  APIS.Metadata.encodeRequest(writer, METADATA_VERSION, {
    topics: null,
    allowAutoTopicCreation: false,
    includeClusterAuthorizedOperations: false,
    includeTopicAuthorizedOperations: false,
  });
  return connector.roundTrip(writer.toChunks(), MAX_RESPONSE_BYTES, (body) => {
    const reader = new Reader(body);
    decodeResponseHeader(reader, responseHeaderVersion(ApiKey.Metadata, METADATA_VERSION));
    const topics = new Map<string, number>();
    for (const topic of APIS.Metadata.decodeResponse(reader, METADATA_VERSION).topics) {
      const name = topic.name === null ? undefined : ns.strip(topic.name);
      if (name !== undefined && topic.errorCode === 0) topics.set(name, topic.partitions.length);
    }
    return topics;
  });
}

/** Bytes per topic (physical names) on every broker's disks, each replica counted (moves in progress are not). */
export async function fetchLogDirSizes(connector: UpstreamConnector): Promise<Map<string, number>> {
  const brokers = await fetchClusterBrokers(connector);
  const writer = new Writer();
  encodeRequestHeader(writer, { apiKey: ApiKey.DescribeLogDirs, apiVersion: LOG_DIRS_VERSION, correlationId: 1, clientId: GATEWAY_CLIENT_ID });
  APIS.DescribeLogDirs.encodeRequest(writer, LOG_DIRS_VERSION, { topics: null });
  const request = writer.toChunks();
  const sizes = new Map<string, number>();
  await Promise.all(
    brokers.map(({ host, port, nodeId }) =>
      connector.roundTrip(request, MAX_RESPONSE_BYTES, (body) => addSizes(body, nodeId, sizes), { host, port }),
    ),
  );
  return sizes;
}

/** Adds one broker's DescribeLogDirs answer to `sizes`. */
function addSizes(body: readonly Buffer[], nodeId: number, sizes: Map<string, number>): void {
  const reader = new Reader(body);
  decodeResponseHeader(reader, responseHeaderVersion(ApiKey.DescribeLogDirs, LOG_DIRS_VERSION));
  const response = APIS.DescribeLogDirs.decodeResponse(reader, LOG_DIRS_VERSION);
  if (response.errorCode !== undefined && response.errorCode !== 0) {
    throw new Error(`DescribeLogDirs on broker ${nodeId} answered error code ${response.errorCode}`);
  }
  for (const dir of response.results) {
    for (const topic of dir.topics) {
      let bytes = 0;
      // A future replica is a copy being moved to another log dir: the partition is counted once, where it lives.
      for (const partition of topic.partitions) if (!partition.isFutureKey) bytes += Number(partition.partitionSize);
      sizes.set(topic.name, (sizes.get(topic.name) ?? 0) + bytes);
    }
  }
}
