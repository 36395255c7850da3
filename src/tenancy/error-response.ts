// The answer to a request the gateway refuses (a denied API, a config outside the allowlist...): the API's own
// response with every error code set, built from the generated response schema. Where Kafka's response has one
// result per item of the request (per ACL creation, per config resource, per topic/partition...), the results
// mirror the request's items, as a broker's error response does, so clients match them up and report each one.
import { ApiKey, API_BY_KEY } from "../protocol/messages/index.js";
import type { FieldSchema } from "../protocol/schema.js";
import { inVersionRange } from "../protocol/schema.js";
import { ZERO_UUID } from "./topic-ids.js";

type Obj = Record<string, unknown>;
/** The per-item skeleton of an API's error response (identity fields only); the schema fills in the rest. */
type Mirror = (request: Obj, version: number) => Obj;

const list = <T>(value: unknown): readonly T[] => (value as readonly T[] | null | undefined) ?? [];
const topicPartitions = (topics: unknown) =>
  list<{ name: string; partitions: readonly { partitionIndex: number }[] }>(topics).map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex })) }));
const shareStateTopics = (topics: unknown) =>
  list<{ topicId: string; partitions: readonly { partition: number }[] }>(topics).map((t) => ({ topicId: t.topicId, partitions: t.partitions.map((p) => ({ partition: p.partition })) }));
/** Topics (by name or id) with partitions given as objects carrying `partitionIndex` (or `index`). */
const idTopics = (topics: unknown, partitionsIn: string, partitionsOut: string, indexIn: string, indexOut: string) =>
  list<Obj>(topics).map((t) => ({
    name: t.name,
    topicId: t.topicId,
    [partitionsOut]: list<Obj>(t[partitionsIn]).map((p) => ({ [indexOut]: p[indexIn] })),
  }));
const offsetFetchTopics = (topics: unknown) =>
  list<{ name?: string; topicId?: string; partitionIndexes: number[] }>(topics).map((t) => ({
    name: t.name,
    topicId: t.topicId,
    partitions: t.partitionIndexes.map((partitionIndex) => ({ partitionIndex })),
  }));
const resources = (request: Obj) =>
  list<{ resourceType: number; resourceName: string }>(request.resources).map((r) => ({ resourceType: r.resourceType, resourceName: r.resourceName }));

