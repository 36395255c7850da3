/**
 * Kafka Streams on the streams group protocol (KIP-1071) through the gateway: a word count with exactly_once_v2 and
 * group.protocol=streams (the Java test client test/java/WordCountApp.java) gives the same counts through the
 * `payments` tenant as directly on the cluster. The internal topics the group coordinator creates (repartition,
 * changelog) show unprefixed to their tenant and not at all to the other one. On a broker without streams groups
 * (Kafka 3.9) the app must get the same answer through the gateway as direct.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Kafka } from "kafkajs";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { ErrorCode } from "../../src/protocol/error-codes.js";
import { ApiKey } from "../../src/protocol/messages/index.js";
import { uniqueName } from "../harness/clients.js";
import { spawnJavaClient, type RunningJavaClient } from "../harness/java-clients.js";
import { RawKafkaConnection } from "../harness/raw-client.js";
import { openTenantsSession, type ClusterAccess, type TenantsSession } from "../harness/tenants.js";
import { createTopicsAndWait } from "../harness/topic-propagation.js";
import { waitUntil } from "../harness/wait.js";

const PARTITIONS = 3;
const WORDS = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta"];
/** 60 lines of 4 words each, the same for both runs. */
const LINES = Array.from({ length: 60 }, (_, i) => Array.from({ length: 4 }, (_, j) => WORDS[(i * 7 + j * 3) % WORDS.length]).join(" "));
const TEST_TIMEOUT_MS = 420_000;

function expectedCounts(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const word of LINES.flatMap((l) => l.split(" "))) counts[word] = (counts[word] ?? 0) + 1;
  return counts;
}

