/**
 * kcat (librdkafka) through the gateway: its metadata listing names only gateway addresses, and
 * lz4-compressed messages make the round trip intact, read both by partition and by a consumer group
 * (and so do gzip, snappy and zstd ones).
 */
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { assertSucceeded, gatewayAddresses, openGatewaySession, uniqueName, upstreamAddressesIn, type GatewaySession } from "../harness/clients.js";
import { createTopicsAndWait } from "../harness/topic-propagation.js";
import { waitUntil } from "../harness/wait.js";
import type { TestGateway } from "../harness/gateway.js";
import { parseKcatMetadata, runKcat } from "../harness/kcat.js";

const MESSAGES = 2_000;
const PARTITIONS = 3;

/** Values of different sizes, most well above lz4's minimum match, so compression really happens. */
function valueFor(n: number): string {
  return `value-${n}-${"bulkhead ".repeat((n % 40) * 25)}`;
}

/** One line of `kcat -C -J` output. */
interface KcatMessage {
  partition: number;
  offset: number;
  key: string | null;
  payload: string | null;
}

function parseJsonLines(stdout: string): KcatMessage[] {
  return stdout
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as KcatMessage);
}

function expectExactlyTheProducedMessages(messages: KcatMessage[], count = MESSAGES): void {
  const byKey = new Map<string, string | null>();
  const duplicates: string[] = [];
  for (const m of messages) {
    const key = m.key ?? "<null>";
    if (byKey.has(key)) duplicates.push(key);
    byKey.set(key, m.payload);
  }
  expect(duplicates).toEqual([]);
  expect(byKey.size).toBe(count);
  const wrong = Array.from({ length: count }, (_, n) => n).filter((n) => byKey.get(`k${n}`) !== valueFor(n));
  expect(wrong).toEqual([]);
}

describe("kcat through the gateway", () => {
  const upstream = inject("kafka");
  const topic = uniqueName("kcat-lz4");
  let session: GatewaySession;
  let gateway: TestGateway;
  let allowed: Set<string>;

  beforeAll(async () => {
    // kcat cannot create topics; kafkajs does it through the same gateway.
    session = await openGatewaySession(upstream, "kcat-admin");
    gateway = session.gateway;
    allowed = gatewayAddresses(gateway.config);
    await createTopicsAndWait(session.admin, [{ topic, numPartitions: PARTITIONS, replicationFactor: 3 }]);
  });

  afterAll(async () => {
    await session?.close();
  });

  it("kcat -L lists only gateway addresses, with leaders that are broker node ids", async () => {
    // Brokers learn of the new topic one by one; list until the one asked has all its partitions.
    const { result, metadata } = await waitUntil(
      async () => {
        const listing = assertSucceeded("kcat -L", await runKcat(["-L", "-b", gateway.bootstrap]));
        const parsed = parseKcatMetadata(listing.stdout);
        return parsed.topics.get(topic)?.length === PARTITIONS && { result: listing, metadata: parsed };
      },
      { what: `kcat -L to list ${topic} with ${PARTITIONS} partitions`, timeoutMs: 30_000, intervalMs: 500 },
    );

    expect(allowed).toContain(metadata.answeredBy);
    expect(metadata.brokers.map((b) => b.nodeId).sort()).toEqual(upstream.brokers.map((b) => b.nodeId).sort());
    for (const broker of metadata.brokers) expect(allowed).toContain(broker.address);
    expect(upstreamAddressesIn(result.stdout, upstream.brokers)).toEqual([]);

    const partitions = metadata.topics.get(topic);
    expect(partitions?.map((p) => p.partition).sort()).toEqual([0, 1, 2]);
    const nodeIds = new Set(upstream.brokers.map((b) => b.nodeId));
    for (const p of partitions ?? []) {
      expect(nodeIds).toContain(p.leader);
      expect(p.replicas).toHaveLength(3);
    }
  });

  /** Produces `count` keyed messages with kcat, compressed with `codec`, and reads the topic back to its end. */
  async function roundTrip(to: string, codec: string, count: number): Promise<KcatMessage[]> {
    const input = Array.from({ length: count }, (_, n) => `k${n}\t${valueFor(n)}\n`).join("");
    assertSucceeded(
      `kcat -P -z ${codec}`,
      await runKcat(
        ["-P", "-b", gateway.bootstrap, "-t", to, "-z", codec, "-K", "\t", "-X", "linger.ms=20", "-X", "acks=all"],
        { input },
      ),
    );
    const consumed = assertSucceeded(
      "kcat -C",
      await runKcat(["-C", "-b", gateway.bootstrap, "-t", to, "-o", "beginning", "-e", "-J"]),
    );
    return parseJsonLines(consumed.stdout);
  }

  it("produces lz4-compressed keyed messages and reads them back intact", async () => {
    const messages = await roundTrip(topic, "lz4", MESSAGES);
    expectExactlyTheProducedMessages(messages);
    // The keys spread over every partition.
    expect(new Set(messages.map((m) => m.partition)).size).toBe(PARTITIONS);
  });

  // The other codecs; zstd needs Produce v7+ and Fetch v10+, so this also checks the versions the gateway offers.
  it.each(["gzip", "snappy", "zstd"])("round-trips %s-compressed messages", async (codec) => {
    const codecTopic = uniqueName(`kcat-${codec}`);
    await createTopicsAndWait(session.admin, [{ topic: codecTopic, numPartitions: 1, replicationFactor: 3 }]);
    expectExactlyTheProducedMessages(await roundTrip(codecTopic, codec, 200), 200);
  });

  it("reads the same messages as a consumer group (-G), through the gateway's coordinator", async () => {
    const group = uniqueName("kcat-group");
    const consumed = assertSucceeded(
      "kcat -G",
      await runKcat(["-b", gateway.bootstrap, "-G", group, "-o", "beginning", "-e", "-J", topic], {
        timeoutMs: 90_000,
      }),
    );
    expectExactlyTheProducedMessages(parseJsonLines(consumed.stdout));
  });

  it("never told a client an upstream broker address", () => {
    expect(gateway.upstreamLeaks()).toEqual([]);
  });
});