const MIRRORS: ReadonlyMap<number, Mirror> = new Map<number, Mirror>([
  // Data and offsets (a virtual cluster's config may deny them): an error per partition the request named.
  [ApiKey.Produce, (r) => ({ responses: idTopics(r.topicData, "partitionData", "partitionResponses", "index", "index") })],
  [
    ApiKey.Fetch,
    (r) => ({
      responses: list<{ topic?: string; topicId?: string; partitions: { partition: number }[] }>(r.topics).map((t) => ({
        topic: t.topic,
        topicId: t.topicId,
        partitions: t.partitions.map((p) => ({ partitionIndex: p.partition })),
      })),
    }),
  ],
  [ApiKey.ListOffsets, (r) => ({ topics: topicPartitions(r.topics) })],
  [
    ApiKey.AddPartitionsToTxn, // v0-3 answer per partition (v4+ has a top-level error code)
    (r) => ({
      resultsByTopicV3AndBelow: list<{ name: string; partitions: number[] }>(r.v3AndBelowTopics).map((t) => ({
        name: t.name,
        resultsByPartition: t.partitions.map((partitionIndex) => ({ partitionIndex })),
      })),
    }),
  ],
  [
    ApiKey.OffsetForLeaderEpoch,
    (r) => ({ topics: list<{ topic: string; partitions: { partition: number }[] }>(r.topics).map((t) => ({ topic: t.topic, partitions: t.partitions.map((p) => ({ partition: p.partition })) })) }),
  ],
  [ApiKey.DescribeTopicPartitions, (r) => ({ topics: list<{ name: string }>(r.topics).map((t) => ({ name: t.name })) })],
  [ApiKey.OffsetCommit, (r) => ({ topics: idTopics(r.topics, "partitions", "partitions", "partitionIndex", "partitionIndex") })],
  [ApiKey.TxnOffsetCommit, (r) => ({ topics: idTopics(r.topics, "partitions", "partitions", "partitionIndex", "partitionIndex") })],
  [
    ApiKey.OffsetFetch,
    (r) => ({
      topics: offsetFetchTopics(r.topics),
      groups: list<{ groupId: string; topics: unknown }>(r.groups).map((g) => ({ groupId: g.groupId, topics: offsetFetchTopics(g.topics) })),
    }),
  ],
  [ApiKey.CreateAcls, (r) => ({ results: list(r.creations).map(() => ({})) })],
  [ApiKey.DeleteAcls, (r) => ({ filterResults: list(r.filters).map(() => ({})) })],
  [
    ApiKey.AlterClientQuotas,
    (r) => ({
      entries: list<{ entity: { entityType: string; entityName: string | null }[] }>(r.entries).map((e) => ({
        entity: e.entity.map((x) => ({ entityType: x.entityType, entityName: x.entityName })),
      })),
    }),
  ],
  [ApiKey.DescribeUserScramCredentials, (r) => ({ results: list<{ name: string }>(r.users).map((u) => ({ user: u.name })) })],
  [
    ApiKey.AlterUserScramCredentials,
    (r) => {
      const users = new Set([...list<{ name: string }>(r.deletions), ...list<{ name: string }>(r.upsertions)].map((x) => x.name));
      return { results: [...users].map((user) => ({ user })) };
    },
  ],
  [
    ApiKey.AlterReplicaLogDirs,
    (r) => {
      // Results are per topic, the request's are per log dir: merge a topic's partitions over all dirs.
      const byTopic = new Map<string, { partitionIndex: number }[]>();
      for (const dir of list<{ topics: { name: string; partitions: number[] }[] }>(r.dirs)) {
        for (const t of dir.topics) {
          let partitions = byTopic.get(t.name);
          if (partitions === undefined) byTopic.set(t.name, (partitions = []));
          for (const p of t.partitions) partitions.push({ partitionIndex: p });
        }
      }
      return { results: [...byTopic].map(([topicName, partitions]) => ({ topicName, partitions })) };
    },
  ],
  [
    ApiKey.ElectLeaders,
    (r) => ({
      replicaElectionResults: list<{ topic: string; partitions: number[] }>(r.topicPartitions).map((t) => ({
        topic: t.topic,
        partitionResult: t.partitions.map((partitionId) => ({ partitionId })),
      })),
    }),
  ],
  [ApiKey.AlterPartitionReassignments, (r) => ({ responses: topicPartitions(r.topics) })],
  [ApiKey.UpdateFeatures, (r) => ({ results: list<{ feature: string }>(r.featureUpdates).map((f) => ({ feature: f.feature })) })],
  [ApiKey.DescribeConfigs, (r) => ({ results: resources(r) })],
  [ApiKey.AlterConfigs, (r) => ({ responses: resources(r) })],
  [ApiKey.IncrementalAlterConfigs, (r) => ({ responses: resources(r) })],
  [ApiKey.Metadata, (r) => ({ topics: list<{ name: string | null; topicId?: string }>(r.topics).map((t) => ({ name: t.name, topicId: t.topicId })) })],
  [ApiKey.CreateTopics, (r) => ({ topics: list<{ name: string }>(r.topics).map((t) => ({ name: t.name })) })],
  [ApiKey.CreatePartitions, (r) => ({ results: list<{ name: string }>(r.topics).map((t) => ({ name: t.name })) })],
  [
    ApiKey.DeleteTopics,
    (r) => ({
      responses:
        r.topics !== undefined
          ? list<{ name: string | null; topicId: string }>(r.topics).map((t) => ({ name: t.name, topicId: t.topicId }))
          : list<string>(r.topicNames).map((name) => ({ name })),
    }),
  ],
  [ApiKey.DeleteRecords, (r) => ({ topics: topicPartitions(r.topics) })],
  [ApiKey.DeleteGroups, (r) => ({ results: list<string>(r.groupsNames).map((groupId) => ({ groupId })) })],
  [ApiKey.DescribeGroups, (r) => ({ groups: list<string>(r.groups).map((groupId) => ({ groupId })) })],
  [ApiKey.ConsumerGroupDescribe, (r) => ({ groups: list<string>(r.groupIds).map((groupId) => ({ groupId })) })],
  [ApiKey.ShareGroupDescribe, (r) => ({ groups: list<string>(r.groupIds).map((groupId) => ({ groupId })) })],
  [ApiKey.StreamsGroupDescribe, (r) => ({ groups: list<string>(r.groupIds).map((groupId) => ({ groupId })) })],
  [
    ApiKey.DescribeTransactions,
    (r) => ({ transactionStates: list<string>(r.transactionalIds).map((transactionalId) => ({ transactionalId })) }),
  ],
  [ApiKey.FindCoordinator, (r) => ({ coordinators: list<string>(r.coordinatorKeys).map((key) => ({ key })) })],
  [
    ApiKey.WriteTxnMarkers,
    (r) => ({
      markers: list<{ producerId: bigint; topics: { name: string; partitionIndexes: number[] }[] }>(r.markers).map((m) => ({
        producerId: m.producerId,
        topics: m.topics.map((t) => ({ name: t.name, partitions: t.partitionIndexes.map((partitionIndex) => ({ partitionIndex })) })),
      })),
    }),
  ],
  [
    ApiKey.DescribeShareGroupOffsets,
    (r) => ({
      groups: list<{ groupId: string; topics: { topicName: string; partitions: number[] }[] | null }>(r.groups).map((g) => ({
        groupId: g.groupId,
        topics: list<{ topicName: string; partitions: number[] }>(g.topics).map((t) => ({
          topicName: t.topicName,
          partitions: t.partitions.map((partitionIndex) => ({ partitionIndex })),
        })),
      })),
    }),
  ],
  // Share groups (KIP-932): per topic id and partition (the leader unknown), per topic name.
  ...[ApiKey.ShareFetch, ApiKey.ShareAcknowledge].map((apiKey): [number, Mirror] => [
    apiKey,
    (r) => ({
      responses: list<{ topicId: string; partitions: { partitionIndex: number }[] }>(r.topics).map((t) => ({
        topicId: t.topicId,
        partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, currentLeader: { leaderId: -1, leaderEpoch: -1 } })),
      })),
    }),
  ]),
  [
    ApiKey.AlterShareGroupOffsets,
    (r) => ({
      responses: list<{ topicName: string; partitions: { partitionIndex: number }[] }>(r.topics).map((t) => ({
        topicName: t.topicName,
        partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex })),
      })),
    }),
  ],
  [ApiKey.DeleteShareGroupOffsets, (r) => ({ responses: list<{ topicName: string }>(r.topics).map((t) => ({ topicName: t.topicName })) })],
  // The share-group state APIs (broker-to-coordinator): results per topic id and partition.
  ...[ApiKey.InitializeShareGroupState, ApiKey.ReadShareGroupState, ApiKey.WriteShareGroupState, ApiKey.DeleteShareGroupState, ApiKey.ReadShareGroupStateSummary].map(
    (apiKey): [number, Mirror] => [apiKey, (r) => ({ results: shareStateTopics(r.topics) })],
  ),
  [
    ApiKey.DescribeProducers,
    (r) => ({
      topics: list<{ name: string; partitionIndexes: number[] }>(r.topics).map((t) => ({
        name: t.name,
        partitions: t.partitionIndexes.map((partitionIndex) => ({ partitionIndex })),
      })),
    }),
  ],
]);

