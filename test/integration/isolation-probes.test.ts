/**
 * Isolation proven, not assumed: two tenants on one physical cluster behind the gateway. B ("analytics") owns
 * topic `orders` (records carrying a secret), group `g1` with a live member and committed offsets, and an open
 * transaction `t1`. For every API on the tenant allowlist, at every version the gateway offers, A ("payments")
 * tries B's resources by plain name, fully prefixed name, topic id and listing (isolation-probes.table.ts).
 * Afterwards B's data must be exactly as before, and nothing may have appeared outside A's namespace.
 * Then the denied APIs: answered by the gateway with CLUSTER_AUTHORIZATION_FAILED, and never reaching a broker
 * (the gateway's upstream request tap shows none of them, and does show an allowed control request sent after each).
 */
import type { Consumer, Producer, Transaction } from "kafkajs";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { kafkaLine } from "../../scripts/kafka/fetch.js";
import { ErrorCode, errorCodeName } from "../../src/protocol/error-codes.js";
import { API_BY_KEY, ApiKey } from "../../src/protocol/messages/index.js";
import { TENANT_API_ALLOWLIST } from "../../src/tenancy/api-policy.js";
import { subscribeWhenKnown, uniqueName } from "../harness/clients.js";
import { waitUntil } from "../harness/wait.js";
import { createReadyTopic } from "../harness/topic-propagation.js";
import { RawKafkaConnection, type VersionRange } from "../harness/raw-client.js";
import { openTenantsSession, upstreamSinceWithControl, type TenantsSession } from "../harness/tenants.js";
import {
  BROKER_CONFIG, BROKER_CONFIG_VALUE, PROBES, errorCodes, randomTopicId, streamsHeartbeat, stringify, type ProbeContext, type Victim,
} from "./isolation-probes.table.js";

const PARTITIONS = 3;
const RECORDS = 30;

/** Everything of B's that an attack could change, read straight from the physical cluster. */
interface VictimState {
  topics: string[];
  partitions: number;
  endOffsets: string[];
  startOffsets: string[];
  committed: string[];
  retentionMs: string | undefined;
  groupMembers: string[];
  transaction: string;
  /** B's share group's offsets (where the broker has share groups). */
  shareOffsets: string;
  /** B's streams group: its state, epochs and topology (where the broker has streams groups). */
  streamsGroup: string;
}

