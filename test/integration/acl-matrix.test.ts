// The ACL matrix, swept against real Kafka: every API on the tenant allowlist, at the newest version the broker and
// the gateway share, naming a topic, a group and a transactional id that exist or could. Under a virtual cluster whose
// rules allow nothing, each gets the error Kafka's own brokers give (the table below, from Kafka's documentation, not
// from the gateway's code) and nothing is sent upstream; under one whose rules allow everything, no response carries
// an authorization error. The physical cluster has no authorizer: those codes can only come from the gateway.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { Operation as Op, PatternType, Permission, ResourceType as R } from "../../src/acl/operations.js";
import type { AclRule } from "../../src/acl/rule.js";
import type { VirtualClusterConfig } from "../../src/config/types.js";
import { startGateway, type Gateway } from "../../src/gateway.js";
import { ErrorCode } from "../../src/protocol/error-codes.js";
import { API_BY_KEY, ApiKey } from "../../src/protocol/messages/index.js";
import { inVersionRange, type FieldSchema } from "../../src/protocol/schema.js";
import { TENANT_API_ALLOWLIST } from "../../src/tenancy/api-policy.js";
import { ZERO_UUID } from "../../src/tenancy/topic-ids.js";
import { uniqueName } from "../harness/clients.js";
import { parseHostPorts, testGatewayConfig, testVirtualCluster } from "../harness/gateway.js";
import { RawKafkaConnection } from "../harness/raw-client.js";
import { recordBatch } from "../harness/record-batch.js";
import { waitUntilEveryBrokerKnows } from "../harness/topic-propagation.js";
import { waitUntil } from "../harness/wait.js";
import { errorCodes, stringify } from "./isolation-probes.table.js";

const E = ErrorCode;
/** What a Kafka broker answers a principal with no ACLs, per API (Kafka's "Operations and Resources on Protocols"). */
const DENIED_WITH: Partial<Record<string, number>> = {
  Produce: E.TOPIC_AUTHORIZATION_FAILED,
  Fetch: E.TOPIC_AUTHORIZATION_FAILED,
  ListOffsets: E.TOPIC_AUTHORIZATION_FAILED,
  OffsetForLeaderEpoch: E.TOPIC_AUTHORIZATION_FAILED,
  DeleteRecords: E.TOPIC_AUTHORIZATION_FAILED,
  Metadata: E.TOPIC_AUTHORIZATION_FAILED,
  DescribeTopicPartitions: E.TOPIC_AUTHORIZATION_FAILED,
  FindCoordinator: E.GROUP_AUTHORIZATION_FAILED,
  JoinGroup: E.GROUP_AUTHORIZATION_FAILED,
  SyncGroup: E.GROUP_AUTHORIZATION_FAILED,
  Heartbeat: E.GROUP_AUTHORIZATION_FAILED,
  LeaveGroup: E.GROUP_AUTHORIZATION_FAILED,
  OffsetCommit: E.GROUP_AUTHORIZATION_FAILED,
  OffsetFetch: E.GROUP_AUTHORIZATION_FAILED,
  OffsetDelete: E.GROUP_AUTHORIZATION_FAILED,
  DescribeGroups: E.GROUP_AUTHORIZATION_FAILED,
  DeleteGroups: E.GROUP_AUTHORIZATION_FAILED,
  ConsumerGroupHeartbeat: E.GROUP_AUTHORIZATION_FAILED,
  ConsumerGroupDescribe: E.GROUP_AUTHORIZATION_FAILED,
  ShareGroupHeartbeat: E.GROUP_AUTHORIZATION_FAILED,
  ShareGroupDescribe: E.GROUP_AUTHORIZATION_FAILED,
  ShareFetch: E.GROUP_AUTHORIZATION_FAILED,
  ShareAcknowledge: E.GROUP_AUTHORIZATION_FAILED,
  DescribeShareGroupOffsets: E.GROUP_AUTHORIZATION_FAILED,
  AlterShareGroupOffsets: E.GROUP_AUTHORIZATION_FAILED,
  DeleteShareGroupOffsets: E.GROUP_AUTHORIZATION_FAILED,
  StreamsGroupHeartbeat: E.GROUP_AUTHORIZATION_FAILED,
  StreamsGroupDescribe: E.GROUP_AUTHORIZATION_FAILED,
  InitProducerId: E.TRANSACTIONAL_ID_AUTHORIZATION_FAILED,
  AddPartitionsToTxn: E.TRANSACTIONAL_ID_AUTHORIZATION_FAILED,
  AddOffsetsToTxn: E.TRANSACTIONAL_ID_AUTHORIZATION_FAILED,
  EndTxn: E.TRANSACTIONAL_ID_AUTHORIZATION_FAILED,
  TxnOffsetCommit: E.TRANSACTIONAL_ID_AUTHORIZATION_FAILED,
  DescribeProducers: E.TOPIC_AUTHORIZATION_FAILED,
  DescribeTransactions: E.TRANSACTIONAL_ID_AUTHORIZATION_FAILED,
  CreateTopics: E.TOPIC_AUTHORIZATION_FAILED,
  DeleteTopics: E.TOPIC_AUTHORIZATION_FAILED,
  CreatePartitions: E.TOPIC_AUTHORIZATION_FAILED,
  DescribeConfigs: E.TOPIC_AUTHORIZATION_FAILED,
  AlterConfigs: E.TOPIC_AUTHORIZATION_FAILED,
  IncrementalAlterConfigs: E.TOPIC_AUTHORIZATION_FAILED,
};
/** Need nothing (ApiVersions, DescribeCluster) or list only what may be described (nothing here): no error either way. */
const NEVER_DENIED = new Set(["ApiVersions", "DescribeCluster", "ListGroups", "ListTransactions"]);
const AUTHORIZATION_ERRORS = new Set<number>([E.TOPIC_AUTHORIZATION_FAILED, E.GROUP_AUTHORIZATION_FAILED, E.CLUSTER_AUTHORIZATION_FAILED, E.TRANSACTIONAL_ID_AUTHORIZATION_FAILED]);