/**
 * The error response to `request` (decoded, same api key and version) with every error code set to `errorCode`,
 * error messages set to `errorMessage` (else null where nullable), throttleTimeMs 0. Undefined when the codec has
 * no such API version.
 */
export function buildErrorResponse(
  apiKey: number,
  version: number,
  request: object | null | undefined,
  errorCode: number,
  errorMessage?: string,
): object | undefined {
  const api = API_BY_KEY.get(apiKey);
  if (api === undefined || version < api.minVersion || version > api.maxVersion) return undefined;
  const skeleton = MIRRORS.get(apiKey)?.((request ?? {}) as Obj, version) ?? {};
  return fill(api.responseSchema.fields, version, skeleton, { errorCode, errorMessage });
}

interface ErrorFill {
  errorCode: number;
  errorMessage: string | undefined;
}

const ERROR_CODE = /(?:^e|E)rrorCode$/;
const ERROR_MESSAGE = /(?:^e|E)rrorMessage$/;

function fill(fields: readonly FieldSchema[], version: number, given: Obj, error: ErrorFill): Obj {
  const out: Obj = {};
  for (const f of fields) {
    if (!inVersionRange(f.versions, version)) continue;
    const value = given[f.name];
    const isErrorCode = f.type === "int16" && ERROR_CODE.test(f.name);
    // Tagged fields are optional: only error codes and what the skeleton names.
    if (inVersionRange(f.taggedVersions, version) && value === undefined && !isErrorCode) continue;
    const nullable = inVersionRange(f.nullableVersions, version);
    if (isErrorCode) out[f.name] = value ?? error.errorCode;
    else if (f.type === "string" && ERROR_MESSAGE.test(f.name)) out[f.name] = value ?? error.errorMessage ?? (nullable ? null : "");
    else if (f.name === "throttleTimeMs") out[f.name] = 0;
    // Kafka's "no producer id" (RecordBatch.NO_PRODUCER_ID, the specs' default), not a real id 0.
    else if (f.entityType === "producerId" && value === undefined) out[f.name] = -1n;
    // An offset an error response can't know is -1, as a broker's (highWatermark 0 on a refused Fetch made librdkafka
    // report the end of the partition instead of the error).
    else if (f.type === "int64" && /(?:offset|watermark)$/i.test(f.name) && value === undefined) out[f.name] = -1n;
    // "No broker" is -1 too (a Fetch error's preferredReadReplica 0 would send librdkafka to replica 0).
    else if (f.entityType === "brokerId" && value === undefined && f.type === "int32") out[f.name] = -1;
    else if (f.fields !== undefined) {
      const children = f.fields;
      if (f.type.startsWith("[]")) out[f.name] = ((value as Obj[] | undefined) ?? []).map((item) => fill(children, version, item, error));
      else out[f.name] = value === undefined && nullable ? null : fill(children, version, (value as Obj | undefined) ?? {}, error);
    } else out[f.name] = value === undefined || (value === null && !nullable) ? zeroValue(f.type, nullable) : value;
  }
  return out;
}

function zeroValue(type: string, nullable: boolean): unknown {
  if (type.startsWith("[]")) return [];
  switch (type) {
    case "bool":
      return false;
    case "int64":
      return 0n;
    case "string":
      return nullable ? null : "";
    case "uuid":
      return ZERO_UUID;
    case "bytes":
      return nullable ? null : Buffer.alloc(0);
    case "records":
      // Empty, never null, even where the field is nullable: brokers answer an error with an empty record set, and
      // librdkafka can't parse a null one (Fetch v11: "invalid MessageSetSize -1", then retries in a tight loop).
      return [];
    default:
      return 0; // int8, int16, int32, uint16, uint32, float64
  }
}
