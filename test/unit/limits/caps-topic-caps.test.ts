// The topic and partition caps as a pure decision, and the ledger of creations Metadata doesn't show yet.
import { describe, expect, it } from "vitest";
import { checkTopicCaps, DEFAULT_PARTITIONS, requestedPartitions } from "../../../src/limits/topic-caps.js";
import { TopicLedger, UNCONFIRMED_TTL_MS } from "../../../src/limits/topic-ledger.js";

const create = (name: string, partitions: number) => ({ name, partitions, existing: false });
const grow = (name: string, partitions: number) => ({ name, partitions, existing: true });

describe("checkTopicCaps", () => {
  const usage = new Map([
    ["a", 3],
    ["b", 2],
  ]);

  it("lets everything through without caps", () => {
    expect(checkTopicCaps(usage, {}, [create("c", 100), grow("a", 100)])).toEqual([undefined, undefined]);
  });

  it("counts the topics of one request in order: the ones that fit go, the rest are refused", () => {
    const verdicts = checkTopicCaps(usage, { maxTopics: 3 }, [create("c", 1), create("d", 1), create("e", 1)]);
    expect(verdicts[0]).toBeUndefined();
    expect(verdicts[1]).toEqual({ cap: "topics", message: `topic "d" would exceed this virtual cluster's cap of 3 topics (3 exist)` });
    expect(verdicts[2]).toMatchObject({ cap: "topics" });
  });

  it("counts partitions of new topics and of growths, not refused ones", () => {
    const verdicts = checkTopicCaps(usage, { maxPartitions: 8 }, [create("c", 4), grow("a", 4), create("d", 2)]);
    expect(verdicts[0]).toMatchObject({ cap: "partitions", message: expect.stringContaining(`4 more partitions for topic "c"`) });
    expect(verdicts[1]).toBeUndefined(); // 5 + 1 = 6
    expect(verdicts[2]).toBeUndefined(); // 6 + 2 = 8
  });

  it("leaves to the broker what it refuses anyway: an existing topic created again, a growth of an unknown one", () => {
    expect(checkTopicCaps(usage, { maxTopics: 0, maxPartitions: 0 }, [create("a", 9), grow("zz", 9)])).toEqual([undefined, undefined]);
  });

  it("never counts a shrink as room", () => {
    expect(checkTopicCaps(usage, { maxPartitions: 5 }, [grow("a", 1), create("c", 1)])[1]).toMatchObject({ cap: "partitions" });
  });
});

describe("requestedPartitions", () => {
  it("is numPartitions, else the assignment's size, else Kafka's default", () => {
    expect(requestedPartitions({ numPartitions: 6, assignments: [] })).toBe(6);
    expect(requestedPartitions({ numPartitions: -1, assignments: [{}, {}] })).toBe(2);
    expect(requestedPartitions({ numPartitions: -1, assignments: [] })).toBe(DEFAULT_PARTITIONS);
  });
});

describe("TopicLedger", () => {
  it("counts a reservation until Metadata shows it, or until it expires", () => {
    const ledger = new TopicLedger();
    ledger.reserve("new", 3, 0);
    ledger.reserve("grown", 5, 0);
    const upstream = new Map([["grown", 2]]);
    expect(ledger.usage(upstream, 10)).toEqual(new Map([["grown", 5], ["new", 3]]));
    // Metadata caught up with "new" (at 3 partitions) but not "grown".
    expect(ledger.usage(new Map([["grown", 2], ["new", 3]]), 20)).toEqual(new Map([["grown", 5], ["new", 3]]));
    expect(ledger.usage(new Map([["grown", 2]]), 30)).toEqual(new Map([["grown", 5]])); // "new" was confirmed, then deleted
    expect(ledger.usage(new Map([["grown", 2]]), UNCONFIRMED_TTL_MS + 1)).toEqual(new Map([["grown", 2]]));
  });

  it("drops a reservation the broker refused", () => {
    const ledger = new TopicLedger();
    ledger.reserve("x", 1, 0);
    ledger.cancel("x");
    expect(ledger.usage(new Map(), 1)).toEqual(new Map());
  });
});