/** Versions only brokers send (AddPartitionsToTxn v4+ needs CLUSTER_ACTION): a client's newest version is swept. */
const CLIENT_MAX_VERSION: Partial<Record<string, number>> = { AddPartitionsToTxn: 3 };

const NAMES = { topicName: "matrix-topic", groupId: "matrix-group", transactionalId: "matrix-tx" } as const;

/**
 * A request with one item in every list, whatever the version, and every field that names a topic, group or
 * transactional id (the specs' entityType) set to one of NAMES; topic ids are the tenant's topic's.
 */
function oneOfEach(fields: readonly FieldSchema[], version: number, topicId: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    if (!inVersionRange(f.versions, version) || inVersionRange(f.taggedVersions, version)) continue;
    const name = NAMES[f.entityType as keyof typeof NAMES];
    const item = (type: string): unknown => {
      if (f.fields !== undefined) return oneOfEach(f.fields, version, topicId);
      if (type === "string") return name ?? "";
      if (type === "uuid") return f.name.toLowerCase().includes("topic") ? topicId : ZERO_UUID;
      if (type === "int64") return -1n;
      if (type === "bool") return false;
      if (type === "bytes") return Buffer.alloc(0);
      if (type === "records") return null;
      // A timeout of -1 can mean "wait for ever" (a 3.9 broker's DeleteRecords does): give every wait 10 s.
      if (/timeoutMs$/i.test(f.name)) return 10_000;
      return type === "int8" ? 0 : type === "int16" || type === "int32" ? (f.name === "partitionIndex" || f.name === "partition" || f.name === "index" ? 0 : -1) : 0;
    };
    out[f.name] = f.type.startsWith("[]") ? [item(f.type.slice(2))] : item(f.type);
  }
  return out;
}