describe("tenant isolation probes", () => {
  const kafka = inject("kafka");
  let session: TenantsSession;
  let victim: Victim;
  let before: VictimState;
  let attackerVersions: Map<number, VersionRange>;
  let ctxBase: Omit<ProbeContext, "version">;
  let bConsumer: Consumer;
  let bTxnProducer: Producer;
  let bTransaction: Transaction | undefined;
  let bJoins = 0;
  let shareGroupsOnBroker = false;
  let streamsGroupsOnBroker = false;
  const outcomes: string[] = [];

  async function victimState(): Promise<VictimState> {
    const { admin } = session.physical;
    const topic = victim.prefixed.topic;
    const offsets = await admin.fetchTopicOffsets(topic);
    const committed = await admin.fetchOffsets({ groupId: victim.prefixed.group, topics: [topic] });
    const configs = await admin.describeConfigs({ resources: [{ type: 2, name: topic, configNames: ["retention.ms"] }], includeSynonyms: false });
    const group = await admin.describeGroups([victim.prefixed.group]);
    const raw = await session.physical.raw();
    const coordinator = await raw.send(ApiKey.FindCoordinator, 4, { keyType: 1, coordinatorKeys: [victim.prefixed.txn] });
    const { host, port } = coordinator.coordinators[0];
    const txnConn = session.track(await RawKafkaConnection.connect(`${host}:${port}`));
    const txn = await txnConn.send(ApiKey.DescribeTransactions, 0, { transactionalIds: [victim.prefixed.txn] });
    const { producerId, producerEpoch, transactionState, topics } = txn.transactionStates[0];
    let shareOffsets = "";
    if (shareGroupsOnBroker) {
      const shareCoordinator = await physicalCoordinator(victim.prefixed.shareGroup);
      const res = await shareCoordinator.send(ApiKey.DescribeShareGroupOffsets, 1, { groups: [{ groupId: victim.prefixed.shareGroup, topics: null }] });
      shareOffsets = stringify(res.groups);
    }
    let streamsGroup = "";
    if (streamsGroupsOnBroker) {
      const streamsCoordinator = await physicalCoordinator(victim.prefixed.streamsGroup);
      const res = await streamsCoordinator.send(ApiKey.StreamsGroupDescribe, 0, { groupIds: [victim.prefixed.streamsGroup], includeAuthorizedOperations: false });
      streamsGroup = stringify(res.groups);
    }
    return {
      shareOffsets,
      streamsGroup,
      topics: (await admin.listTopics()).filter((t) => t.startsWith(session.analytics.prefix)).sort(),
      partitions: offsets.length,
      endOffsets: offsets.map((o) => `${o.partition}:${o.high}`).sort(),
      startOffsets: offsets.map((o) => `${o.partition}:${o.low}`).sort(),
      committed: committed.flatMap((t) => t.partitions.map((p) => `${p.partition}:${p.offset}`)).sort(),
      retentionMs: configs.resources[0]?.configEntries.find((c) => c.configName === "retention.ms")?.configValue,
      groupMembers: group.groups[0]!.members.map((m) => m.memberId),
      transaction: stringify({ producerId, producerEpoch, transactionState, topics }),
    };
  }

  /** A connection to the physical coordinator of a group. */
  async function physicalCoordinator(groupId: string): Promise<RawKafkaConnection> {
    const raw = await session.physical.raw();
    const found = await waitUntil(async () => {
      const c = (await raw.send(ApiKey.FindCoordinator, 4, { keyType: 0, coordinatorKeys: [groupId] })).coordinators[0];
      return c.errorCode === ErrorCode.NONE && c;
    }, { what: `the coordinator of ${groupId}`, timeoutMs: 30_000 });
    return session.track(await RawKafkaConnection.connect(`${found.host}:${found.port}`));
  }

  /** The generation of B's member: the one a heartbeat with its member id is accepted in (harmless to B). */
  async function generationOf(groupId: string, memberId: string): Promise<number> {
    const coordinator = await physicalCoordinator(groupId);
    for (let generationId = 1; generationId < 10; generationId++) {
      const res = await coordinator.send(ApiKey.Heartbeat, 4, { groupId, generationId, memberId, groupInstanceId: null });
      if (res.errorCode === ErrorCode.NONE) return generationId;
    }
    throw new Error(`no generation of ${groupId} accepts member ${memberId}`);
  }

  beforeAll(async () => {
    session = await openTenantsSession(kafka, "isolation");
    const { physical, analytics, payments } = session;
    const secret = `secret-of-analytics-${analytics.prefix}`;
    const prefixed = {
      topic: analytics.physical("orders"), group: analytics.physical("g1"), txn: analytics.physical("t1"), shareGroup: analytics.physical("sg1"),
      streamsGroup: analytics.physical("app1"),
    };

    // B's data, written straight to the physical cluster: the probes must not depend on the gateway to set up.
    await createReadyTopic(physical.admin, prefixed.topic, PARTITIONS);
    await physical.admin.alterConfigs({
      validateOnly: false,
      resources: [{ type: 2, name: prefixed.topic, configEntries: [{ name: "retention.ms", value: "987654321" }] }],
    });
    const producer = session.track(physical.client.producer());
    await producer.connect();
    await producer.send({
      topic: prefixed.topic,
      messages: Array.from({ length: RECORDS }, (_, i) => ({ partition: i % PARTITIONS, value: `${secret} #${i}` })),
    });
    bConsumer = session.track(physical.client.consumer({
      groupId: prefixed.group, sessionTimeout: 30_000, rebalanceTimeout: 10_000, heartbeatInterval: 1_000,
    }));
    let memberId = "";
    bConsumer.on(bConsumer.events.GROUP_JOIN, (event) => {
      bJoins++;
      memberId = event.payload.memberId;
    });
    let consumed = 0;
    await bConsumer.connect();
    await subscribeWhenKnown(bConsumer, prefixed.topic);
    await bConsumer.run({ autoCommitInterval: 200, eachMessage: async () => void consumed++ });
    await waitUntil(() => consumed >= RECORDS && memberId, { what: `B's consumer reading ${RECORDS} records`, timeoutMs: 60_000 });
    // An open transaction: InitProducerId or EndTxn reaching it would bump its epoch or end it.
    bTxnProducer = session.track(physical.client.producer({ transactionalId: prefixed.txn, maxInFlightRequests: 1, idempotent: true, transactionTimeout: 300_000 }));
    await bTxnProducer.connect();
    const txn = (bTransaction = await bTxnProducer.transaction());
    await txn.send({ topic: prefixed.topic, messages: [{ partition: 0, value: `${secret} in a transaction` }] });

    const rawPhysical = await physical.raw();
    // B's share group, created by setting its start offset on partition 0 (KIP-932's AlterShareGroupOffsets).
    shareGroupsOnBroker = (await rawPhysical.apiVersions()).has(ApiKey.ShareGroupHeartbeat);
    if (shareGroupsOnBroker) {
      const alter = await (await physicalCoordinator(prefixed.shareGroup)).send(ApiKey.AlterShareGroupOffsets, 0, {
        groupId: prefixed.shareGroup, topics: [{ topicName: prefixed.topic, partitions: [{ partitionIndex: 0, startOffset: 5n }] }],
      });
      expect(errorCodes(alter)).toEqual([ErrorCode.NONE, ErrorCode.NONE]);
    }
    // B's streams group: a member joins with a (stateless) topology reading B's orders, and leaves; the group stays.
    streamsGroupsOnBroker = (await rawPhysical.apiVersions()).has(ApiKey.StreamsGroupHeartbeat);
    if (streamsGroupsOnBroker) {
      const conn = await physicalCoordinator(prefixed.streamsGroup);
      const memberId = randomTopicId();
      const joined = await waitUntil(async () => {
        const res = await conn.send(ApiKey.StreamsGroupHeartbeat, 0, streamsHeartbeat(prefixed.streamsGroup, memberId, 0, [prefixed.topic]));
        return res.errorCode !== ErrorCode.COORDINATOR_LOAD_IN_PROGRESS && res;
      }, { what: `B's streams group ${prefixed.streamsGroup}`, timeoutMs: 30_000 });
      expect(joined.errorCode).toBe(ErrorCode.NONE);
      const left = await conn.send(ApiKey.StreamsGroupHeartbeat, 0, streamsHeartbeat(prefixed.streamsGroup, memberId, -1));
      expect(left.errorCode).toBe(ErrorCode.NONE);
    }
    const metadata = await rawPhysical.send(ApiKey.Metadata, 12, { topics: [{ name: prefixed.topic }], allowAutoTopicCreation: false });
    const topic = metadata.topics[0];
    const leaders = [...topic.partitions].sort((a, b) => a.partitionIndex - b.partitionIndex).map((p: { leaderId: number }) => p.leaderId);
    victim = {
      topic: "orders", group: "g1", txn: "t1", shareGroup: "sg1", streamsGroup: "app1", prefixed, topicId: topic.topicId, partitions: PARTITIONS, leaders,
      memberId, generationId: await generationOf(prefixed.group, memberId), producerId: 0n, producerEpoch: 0, secret,
    };
    // Wait until B's offsets are committed for every record, so the snapshot is stable.
    await waitUntil(async () => {
      const committed = await physical.admin.fetchOffsets({ groupId: prefixed.group, topics: [prefixed.topic] });
      const total = committed[0]!.partitions.reduce((n, p) => n + Math.max(0, Number(p.offset)), 0);
      return total >= RECORDS;
    }, { what: "B's committed offsets", timeoutMs: 30_000 });
    before = await victimState();
    const txnState = JSON.parse(before.transaction) as { producerId: string; producerEpoch: number; transactionState: string };
    expect(txnState.transactionState).toBe("Ongoing");
    victim.producerId = BigInt(txnState.producerId);
    victim.producerEpoch = txnState.producerEpoch;

    // Each tenant sees a cluster id of its own: neither the physical one nor B's may ever reach A.
    const physicalClusterId = (metadata.clusterId as string | null) ?? "";
    const victimClusterId = ((await (await analytics.raw()).send(ApiKey.Metadata, 12, { topics: [], allowAutoTopicCreation: false })).clusterId as string | null) ?? "";
    expect([physicalClusterId.length, victimClusterId.length]).toEqual([22, 22]);
    expect(victimClusterId).not.toBe(physicalClusterId);
    const bootstrap = await payments.raw();
    const nodeIds = kafka.brokers.map((b) => b.nodeId);
    attackerVersions = await bootstrap.apiVersions();
    const brokers = new Map<string, Promise<RawKafkaConnection>>();
    // One connection per address, anew once closed (Kafka 4 closes on Produce v0-2).
    const connectOnce = async (address: string) => {
      const open = await brokers.get(address)?.catch(() => undefined);
      if (open?.isOpen) return open;
      const connecting = RawKafkaConnection.connect(address).then((c) => session.track(c));
      brokers.set(address, connecting);
      return connecting;
    };
    ctxBase = {
      victim,
      bootstrap,
      attackerPrefix: payments.prefix,
      kafkaLine: kafkaLine(kafka.version),
      broker: (nodeId) => connectOnce(payments.brokerAddress(nodeId)),
      nodeIds,
      async coordinator(keyType, key) {
        const found = await waitUntil(async () => {
          const res = await bootstrap.send(ApiKey.FindCoordinator, Math.min(4, attackerVersions.get(ApiKey.FindCoordinator)!.max), { keyType, coordinatorKeys: [key] });
          const c = res.coordinators[0];
          return c.errorCode === ErrorCode.NONE ? c : undefined;
        }, { what: `A's coordinator for ${key}`, timeoutMs: 30_000 });
        return connectOnce(`${found.host}:${found.port}`);
      },
      physicalTopics: () => physical.admin.listTopics(),
      physicalGroups: async () => (await physical.admin.listGroups()).groups.map((g) => g.groupId),
      async physicalTransactionalIds() {
        const ids: string[] = [];
        for (const nodeId of nodeIds) {
          const res = await (await physical.raw(nodeId)).send(ApiKey.ListTransactions, 0, { stateFilters: [], producerIdFilters: [] });
          ids.push(...(res.transactionStates as { transactionalId: string }[]).map((t) => t.transactionalId));
        }
        return ids;
      },
      noLeak(response) {
        const text = stringify(response);
        for (const [what, needle] of [
          ["B's record data", secret], ["B's topic id", victim.topicId], ["B's member id", victim.memberId], ["A's prefix", payments.prefix],
          ["the physical cluster id", physicalClusterId], ["B's cluster id", victimClusterId],
        ] as const) {
          expect(text.includes(needle), `${what} (${needle}) in a response to A: ${text.slice(0, 2000)}`).toBe(false);
        }
        return response;
      },
    };
  });

  afterAll(async () => {
    if (outcomes.length > 0) console.log(`[isolation] ${outcomes.join("; ")}`);
    await bTransaction?.abort().catch(() => undefined); // else it lingers in the cluster's listings until it times out
    await session?.close();
  });

  it("has a probe row for every API on the tenant allowlist", () => {
    const allowlisted = [...TENANT_API_ALLOWLIST.keys()].map((key) => API_BY_KEY.get(key)?.name ?? `unknown api ${key}`);
    const missing = allowlisted.filter((name) => !(name in PROBES));
    expect(missing, "allowlisted APIs without an isolation probe row").toEqual([]);
    expect(allowlisted.length).toBeGreaterThan(20);
  });

  it("offers tenants only allowlisted APIs, and DescribeAcls, which the gateway answers from the tenant's rules", () => {
    const offered = [...attackerVersions.keys()].filter((key) => !TENANT_API_ALLOWLIST.has(key));
    expect(offered.map((key) => API_BY_KEY.get(key)?.name ?? key)).toEqual(["DescribeAcls"]);
  });

  for (const [name, row] of Object.entries(PROBES)) {
    it(`${name}: ${row!.intent}`, async () => {
      const apiKey = ApiKey[name as keyof typeof ApiKey];
      const range = attackerVersions.get(apiKey);
      if (!range) {
        // Not offered to A (e.g. KIP-848 APIs on a 3.9 broker): then the physical broker doesn't offer it either.
        const physical = await (await session.physical.raw()).apiVersions();
        expect(physical.has(apiKey) && TENANT_API_ALLOWLIST.has(apiKey), `${name} is allowlisted and on the broker, but not offered to A`).toBe(false);
        outcomes.push(`${name}: not offered`);
        return;
      }
      // Versions outside the codec can't be built here (nor rewritten by the gateway, which must not offer them).
      const api = API_BY_KEY.get(apiKey)!;
      const [min, max] = [Math.max(range.min, api.minVersion), Math.min(range.max, api.maxVersion)];
      for (let version = min; version <= max; version++) {
        await row!.probe({ ...ctxBase, version });
      }
      outcomes.push(`${name} v${min}-${max}`);
    });
  }

  it("Produce v0-2 (offered for librdkafka): probed like every version, reaching the brokers only rewritten", async () => {
    // The broker's minimum is offered unchanged (librdkafka turns compression off otherwise, KAFKA-18659), and the
    // codec covers it (a deliberate exception, KIP-896 dropped v0-2 from the specs): the Produce row ran from v0,
    // B's plain and physical names in legacy message sets, each rewritten into A's namespace (Kafka 3.9 refuses the
    // unknown topic, Kafka 4 closes the connection on v0-2); "left B's data as it was" below checks nothing landed.
    const offered = attackerVersions.get(ApiKey.Produce)!;
    expect(offered.min).toBe((await (await session.physical.raw()).apiVersions()).get(ApiKey.Produce)!.min);
    expect([offered.min, API_BY_KEY.get(ApiKey.Produce)!.minVersion]).toEqual([0, 0]);
    expect(outcomes).toContain(`Produce v0-${Math.min(offered.max, API_BY_KEY.get(ApiKey.Produce)!.maxVersion)}`);
    // Directly: the tap saw Produce v0, v1 and v2 reach the brokers (decoded, rewritten and re-encoded to get there).
    const legacy = session.upstreamRequests().filter((r) => r.apiKey === ApiKey.Produce && r.apiVersion < 3);
    expect([...new Set(legacy.map((r) => r.apiVersion))].sort()).toEqual([0, 1, 2]);
    expect(legacy.every((r) => r.virtualCluster === "payments")).toBe(true);
  });

  it("left B's data as it was, and nothing outside A's namespace", async () => {
    const after = await victimState();
    expect(after).toEqual(before);
    expect(bJoins, "B's consumer was made to rebalance").toBe(1);
    // A's attempts at names under B's prefix ("analytics.orders-injected"...) exist only inside A's namespace.
    const { payments, analytics } = session;
    const stray = (await session.physical.admin.listTopics()).filter(
      (t) => t.includes(analytics.prefix) && !t.startsWith(payments.prefix) && !t.startsWith(analytics.prefix),
    );
    expect(stray, "topics an attack created outside both namespaces").toEqual([]);
    expect(session.upstreamLeaks()).toEqual([]);
  });
});

