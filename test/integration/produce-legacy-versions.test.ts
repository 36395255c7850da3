// Produce v0-2 through the gateway. Brokers advertise Produce from v0 (librdkafka turns compression off otherwise,
// KAFKA-18659) and so does the gateway; the codec covers v0-2 on purpose although the Kafka 4 specs dropped them
// (KIP-896). A tenant's raw Produce v2 carrying a magic 1 message set:
//  - Kafka 3.9: the gateway prefixes the topic and the broker writes the message there; the tenant's kafkajs
//    consumer reads it, the other tenant sees nothing, and the response names the tenant's own topic;
//  - Kafka 4.x: the broker answers Produce v0-2 by closing the connection (it advertises them and serves none),
//    exactly as it does to a client connected to it directly; the gateway forwards the request (rewritten, as any
//    other version) and closes the client's connection when the broker closes its own. Nothing is written.
import type { Consumer } from "kafkajs";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { kafkaLine } from "../../scripts/kafka/fetch.js";
import { ErrorCode, errorCodeName } from "../../src/protocol/error-codes.js";
import { decodeResponseHeader, responseHeaderVersion } from "../../src/protocol/headers.js";
import { ApiKey } from "../../src/protocol/messages/index.js";
import { decodeProduceResponse, type ProduceResponse } from "../../src/protocol/messages/produce.js";
import { Reader } from "../../src/protocol/reader.js";
import { Writer } from "../../src/protocol/writer.js";
import { subscribeWhenKnown, uniqueName } from "../harness/clients.js";
import { createTopicsAndWait } from "../harness/topic-propagation.js";
import { waitUntil } from "../harness/wait.js";
import { ConnectionClosedError, type RawKafkaConnection } from "../harness/raw-client.js";
import { legacyMessageSet } from "../harness/record-batch.js";
import { openTenantsSession, waitConsumedToEnd, type Tenant, type TenantsSession } from "../harness/tenants.js";

const TOPIC = "legacy";
const VERSION = 2;

/** A Produce v0-2 body, by hand: acks, timeout, [topic, [partition, message set]] (no transactional id before v3). */
function produceV2Body(topic: string, messageSet: Buffer): Buffer[] {
  const w = new Writer();
  w.writeInt16(-1); // acks: all in-sync replicas
  w.writeInt32(10_000);
  w.writeInt32(1);
  w.writeString(topic);
  w.writeInt32(1);
  w.writeInt32(0); // partition
  w.writeBytes(messageSet);
  return w.toChunks();
}

async function sendProduceV2(conn: RawKafkaConnection, topic: string, values: string[]): Promise<ProduceResponse> {
  const frame = await conn.sendRaw(ApiKey.Produce, VERSION, produceV2Body(topic, legacyMessageSet(values)), `Produce v${VERSION}`);
  const reader = new Reader(frame.chunks);
  decodeResponseHeader(reader, responseHeaderVersion(ApiKey.Produce, VERSION));
  const response = decodeProduceResponse(reader, VERSION);
  expect(reader.remaining).toBe(0);
  return response;
}