describe("streams groups (KIP-1071) through the gateway: a Kafka Streams word count with exactly_once_v2", () => {
  const kafka = inject("kafka");
  let session: TenantsSession;
  let streamsGroupsOnBroker: boolean;
  const apps: RunningJavaClient[] = [];
  const stateDirs: string[] = [];
  /** Physical topics of the direct run (outside both tenants' namespaces): removed afterwards. */
  const directTopics: string[] = [];

  beforeAll(async () => {
    session = await openTenantsSession(kafka, "streams-groups");
    streamsGroupsOnBroker = (await (await session.physical.raw()).apiVersions()).has(ApiKey.StreamsGroupHeartbeat);
  });

  afterAll(async () => {
    await Promise.allSettled(apps.map((a) => a.jvm.stop(5_000)));
    if (directTopics.length > 0) {
      const all = await session.physical.admin.listTopics().catch(() => [] as string[]);
      const direct = all.filter((t) => directTopics.some((prefix) => t.startsWith(prefix)));
      await session.physical.admin.deleteTopics({ topics: direct }).catch(() => undefined);
    }
    await session?.close();
    await Promise.allSettled(stateDirs.map((d) => rm(d, { recursive: true, force: true })));
  });

  /** Starts the word count on `side` with its own input and output topics, fed with LINES. */
  async function wordCount(side: ClusterAccess & { client: Kafka }, names: { app: string; input: string; output: string }): Promise<RunningJavaClient> {
    await createTopicsAndWait(side.admin, [names.input, names.output].map((topic) => ({ topic, numPartitions: PARTITIONS, replicationFactor: 3 })));
    const producer = session.track(side.client.producer());
    await producer.connect();
    await producer.send({ topic: names.input, messages: LINES.map((value, i) => ({ key: `line-${i}`, value })) });
    const stateDir = await mkdtemp(join(tmpdir(), "bulkhead-streams-"));
    stateDirs.push(stateDir);
    const app = await spawnJavaClient("WordCountApp", [side.bootstrap, names.app, names.input, names.output, stateDir]);
    apps.push(app);
    return app;
  }

  /** The latest count per word in the output topic (committed records only), once it matches `expected`. */
  async function countsIn(side: ClusterAccess & { client: Kafka }, topic: string, expected: Record<string, number>, app: RunningJavaClient) {
    const counts: Record<string, number> = {};
    const consumer = session.track(side.client.consumer({ groupId: uniqueName("wordcount-check"), readUncommitted: false }));
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        counts[message.key!.toString()] = Number(message.value!.readBigInt64BE());
      },
    });
    await waitUntil(() => JSON.stringify(sorted(counts)) === JSON.stringify(sorted(expected)), {
      what: () => `word counts in ${topic}: ${JSON.stringify(sorted(counts))}, want ${JSON.stringify(sorted(expected))}; ` +
        `app states ${app.lines.filter((l) => l.startsWith("STATE")).join(",")}; stderr ${app.stderr().slice(-3000)}`,
      timeoutMs: 240_000,
      intervalMs: 500,
    });
    await consumer.disconnect();
    return sorted(counts);
  }

  it("counts the same through the gateway as direct (or, on a broker without streams groups, fails the same way)", async () => {
    if (streamsGroupsOnBroker) await sameCounts();
    else await sameFailure();
  }, TEST_TIMEOUT_MS);

  async function sameCounts(): Promise<void> {
    const { payments, analytics, physical } = session;
    const tenantNames = { app: uniqueName("wordcount"), input: uniqueName("lines"), output: uniqueName("counts") };
    const directNames = { app: uniqueName("bulkhead-direct-wordcount"), input: uniqueName("bulkhead-direct-lines"), output: uniqueName("bulkhead-direct-counts") };
    directTopics.push(directNames.app, directNames.input, directNames.output);
    const [throughGateway, direct] = await Promise.all([wordCount(payments, tenantNames), wordCount(physical, directNames)]);
    const expected = expectedCounts();
    const [viaGateway, viaCluster] = await Promise.all([
      countsIn(payments, tenantNames.output, expected, throughGateway),
      countsIn(physical, directNames.output, expected, direct),
    ]);
    expect(viaGateway).toEqual(viaCluster);
    expect(viaGateway).toEqual(sorted(expected));

    // The internal topics the coordinator created: the tenant's own, unprefixed; the other tenant sees none.
    const internal = [`${tenantNames.app}-counts-changelog`, `${tenantNames.app}-words-repartition`];
    const listed = await payments.admin.listTopics();
    expect(listed.filter((t) => t.startsWith(tenantNames.app)).sort()).toEqual(internal.sort());
    expect((await physical.admin.listTopics()).filter((t) => t.includes(tenantNames.app)).sort()).toEqual(internal.map((t) => payments.physical(t)).sort());
    expect((await analytics.admin.listTopics()).filter((t) => t.includes(tenantNames.app))).toEqual([]);

    // The group, described through the gateway: its topology names the tenant's topics.
    const conn = await coordinator(payments, tenantNames.app);
    const described = (await conn.send(ApiKey.StreamsGroupDescribe, 0, { groupIds: [tenantNames.app], includeAuthorizedOperations: false })).groups[0];
    expect(described).toMatchObject({ groupId: tenantNames.app, errorCode: ErrorCode.NONE });
    const subtopologies = described.topology.subtopologies as {
      sourceTopics: string[]; repartitionSinkTopics: string[]; stateChangelogTopics: { name: string }[]; repartitionSourceTopics: { name: string }[];
    }[];
    const repartition = `${tenantNames.app}-words-repartition`;
    expect(subtopologies.flatMap((s) => s.sourceTopics)).toEqual([tenantNames.input]);
    expect(subtopologies.flatMap((s) => s.repartitionSinkTopics)).toEqual([repartition]);
    expect(subtopologies.flatMap((s) => s.repartitionSourceTopics.map((t) => t.name))).toEqual([repartition]);
    expect(subtopologies.flatMap((s) => s.stateChangelogTopics.map((t) => t.name))).toEqual([`${tenantNames.app}-counts-changelog`]);
    const other = (await (await coordinator(analytics, tenantNames.app)).send(ApiKey.StreamsGroupDescribe, 0, { groupIds: [tenantNames.app], includeAuthorizedOperations: false })).groups[0];
    expect(other.errorCode).toBe(ErrorCode.GROUP_ID_NOT_FOUND);

    for (const app of [throughGateway, direct]) expect(await app.finish(90_000), app.stderr().slice(-3000)).toBe(0);
    expect(session.upstreamLeaks()).toEqual([]);
  }

  async function sameFailure(): Promise<void> {
    const { payments, physical } = session;
    const offered = await (await payments.raw()).apiVersions();
    expect([ApiKey.StreamsGroupHeartbeat, ApiKey.StreamsGroupDescribe].filter((k) => offered.has(k))).toEqual([]);
    const outcome = async (side: ClusterAccess, names: { app: string; input: string; output: string }) => {
      const app = await wordCount(side, names);
      const code = await app.exited(120_000); // it gives up by itself (the error message has its output)
      return { code, error: firstException(app.stderr()) };
    };
    const directNames = { app: uniqueName("bulkhead-direct-wordcount"), input: uniqueName("bulkhead-direct-lines"), output: uniqueName("bulkhead-direct-counts") };
    directTopics.push(directNames.app, directNames.input, directNames.output);
    const direct = await outcome(physical, directNames);
    const through = await outcome(payments, { app: uniqueName("wordcount"), input: uniqueName("lines"), output: uniqueName("counts") });
    expect(direct.error).not.toBe("");
    expect(through).toEqual(direct);
    console.log(`[streams-groups] the broker lacks them; direct and through the gateway alike: exit ${direct.code}, ${direct.error}`);
  }

  async function coordinator(side: ClusterAccess, group: string): Promise<RawKafkaConnection> {
    const bootstrap = await side.raw();
    const found = await waitUntil(async () => {
      const c = (await bootstrap.send(ApiKey.FindCoordinator, 4, { keyType: 0, coordinatorKeys: [group] })).coordinators[0];
      return c.errorCode === ErrorCode.NONE && c;
    }, { what: `the coordinator of ${group}`, timeoutMs: 30_000 });
    return session.track(await RawKafkaConnection.connect(`${found.host}:${found.port}`));
  }
});

function sorted(counts: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));
}

/** The first exception line of a Java stack trace, without addresses (the gateway's differ from the brokers'). */
function firstException(stderr: string): string {
  const line = stderr.split("\n").find((l) => /^[\w.$]+(Exception|Error)\b/.test(l)) ?? "";
  return line.replace(/\b[\w.-]+:\d{2,5}\b/g, "<address>");
}
