// What a tenant uses on its physical cluster, asked by the gateway itself over short-lived connections
// (UpstreamConnector.roundTrip, the gateway's own service login): its topics and their partition counts (Metadata for
// all topics), and the bytes its partitions hold on disk (DescribeLogDirs, sent to every broker, since each broker
// describes only its own log directories). Only names in the tenant's namespace count; they come back without prefix.
import { decodeResponseHeader, encodeRequestHeader, responseHeaderVersion } from "../protocol/headers.js";
import { APIS, ApiKey } from "../protocol/messages/index.js";
import { Reader } from "../protocol/reader.js";
import { Writer } from "../protocol/writer.js";
import type { TenantNamespace } from "../tenancy/namespace.js";
import type { UpstreamConnector } from "../upstream/connector.js";
import { GATEWAY_CLIENT_ID, fetchClusterBrokers } from "../upstream/metadata-fetch.js";

/** v9: the first flexible version; Kafka 2.4 to 4.x serve it. */
const METADATA_VERSION = 9;
/** v3: the first with a top-level error code (an authorization failure says so instead of listing nothing); Kafka 3.1+. */
const LOG_DIRS_VERSION = 3;
const MAX_RESPONSE_BYTES = 256 * 1024 * 1024;

/** What a tenant uses upstream, as the caps ask for it. */
export interface UsageSource {
  /** The tenant's topics (its names) → partition counts. */
  topicPartitions(): Promise<Map<string, number>>;
  /** Bytes its partitions hold on the brokers' disks, each replica counted. */
  retainedBytes(): Promise<number>;
}

/** The tenant's usage on the physical cluster behind `connector`. */
export function upstreamUsage(connector: UpstreamConnector, ns: TenantNamespace): UsageSource {
  return { topicPartitions: () => fetchTopicPartitions(connector, ns), retainedBytes: () => fetchRetainedBytes(connector, ns) };
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

/** Bytes the tenant's partitions hold on every broker's disks, each replica counted (moves in progress are not). */
export async function fetchRetainedBytes(connector: UpstreamConnector, ns: TenantNamespace): Promise<number> {
  const brokers = await fetchClusterBrokers(connector);
  const writer = new Writer();
  encodeRequestHeader(writer, { apiKey: ApiKey.DescribeLogDirs, apiVersion: LOG_DIRS_VERSION, correlationId: 1, clientId: GATEWAY_CLIENT_ID });
  APIS.DescribeLogDirs.encodeRequest(writer, LOG_DIRS_VERSION, { topics: null });
  const request = writer.toChunks();
  const perBroker = await Promise.all(
    brokers.map(({ host, port, nodeId }) =>
      connector.roundTrip(request, MAX_RESPONSE_BYTES, (body) => tenantBytes(body, ns, nodeId), { host, port }),
    ),
  );
  return perBroker.reduce((sum, bytes) => sum + bytes, 0);
}

function tenantBytes(body: readonly Buffer[], ns: TenantNamespace, nodeId: number): number {
  const reader = new Reader(body);
  decodeResponseHeader(reader, responseHeaderVersion(ApiKey.DescribeLogDirs, LOG_DIRS_VERSION));
  const response = APIS.DescribeLogDirs.decodeResponse(reader, LOG_DIRS_VERSION);
  if (response.errorCode !== undefined && response.errorCode !== 0) {
    throw new Error(`DescribeLogDirs on broker ${nodeId} answered error code ${response.errorCode}`);
  }
  let bytes = 0;
  for (const dir of response.results) {
    for (const topic of dir.topics) {
      if (!ns.owns(topic.name)) continue;
      // A future replica is a copy being moved to another log dir: the partition is counted once, where it lives.
      for (const partition of topic.partitions) if (!partition.isFutureKey) bytes += Number(partition.partitionSize);
    }
  }
  return bytes;
}