describe(`Produce v${VERSION} with a legacy (magic 1) message set through the gateway`, () => {
  const kafka = inject("kafka");
  const line = kafkaLine(kafka.version);
  let session: TenantsSession;
  /** The leaders of partition 0 of the tenant's `legacy` and `direct` topics (each topic's own: they often differ). */
  let leader: number;
  let directLeader: number;

  beforeAll(async () => {
    session = await openTenantsSession(kafka, "produce-legacy");
    const { payments, analytics } = session;
    // Both tenants own a topic of that name; only payments writes to it.
    for (const tenant of [payments, analytics]) await createTopicsAndWait(tenant.admin, [{ topic: TOPIC, numPartitions: 1, replicationFactor: 3 }]);
    await createTopicsAndWait(payments.admin, [{ topic: "direct", numPartitions: 1, replicationFactor: 3 }]);
    const leaders = (await payments.admin.fetchTopicMetadata({ topics: [TOPIC, "direct"] })).topics;
    [leader, directLeader] = [TOPIC, "direct"].map((name) => leaders.find((t) => t.name === name)!.partitions[0]!.leader);
  });
  afterAll(async () => {
    await session?.close();
  });

  const endOffset = async (physicalTopic: string) => (await session.physical.admin.fetchTopicOffsets(physicalTopic))[0]!.high;

  async function consumeAll(tenant: Tenant, count: number): Promise<string[]> {
    const consumer: Consumer = session.track(tenant.client.consumer({ groupId: uniqueName("legacy-reader"), maxWaitTimeInMs: 200 }));
    await consumer.connect();
    await subscribeWhenKnown(consumer, TOPIC);
    const seen: string[] = [];
    const next = new Map<number, bigint>();
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        seen.push(message.value!.toString());
        next.set(partition, BigInt(message.offset) + 1n);
      },
    });
    await waitUntil(() => seen.length >= count, { what: `${count} message(s) in ${tenant.name}'s ${TOPIC}`, timeoutMs: 60_000 });
    // Read to the end of the tenant's physical topic: anything more in it is in `seen` now.
    await waitConsumedToEnd(session, tenant.physical(TOPIC), next);
    await consumer.stop();
    return seen;
  }

  it("offers tenants Produce from the broker's own minimum, v0", async () => {
    const physical = (await (await session.physical.raw()).apiVersions()).get(ApiKey.Produce)!;
    const offered = (await (await session.payments.raw()).apiVersions()).get(ApiKey.Produce)!;
    expect(physical.min).toBe(0);
    expect(offered.min).toBe(physical.min);
  });

  it(`the broker's own answer to Produce v${VERSION}, asked directly (Kafka ${kafka.version})`, async () => {
    const direct = await session.physical.raw(directLeader);
    const physicalTopic = session.payments.physical("direct");
    if (line >= 4) {
      // Kafka 4 advertises Produce v0 (KAFKA-18659) but rejects v0-2 by closing the connection.
      await expect(sendProduceV2(direct, physicalTopic, ["direct"])).rejects.toBeInstanceOf(ConnectionClosedError);
      expect(direct.isOpen).toBe(false);
      expect(await endOffset(physicalTopic)).toBe("0");
    } else {
      expect(kafka.version).toMatch(/^3\.9\./);
      const response = await sendProduceV2(direct, physicalTopic, ["direct"]);
      expect(response.responses[0]!.partitionResponses[0]!.errorCode).toBe(ErrorCode.NONE);
      expect(direct.isOpen).toBe(true);
    }
  });

  it(line >= 4
    ? `Kafka 4.x: the tenant gets the broker's answer (the connection closed), forwarded, nothing written`
    : `Kafka 3.9: written to the tenant's prefixed topic, read back by kafkajs in that tenant only`, async () => {
    const { payments, analytics } = session;
    const conn = await payments.raw(leader);
    const mark = session.upstreamRequests().length;
    const values = [`legacy v${VERSION} ${uniqueName("m")}`];
    if (line >= 4) {
      await expect(sendProduceV2(conn, TOPIC, values)).rejects.toBeInstanceOf(ConnectionClosedError);
      await conn.closed;
      expect(conn.isOpen).toBe(false);
      // The gateway forwarded it (decoded, prefixed, re-encoded): the close is the broker's, not the gateway's refusal.
      const forwarded = session.upstreamRequests().slice(mark).filter((r) => r.apiKey === ApiKey.Produce);
      expect(forwarded.map((r) => [r.virtualCluster, r.apiVersion])).toEqual([["payments", VERSION]]);
      expect(await endOffset(payments.physical(TOPIC))).toBe("0");
      // Only that connection: the tenant's next one works, and v3+ produces as ever.
      const again = await payments.raw(leader);
      expect((await again.apiVersions()).get(ApiKey.Produce)!.min).toBe(0);
    } else {
      const response = await sendProduceV2(conn, TOPIC, values);
      const topic = response.responses[0]!;
      const partition = topic.partitionResponses[0]!;
      expect(partition.errorCode, errorCodeName(partition.errorCode)).toBe(ErrorCode.NONE);
      expect(topic.name).toBe(TOPIC); // the tenant's own name, prefix stripped
      expect(partition.baseOffset).toBe(0n);
      expect(partition.logAppendTimeMs).toBe(-1n); // CreateTime topic
      expect(response.throttleTimeMs).toBe(0);
      expect(conn.isOpen).toBe(true);
      // Stored under the tenant's prefix, and nowhere else.
      expect(await endOffset(payments.physical(TOPIC))).toBe("1");
      expect(await endOffset(analytics.physical(TOPIC))).toBe("0");
      expect(await session.physical.admin.listTopics()).not.toContain(TOPIC);
      expect(await consumeAll(payments, 1)).toEqual(values);
      const forwarded = session.upstreamRequests().slice(mark).filter((r) => r.apiKey === ApiKey.Produce);
      expect(forwarded.map((r) => [r.virtualCluster, r.apiVersion])).toEqual([["payments", VERSION]]);
      // The connection goes on.
      expect((await conn.apiVersions()).get(ApiKey.Produce)!.min).toBe(0);
    }
  });

  it("never told a client an upstream broker address", () => {
    expect(session.upstreamLeaks()).toEqual([]);
  });
});
