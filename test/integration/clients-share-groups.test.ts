/**
 * Share groups (KIP-932, "queues for Kafka") through the gateway with Kafka's own KafkaShareConsumer (the Java test
 * client test/java/ShareConsumerClient.java): two share consumers in one group of the `payments` tenant both receive
 * records and acknowledge them, and every record is delivered once. The group, its topic and its share-partition
 * offsets show unprefixed to the tenant, and not at all to the other tenant. On a broker without share groups
 * (Kafka 3.9) the client must get the same answer through the gateway as direct.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { ErrorCode } from "../../src/protocol/error-codes.js";
import { ApiKey } from "../../src/protocol/messages/index.js";
import { uniqueName } from "../harness/clients.js";
import { spawnJavaClient, type RunningJavaClient } from "../harness/java-clients.js";
import { RawKafkaConnection } from "../harness/raw-client.js";
import { openTenantsSession, type ClusterAccess, type TenantsSession } from "../harness/tenants.js";
import { createTopicsAndWait } from "../harness/topic-propagation.js";
import { waitUntil } from "../harness/wait.js";
import { stringify } from "./isolation-probes.table.js";

const PARTITIONS = 4;
const RECORDS = 200;
const TEST_TIMEOUT_MS = 240_000;
/** Group config resource type (ConfigResource.Type.GROUP); alterable on the physical cluster only. */
const GROUP_RESOURCE = 32;

interface Described {
  groupId: string;
  errorCode: number;
  members: { memberId: string; assignment: { topicPartitions: { topicName: string; partitions: number[] }[] } }[];
}

