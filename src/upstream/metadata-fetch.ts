// The gateway's own Metadata round trips (UpstreamConnector.roundTrip, a short-lived connection to a bootstrap server): the
// brokers, when a client dials a broker port before any Metadata response has taught us that node's
// address; and every topic's id, when a tenant names a topic id the cluster's TopicIdMap doesn't know.
import type { HostPort } from "../config/types.js";
import { decodeResponseHeader, encodeRequestHeader, responseHeaderVersion } from "../protocol/headers.js";
import { ApiKey } from "../protocol/messages/index.js";
import { decodeMetadataResponse, encodeMetadataRequest, type MetadataResponse } from "../protocol/messages/metadata.js";
import { Reader } from "../protocol/reader.js";
import { Writer } from "../protocol/writer.js";
import { ZERO_UUID } from "../tenancy/topic-ids.js";
import type { UpstreamConnector } from "./connector.js";

/** The gateway's own requests name themselves so in broker logs. */
export const GATEWAY_CLIENT_ID = "bulkhead";

/** v9: the first flexible version; every broker from Kafka 2.4 to 4.x accepts it. */
const METADATA_VERSION = 9;
/** v12: topic ids with nullable names (v10+ has ids); served by Kafka 3.1 to 4.x. */
const TOPIC_IDS_METADATA_VERSION = 12;
const MAX_RESPONSE_BYTES = 16 * 1024 * 1024;
/** All topics of a big cluster: ids, names and every partition's replicas. */
const MAX_TOPICS_RESPONSE_BYTES = 256 * 1024 * 1024;

export type BrokerAddress = HostPort & { nodeId: number };

export function encodeBrokersRequest(correlationId: number): Buffer[] {
  return encodeMetadata(correlationId, METADATA_VERSION, []); // an empty topic list (not null): brokers only
}

export function decodeBrokersResponse(body: readonly Buffer[]): BrokerAddress[] {
  return decodeMetadata(body, METADATA_VERSION).brokers.map(({ nodeId, host, port }) => ({ nodeId, host, port }));
}

/** Every topic of the cluster (topics = null). */
export function encodeTopicIdsRequest(correlationId: number): Buffer[] {
  return encodeMetadata(correlationId, TOPIC_IDS_METADATA_VERSION, null);
}

/** (id, physical name) of every topic in a Metadata response; topics without an id (zero uuid) are left out. */
export function decodeTopicIdsResponse(body: readonly Buffer[]): { id: string; name: string }[] {
  const out: { id: string; name: string }[] = [];
  for (const { topicId, name } of decodeMetadata(body, TOPIC_IDS_METADATA_VERSION).topics) {
    if (name !== null && topicId !== undefined && topicId !== ZERO_UUID) out.push({ id: topicId, name });
  }
  return out;
}

function encodeMetadata(correlationId: number, version: number, topics: [] | null): Buffer[] {
  const writer = new Writer();
  encodeRequestHeader(writer, { apiKey: ApiKey.Metadata, apiVersion: version, correlationId, clientId: GATEWAY_CLIENT_ID });
  encodeMetadataRequest(writer, version, {
    topics,
    allowAutoTopicCreation: false,
    includeClusterAuthorizedOperations: false,
    includeTopicAuthorizedOperations: false,
  });
  return writer.toChunks();
}

function decodeMetadata(body: readonly Buffer[], version: number): MetadataResponse {
  const reader = new Reader(body);
  decodeResponseHeader(reader, responseHeaderVersion(ApiKey.Metadata, version));
  return decodeMetadataResponse(reader, version);
}

/** The cluster's brokers as the first reachable bootstrap server reports them. */
export function fetchClusterBrokers(connector: UpstreamConnector): Promise<BrokerAddress[]> {
  return connector.roundTrip(encodeBrokersRequest(1), MAX_RESPONSE_BYTES, decodeBrokersResponse);
}

/** (id, physical name) of every topic of the cluster: the refresh of its TopicIdMap. */
export function fetchTopicIds(connector: UpstreamConnector): Promise<{ id: string; name: string }[]> {
  return connector.roundTrip(encodeTopicIdsRequest(1), MAX_TOPICS_RESPONSE_BYTES, decodeTopicIdsResponse);
}