/** Denied APIs: the gateway answers them itself; its upstream tap and the physical cluster show they never arrived. */
describe("denied APIs", () => {
  const kafka = inject("kafka");
  let session: TenantsSession;
  let conn: RawKafkaConnection;
  let brokerVersions: Map<number, VersionRange>;

  beforeAll(async () => {
    session = await openTenantsSession(kafka, "denied");
    conn = await session.payments.raw();
    brokerVersions = await (await session.physical.raw()).apiVersions();
  });

  afterAll(async () => {
    // Undo what a leaking gateway let through, so a failed run leaves the shared cluster clean.
    const physical = await session?.physical.raw().catch(() => undefined);
    await physical?.send(ApiKey.AlterClientQuotas, 1, {
      entries: [{ entity: [{ entityType: "user", entityName: user }], ops: [{ key: "producer_byte_rate", value: 0, remove: true }] }], validateOnly: false,
    }).catch(() => undefined);
    await physical?.send(ApiKey.AlterUserScramCredentials, 0, { deletions: [{ name: user, mechanism: 1 }], upsertions: [] }).catch(() => undefined);
    await physical?.send(ApiKey.IncrementalAlterConfigs, 1, {
      resources: [{ resourceType: 4, resourceName: "", configs: [{ name: BROKER_CONFIG, configOperation: 1, value: null }] }], validateOnly: false,
    }).catch(() => undefined);
    await session?.close();
  });

  /** A request at the broker's newest version of the API (the codec's, if the broker lacks it). */
  async function deniedAt(apiKey: number, request: object): Promise<{ codes: number[]; response: unknown }> {
    const api = API_BY_KEY.get(apiKey)!;
    const version = Math.min(brokerVersions.get(apiKey)?.max ?? api.maxVersion, api.maxVersion);
    const response = await conn.send(apiKey, version, request);
    return { codes: errorCodes(response), response };
  }

  const user = uniqueName("bulkhead-denied-probe");
  const CASES: [string, number, () => object][] = [
    ["CreateAcls", ApiKey.CreateAcls, () => ({ creations: [{ resourceType: 2, resourceName: "orders", resourcePatternType: 3, principal: `User:${user}`, host: "*", operation: 2, permissionType: 3 }] })],
    ["DeleteAcls", ApiKey.DeleteAcls, () => ({ filters: [{ resourceTypeFilter: 1, resourceNameFilter: null, patternTypeFilter: 1, principalFilter: null, hostFilter: null, operation: 1, permissionType: 1 }] })],
    ["AlterClientQuotas", ApiKey.AlterClientQuotas, () => ({ entries: [{ entity: [{ entityType: "user", entityName: user }], ops: [{ key: "producer_byte_rate", value: 1024, remove: false }] }], validateOnly: false })],
    ["DescribeClientQuotas", ApiKey.DescribeClientQuotas, () => ({ components: [], strict: false })],
    ["ElectLeaders", ApiKey.ElectLeaders, () => ({ electionType: 0, topicPartitions: null, timeoutMs: 10_000 })],
    ["AlterPartitionReassignments", ApiKey.AlterPartitionReassignments, () => ({ timeoutMs: 10_000, topics: [{ name: "orders", partitions: [{ partitionIndex: 0, replicas: [] }] }] })],
    ["ListPartitionReassignments", ApiKey.ListPartitionReassignments, () => ({ timeoutMs: 10_000, topics: null })],
    ["DescribeLogDirs", ApiKey.DescribeLogDirs, () => ({ topics: null })],
    ["AlterReplicaLogDirs", ApiKey.AlterReplicaLogDirs, () => ({ dirs: [{ path: "/tmp/bulkhead-denied", topics: [{ name: "orders", partitions: [0] }] }] })],
    ["IncrementalAlterConfigs (broker)", ApiKey.IncrementalAlterConfigs, () => ({ resources: [{ resourceType: 4, resourceName: "", configs: [{ name: BROKER_CONFIG, configOperation: 0, value: BROKER_CONFIG_VALUE }] }], validateOnly: false })],
    ["UpdateFeatures", ApiKey.UpdateFeatures, () => ({ timeoutMs: 10_000, featureUpdates: [{ feature: "bulkhead.test", maxVersionLevel: 1, upgradeType: 1 }], validateOnly: false })],
    ["CreateDelegationToken", ApiKey.CreateDelegationToken, () => ({ renewers: [], maxLifetimeMs: -1n })],
    ["DescribeUserScramCredentials", ApiKey.DescribeUserScramCredentials, () => ({ users: null })],
    ["AlterUserScramCredentials", ApiKey.AlterUserScramCredentials, () => ({ deletions: [], upsertions: [{ name: user, mechanism: 1, iterations: 8192, salt: Buffer.from("salt"), saltedPassword: Buffer.alloc(32, 1) }] })],
    ["DescribeQuorum", ApiKey.DescribeQuorum, () => ({ topics: [] })],
  ];

  it("the physical cluster runs without an authorizer: CLUSTER_AUTHORIZATION_FAILED can only come from the gateway", async () => {
    const physical = await session.physical.raw();
    const acls = await physical.send(ApiKey.DescribeAcls, 1, {
      resourceTypeFilter: 1, resourceNameFilter: null, patternTypeFilter: 1, principalFilter: null, hostFilter: null, operation: 1, permissionType: 1,
    });
    expect(acls.errorCode).toBe(ErrorCode.SECURITY_DISABLED);
  });

  it("DescribeAcls is answered by the gateway from the virtual cluster's own rules (none here: SECURITY_DISABLED), never sent upstream", async () => {
    const mark = session.upstreamRequests().length;
    const { codes } = await deniedAt(ApiKey.DescribeAcls, { resourceTypeFilter: 1, resourceNameFilter: null, patternTypeFilter: 1, principalFilter: null, hostFilter: null, operation: 1, permissionType: 1 });
    expect(codes).toEqual([ErrorCode.SECURITY_DISABLED]);
    const upstream = await upstreamSinceWithControl(session, conn, mark);
    expect(upstream.filter((r) => r.apiKey === ApiKey.DescribeAcls)).toEqual([]);
  });

  for (const [name, apiKey, request] of CASES) {
    it(`${name} → CLUSTER_AUTHORIZATION_FAILED, answered by the gateway, never sent upstream`, async () => {
      const mark = session.upstreamRequests().length;
      const { codes, response } = await deniedAt(apiKey, request());
      expect(codes.length, `${name}: no error code in ${stringify(response)}`).toBeGreaterThan(0);
      expect(codes.map(errorCodeName), `${name}: ${stringify(response)}`).toEqual(codes.map(() => "CLUSTER_AUTHORIZATION_FAILED"));
      const upstream = await upstreamSinceWithControl(session, conn, mark);
      expect(upstream.filter((r) => r.apiKey === apiKey), `${name} sent upstream`).toEqual([]);
    });
  }

  it("no quota, SCRAM credential or broker config from the denied requests reached the cluster", async () => {
    const physical = await session.physical.raw();
    const quotas = await physical.send(ApiKey.DescribeClientQuotas, 1, { components: [{ entityType: "user", matchType: 0, match: user }], strict: false });
    expect(quotas.entries).toEqual([]);
    const scram = await physical.send(ApiKey.DescribeUserScramCredentials, 0, { users: [{ name: user }] });
    expect(scram.results.map((r: { errorCode: number }) => r.errorCode)).toEqual([ErrorCode.RESOURCE_NOT_FOUND]);
    const configs = await session.physical.admin.describeConfigs({ resources: [{ type: 4, name: String(kafka.brokers[0]!.nodeId), configNames: [BROKER_CONFIG] }], includeSynonyms: false });
    expect(configs.resources[0]!.configEntries.find((c) => c.configName === BROKER_CONFIG)?.configValue).not.toBe(BROKER_CONFIG_VALUE);
  });

  it("closes the connection on an unknown api key, as a broker does, without sending it upstream", async () => {
    const own = await session.payments.raw();
    const mark = session.upstreamRequests().length;
    await expect(own.sendRaw(999, 0, [])).rejects.toThrow(/closed/);
    expect(own.isOpen).toBe(false);
    const upstream = await upstreamSinceWithControl(session, await session.payments.raw(), mark);
    expect(upstream.filter((r) => r.apiKey === 999)).toEqual([]);
  });

  it("the upstream tap, over the whole session: none of the denied requests, every control", () => {
    const upstream = session.upstreamRequests();
    const denied = new Set([...CASES.map(([, apiKey]) => apiKey), 999]);
    expect(upstream.filter((r) => denied.has(r.apiKey))).toEqual([]);
    const controls = upstream.filter((r) => r.apiKey === ApiKey.DescribeCluster && r.virtualCluster === "payments");
    expect(controls.length).toBeGreaterThan(0);
    console.log(`[denied] upstream tap: ${upstream.length} requests forwarded, ${controls.length} of them controls, none denied`);
  });
});