/** API-specific values no entityType says: FindCoordinator's key type, config resources' type, a Produce's acks... */
const OVERRIDES: Partial<Record<string, (version: number) => Record<string, unknown>>> = {
  FindCoordinator: (v) => (v >= 4 ? { keyType: 0, coordinatorKeys: [NAMES.groupId] } : { keyType: 0, key: NAMES.groupId }),
  DescribeConfigs: () => ({ resources: [{ resourceType: 2, resourceName: NAMES.topicName, configurationKeys: null }] }),
  AlterConfigs: () => ({ resources: [{ resourceType: 2, resourceName: NAMES.topicName, configs: [] }], validateOnly: true }),
  IncrementalAlterConfigs: () => ({ resources: [{ resourceType: 2, resourceName: NAMES.topicName, configs: [] }], validateOnly: true }),
  CreateTopics: () => ({ validateOnly: true }),
  CreatePartitions: () => ({ validateOnly: true }),
  Produce: () => ({ acks: -1, transactionalId: null }), // a transactional id would be checked first (53)
  Fetch: () => ({ maxWaitMs: 0, sessionId: 0, sessionEpoch: -1 }),
  // By name: by id, a topic the principal may not describe reads UNKNOWN_TOPIC_ID (test/unit/filters/acl.test.ts).
  Metadata: () => ({ allowAutoTopicCreation: false, topics: [{ name: NAMES.topicName, topicId: ZERO_UUID }] }),
  DeleteTopics: (v) => (v >= 6 ? { topics: [{ name: NAMES.topicName, topicId: ZERO_UUID }] } : {}),
};

function request(apiKey: number, version: number, topicId: string): object {
  const api = API_BY_KEY.get(apiKey)!;
  const message = { ...oneOfEach(api.requestSchema.fields, version, topicId), ...OVERRIDES[api.name]?.(version) };
  // A real batch: a 3.9 leader never answers a Produce of null records (and its connection's later requests queue
  // behind it).
  if (apiKey === ApiKey.Produce) {
    for (const topic of message.topicData as { partitionData: { records: unknown }[] }[]) for (const p of topic.partitionData) p.records = [recordBatch(["matrix"])];
  }
  return message;
}

async function aclCluster(name: string, kafka: { brokers: readonly { nodeId: number }[] }, rules: AclRule[]): Promise<VirtualClusterConfig> {
  const vc = await testVirtualCluster(name, "shared", kafka.brokers.length, Math.min(...kafka.brokers.map((b) => b.nodeId)));
  return { ...vc, prefix: `${uniqueName(name)}.`, acls: { rules, superUsers: [], allowIfNoAclFound: false } };
}

const everything = (type: R): AclRule => ({
  principal: "User:*",
  host: "*",
  resourceType: type,
  patternType: PatternType.Literal,
  name: type === R.Cluster ? "kafka-cluster" : "*",
  operation: Op.All,
  permission: Permission.Allow,
});