describe("share groups (KIP-932) through the gateway: Kafka's KafkaShareConsumer", () => {
  const kafka = inject("kafka");
  let session: TenantsSession;
  let shareGroupsOnBroker: boolean;
  const clients: RunningJavaClient[] = [];

  beforeAll(async () => {
    session = await openTenantsSession(kafka, "share-groups");
    shareGroupsOnBroker = (await (await session.physical.raw()).apiVersions()).has(ApiKey.ShareGroupHeartbeat);
  });

  afterAll(async () => {
    await Promise.allSettled(clients.map((c) => c.jvm.stop(5_000)));
    await session?.close();
  });

  async function shareConsumer(side: ClusterAccess, group: string, topic: string): Promise<RunningJavaClient> {
    const client = await spawnJavaClient("ShareConsumerClient", [side.bootstrap, group, topic]);
    clients.push(client);
    return client;
  }

  /** A raw connection to the coordinator `side` names for the group. */
  async function coordinator(side: ClusterAccess, group: string): Promise<RawKafkaConnection> {
    const bootstrap = await side.raw();
    const found = await waitUntil(async () => {
      const res = await bootstrap.send(ApiKey.FindCoordinator, 4, { keyType: 0, coordinatorKeys: [group] });
      const c = res.coordinators[0];
      return c.errorCode === ErrorCode.NONE && c;
    }, { what: `the coordinator of ${group}`, timeoutMs: 30_000 });
    return session.track(await RawKafkaConnection.connect(`${found.host}:${found.port}`));
  }

  /** Lists the groups of one type on every broker, as `side` sees them. */
  async function listGroups(side: ClusterAccess, type: string): Promise<string[]> {
    const ids: string[] = [];
    for (const { nodeId } of kafka.brokers) {
      const res = await (await side.raw(nodeId)).send(ApiKey.ListGroups, 5, { statesFilter: [], typesFilter: [type] });
      ids.push(...(res.groups as { groupId: string }[]).map((g) => g.groupId));
    }
    return ids.sort();
  }

  it("two share consumers in one group both receive records and acknowledge them, each record once (or, on a broker without share groups, the same answer as direct)", async () => {
    if (shareGroupsOnBroker) await twoShareConsumers();
    else await sameAnswerAsDirect();
  }, TEST_TIMEOUT_MS);

  async function twoShareConsumers(): Promise<void> {
    const { payments, analytics, physical } = session;
    const topic = uniqueName("queue");
    const group = uniqueName("workers");
    await createTopicsAndWait(payments.admin, [{ topic, numPartitions: PARTITIONS, replicationFactor: 3 }]);
    // Deliver from the start of the log: records written before a share partition is first fetched are not lost.
    const alter = await (await physical.raw()).send(ApiKey.IncrementalAlterConfigs, 1, {
      resources: [{ resourceType: GROUP_RESOURCE, resourceName: payments.physical(group), configs: [{ name: "share.auto.offset.reset", configOperation: 0, value: "earliest" }] }],
      validateOnly: false,
    });
    expect(alter.responses[0].errorCode).toBe(ErrorCode.NONE);

    const consumers = [await shareConsumer(payments, group, topic), await shareConsumer(payments, group, topic)];
    // Both members in the group, between them assigned every partition: each will have records to read.
    const conn = await coordinator(payments, group);
    const describe = async (): Promise<Described> => (await conn.send(ApiKey.ShareGroupDescribe, 1, { groupIds: [group], includeAuthorizedOperations: false })).groups[0];
    const described = await waitUntil(async () => {
      const g = await describe();
      const assigned = new Set(g.members.flatMap((m) => m.assignment.topicPartitions.flatMap((t) => t.partitions)));
      return g.members.length === 2 && g.members.every((m) => m.assignment.topicPartitions.length > 0) && assigned.size === PARTITIONS && g;
    }, { what: `two members of share group ${group} with every partition assigned`, timeoutMs: 90_000, intervalMs: 500 });
    expect(described.groupId).toBe(group);
    expect(described.members.flatMap((m) => m.assignment.topicPartitions.map((t) => t.topicName))).toEqual([topic, topic]);

    const producer = session.track(payments.client.producer());
    await producer.connect();
    await producer.send({ topic, messages: Array.from({ length: RECORDS }, (_, i) => ({ partition: i % PARTITIONS, value: `record-${i}` })) });

    // Done when every record was received and the group's lag is 0 on every partition: every record is
    // acknowledged, and none can be delivered again.
    const ends = (await physical.admin.fetchTopicOffsets(payments.physical(topic))).map((o) => o.high);
    const received = () => consumers.map((c) => c.lines.filter((l) => l.startsWith("RECORD ")).map((l) => l.split(" ")[3]!));
    let last: unknown;
    const offsets = await waitUntil(async () => {
      const res = await conn.send(ApiKey.DescribeShareGroupOffsets, 1, { groups: [{ groupId: group, topics: null }] });
      last = res;
      const parts = (res.groups[0].topics as { topicName: string; partitions: { partitionIndex: number; lag: bigint }[] }[])
        .flatMap((t) => t.partitions.map((p) => ({ topic: t.topicName, ...p })));
      const receivedAll = received().flat().length >= RECORDS;
      return receivedAll && parts.length === PARTITIONS && parts.every((p) => p.topic === topic && p.lag === 0n) && res;
    }, {
      what: () => `share group ${group} to acknowledge every record: end offsets ${ends.join(",")}, offsets ${stringify(last)}, ` +
        `received ${received().map((r) => r.length).join(" + ")}; stderr ${consumers.map((c) => c.stderr().slice(-1500)).join("\n---\n")}`,
      timeoutMs: 90_000,
      intervalMs: 500,
    });
    expect(offsets.groups[0].groupId).toBe(group);

    for (const [i, values] of received().entries()) expect(values.length, `share consumer ${i} received nothing`).toBeGreaterThan(0);
    const all = received().flat();
    expect(all.length, "records delivered more than once").toBe(RECORDS);
    expect(new Set(all).size).toBe(RECORDS);
    for (const c of consumers) expect(await c.finish(60_000), c.stderr()).toBe(0);

    // Listed for its tenant by its own name; the other tenant sees nothing; upstream only the prefixed group exists.
    expect(await listGroups(payments, "share")).toEqual([group]);
    expect(await listGroups(analytics, "share")).toEqual([]);
    const upstream = await (await coordinator(physical, group)).send(ApiKey.ShareGroupDescribe, 1, { groupIds: [group], includeAuthorizedOperations: false });
    expect(upstream.groups[0].errorCode).toBe(ErrorCode.GROUP_ID_NOT_FOUND);
    expect(session.upstreamLeaks()).toEqual([]);
  }

  async function sameAnswerAsDirect(): Promise<void> {
    const { payments, physical } = session;
    const topic = uniqueName("queue");
    await createTopicsAndWait(payments.admin, [{ topic, numPartitions: 1, replicationFactor: 3 }]);
    // The gateway offers no share API the broker lacks (ApiVersions is the intersection).
    const offered = await (await payments.raw()).apiVersions();
    expect([ApiKey.ShareGroupHeartbeat, ApiKey.ShareFetch].filter((k) => offered.has(k))).toEqual([]);
    const outcome = async (side: ClusterAccess, name: string) => {
      const client = await shareConsumer(side, uniqueName("workers"), name);
      const code = await client.exited(90_000); // it gives up by itself
      return { code, error: firstException(client.stderr()) };
    };
    const direct = await outcome(physical, payments.physical(topic));
    const through = await outcome(payments, topic);
    expect(direct.error).not.toBe("");
    expect(through).toEqual(direct);
    console.log(`[share-groups] the broker lacks them; direct and through the gateway alike: exit ${direct.code}, ${direct.error}`);
  }
});

/** The first exception line of a Java stack trace, without addresses (the gateway's differ from the brokers'). */
function firstException(stderr: string): string {
  const line = stderr.split("\n").find((l) => /^[\w.$]+(Exception|Error)\b/.test(l)) ?? "";
  return line.replace(/\b[\w.-]+:\d{2,5}\b/g, "<address>");
}
