/**
 * Transactions through the gateway: a kafkajs transactional producer commits, aborts, and commits
 * again; a read_committed consumer sees exactly the committed messages, while a read_uncommitted one
 * proves the aborted messages were really written. Then Kafka's TransactionalMessageCopier (Java
 * client) copies a partition exactly once while aborting transactions at random, committing its
 * consumed offsets inside the transactions (AddOffsetsToTxn / TxnOffsetCommit).
 */
import { Partitioners } from "kafkajs";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { assertSucceeded, openGatewaySession, subscribeWhenKnown, uniqueName, type GatewaySession } from "../harness/clients.js";
import { createTopicsAndWait } from "../harness/topic-propagation.js";
import { waitUntil } from "../harness/wait.js";
import { runKafkaTool } from "../harness/java-tools.js";

const PARTITIONS = 3;
const PER_TRANSACTION = 150;
const COPIED = 2_000;

/** Messages of one transaction, with keys spread over every partition. */
function batch(label: string) {
  return Array.from({ length: PER_TRANSACTION }, (_, n) => ({ key: `${label}-${n}`, value: `${label}:${n}` }));
}

describe("transactions through the gateway", () => {
  const upstream = inject("kafka");
  const topic = uniqueName("tx-topic");
  let session: GatewaySession;

  beforeAll(async () => {
    session = await openGatewaySession(upstream, "tx-client");
    await createTopicsAndWait(session.admin, [{ topic, numPartitions: PARTITIONS, replicationFactor: 3 }]);
  });

  afterAll(async () => {
    await session?.close();
  });

  /** Starts a consumer in its own group that records every value it reads from `from`. */
  async function consumeAll(readUncommitted: boolean, from = topic): Promise<string[]> {
    const values: string[] = [];
    const consumer = session.track(
      session.client.consumer({ groupId: uniqueName("tx-reader"), readUncommitted, maxWaitTimeInMs: 500 }),
    );
    await consumer.connect();
    await subscribeWhenKnown(consumer, from);
    await consumer.run({
      eachMessage: async ({ message }) => {
        values.push(message.value?.toString() ?? "<null>");
      },
    });
    return values;
  }

  it("commits and aborts transactions; read_committed sees only the committed messages", async () => {
    const producer = session.track(
      session.client.producer({
        transactionalId: uniqueName("tx-id"),
        idempotent: true,
        maxInFlightRequests: 1,
        createPartitioner: Partitioners.DefaultPartitioner,
      }),
    );
    await producer.connect();

    for (const [label, outcome] of [
      ["first", "commit"],
      ["aborted", "abort"],
      ["second", "commit"],
    ] as const) {
      const transaction = await producer.transaction();
      await transaction.send({ topic, messages: batch(label) });
      await (outcome === "commit" ? transaction.commit() : transaction.abort());
    }

    const expected = [...batch("first"), ...batch("second")].map((m) => m.value).sort();
    const committedReader = await consumeAll(false);
    const uncommittedReader = await consumeAll(true);

    // "second" was committed after "aborted" on every partition: once the read_committed consumer has
    // all of it, it has read past every aborted message, so their absence is a real observation.
    await waitUntil(() => committedReader.length >= expected.length, {
      what: () => `read_committed consumer to read ${expected.length} messages (has ${committedReader.length})`,
      timeoutMs: 90_000,
    });
    await waitUntil(() => uncommittedReader.length >= 3 * PER_TRANSACTION, {
      what: () => `read_uncommitted consumer to read ${3 * PER_TRANSACTION} messages (has ${uncommittedReader.length})`,
      timeoutMs: 90_000,
    });

    expect([...committedReader].sort()).toEqual(expected);
    expect(committedReader.filter((v) => v.startsWith("aborted:"))).toEqual([]);
    // The aborted messages did reach the log: a read_uncommitted consumer sees them.
    expect(uncommittedReader.filter((v) => v.startsWith("aborted:"))).toHaveLength(PER_TRANSACTION);
    expect([...uncommittedReader].sort()).toEqual([...expected, ...batch("aborted").map((m) => m.value)].sort());
  });

  it("TransactionalMessageCopier copies a partition exactly once despite random aborts", async () => {
    const input = uniqueName("tx-copy-in");
    const output = uniqueName("tx-copy-out");
    const copierGroup = uniqueName("tx-copier");
    const { admin, gateway } = session;
    await createTopicsAndWait(admin, [
      { topic: input, numPartitions: 1, replicationFactor: 3 },
      { topic: output, numPartitions: PARTITIONS, replicationFactor: 3 },
    ]);
    const plain = session.track(session.client.producer({ createPartitioner: Partitioners.DefaultPartitioner }));
    await plain.connect();
    const values = Array.from({ length: COPIED }, (_, n) => `copy-${n}`);
    for (let start = 0; start < COPIED; start += 500) {
      await plain.send({ topic: input, acks: -1, messages: values.slice(start, start + 500).map((value) => ({ value })) });
    }

    const copier = assertSucceeded(
      "transactional-copier",
      await runKafkaTool(
        "transactional-copier",
        [
          "--broker-list", gateway.bootstrap, "--input-topic", input, "--input-partition", "0", "--output-topic", output,
          "--transactional-id", uniqueName("tx-copier-id"), "--consumer-group", copierGroup,
          "--transaction-size", "100", "--enable-random-aborts", "--use-group-metadata",
        ],
        { timeoutMs: 150_000 },
      ),
    );
    expect(copier.stdout).toContain("ShutdownComplete");

    const committedCopy = await consumeAll(false, output);
    await waitUntil(() => committedCopy.length >= COPIED, {
      what: () => `read_committed consumer to read the ${COPIED} copied messages (has ${committedCopy.length})`,
      timeoutMs: 90_000,
    });
    // The copier's offsets were committed inside its transactions, up to the end of the input.
    const [offsets] = await admin.fetchOffsets({ groupId: copierGroup, topics: [input] });
    expect(offsets.partitions).toEqual([expect.objectContaining({ partition: 0, offset: `${COPIED}` })]);
    // Aborted attempts were rewound and redone: the committed copy holds each input message exactly once.
    expect([...committedCopy].sort()).toEqual([...values].sort());
  }, 240_000);

  it("never told a client an upstream broker address", () => {
    expect(session.gateway.upstreamLeaks()).toEqual([]);
  });
});