describe("the ACL matrix, every allowlisted API", () => {
  const kafka = inject("kafka");
  let gateway: Gateway;
  let denyAll: VirtualClusterConfig;
  let allowAll: VirtualClusterConfig;
  const forwarded: { vc: string; apiKey: number }[] = [];
  const closers: (() => Promise<unknown>)[] = [];

  beforeAll(async () => {
    denyAll = await aclCluster("acl-none", kafka, []);
    allowAll = await aclCluster("acl-all", kafka, [R.Topic, R.Group, R.TransactionalId, R.Cluster].map(everything));
    gateway = await startGateway(testGatewayConfig([{ name: "shared", bootstrap: parseHostPorts(kafka.bootstrap) }], [denyAll, allowAll]), {
      observers: [{ requestForwarded: (session, r) => forwarded.push({ vc: session.endpoint.virtualCluster, apiKey: r.apiKey }) }],
    });
  });
  afterAll(async () => {
    for (const close of closers.reverse()) await close().catch(() => undefined);
    await gateway?.close(0);
  });

  /** The id of the virtual cluster's topic NAMES.topicName, created on the physical cluster. */
  async function topicOf(vc: VirtualClusterConfig): Promise<string> {
    const physical = await RawKafkaConnection.connect(kafka.bootstrap.split(",")[0]!, "acl-matrix-setup");
    closers.push(() => physical.close());
    const name = `${vc.prefix}${NAMES.topicName}`;
    await physical.send(ApiKey.CreateTopics, 7, { topics: [{ name, numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 30_000, validateOnly: false });
    const metadata = await waitUntil(async () => {
      const m = await physical.send(ApiKey.Metadata, 12, { topics: [{ name, topicId: ZERO_UUID }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
      return m.topics[0].errorCode === 0 && m.topics[0].partitions.length === 1 ? m : undefined;
    }, { timeoutMs: 30_000, what: `topic ${name}` });
    // Every broker (3.9's learn a new topic one by one): the gateway's own id lookup may ask any of them.
    await waitUntilEveryBrokerKnows(kafka.brokers.map((b) => `${b.host}:${b.port}`), [{ name, partitions: 1 }], 60_000);
    return metadata.topics[0].topicId as string;
  }

  async function sweep(vc: VirtualClusterConfig, check: (api: string, version: number, response: unknown) => string | undefined): Promise<{ tried: number; wrong: string[] }> {
    const topicId = await topicOf(vc);
    const endpoint = gateway.endpoints.find((e) => e.virtualCluster === vc.name)!;
    let conn = await RawKafkaConnection.connect(endpoint.bootstrap, "acl-matrix");
    closers.push(() => conn.close());
    const offered = await conn.apiVersions();
    const wrong: string[] = [];
    let tried = 0;
    for (const apiKey of TENANT_API_ALLOWLIST.keys()) {
      const api = API_BY_KEY.get(apiKey)!;
      const range = offered.get(apiKey);
      if (range === undefined) continue; // e.g. a Kafka 3.9 broker without DescribeTopicPartitions' successor APIs
      const version = Math.min(range.max, CLIENT_MAX_VERSION[api.name] ?? range.max);
      tried++;
      const response = await conn.send(apiKey, version, request(apiKey, version, topicId)).catch((err: unknown) => ({ failed: String(err) }));
      const problem = "failed" in (response as object) ? (response as { failed: string }).failed : check(api.name, version, response);
      if (problem !== undefined) wrong.push(`${api.name} v${version}: ${problem}`);
      if (!conn.isOpen) {
        conn = await RawKafkaConnection.connect(endpoint.bootstrap, "acl-matrix");
        closers.push(() => conn.close());
      }
    }
    return { tried, wrong };
  }

  it("rules that allow nothing: each API gets Kafka's precise authorization error, and is never forwarded", async () => {
    const { tried, wrong } = await sweep(denyAll, (api, _version, response) => {
      const codes = errorCodes(response);
      if (NEVER_DENIED.has(api)) return codes.some((c) => AUTHORIZATION_ERRORS.has(c)) ? `denied: ${stringify(response)}` : undefined;
      const expected = DENIED_WITH[api];
      if (expected === undefined) return "no expected code in the test's table";
      return codes.includes(expected) ? undefined : `expected ${expected}: ${stringify(response)}`;
    });
    expect(wrong).toEqual([]);
    expect(tried).toBeGreaterThanOrEqual(30);
    const sentUpstream = new Set(forwarded.filter((f) => f.vc.startsWith("acl-none")).map((f) => API_BY_KEY.get(f.apiKey)!.name));
    // Metadata still goes (brokers are always answered), and so do the APIs that need no ACL or only filter a listing.
    expect([...sentUpstream].filter((name) => !NEVER_DENIED.has(name) && name !== "Metadata")).toEqual([]);
  });

  it("rules that allow everything: no response carries an authorization error", async () => {
    const { tried, wrong } = await sweep(allowAll, (_api, _version, response) => {
      const denied = errorCodes(response).filter((c) => AUTHORIZATION_ERRORS.has(c));
      return denied.length > 0 ? `denied: ${stringify(response)}` : undefined;
    });
    expect(wrong).toEqual([]);
    expect(tried).toBeGreaterThanOrEqual(30);
  });
});
