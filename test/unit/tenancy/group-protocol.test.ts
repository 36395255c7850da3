// Topic names inside classic consumer-group bytes (ConsumerProtocolSubscription / Assignment).
import { describe, expect, it } from "vitest";
import { ApiKey } from "../../../src/protocol/messages/index.js";
import { Reader } from "../../../src/protocol/reader.js";
import { Writer } from "../../../src/protocol/writer.js";
import { mapAssignment, mapSubscription } from "../../../src/tenancy/consumer-protocol.js";
import { rewriteRequest, rewriteResponse, type RequestOutcome } from "../../../src/tenancy/rewrite.js";
import { tenant } from "./tenant-fixture.js";

type TP = [topic: string, partitions: number[]];

function bytes(w: Writer): Buffer {
  return Buffer.concat(w.toChunks());
}
function writeTPs(w: Writer, tps: TP[]): void {
  w.writeArrayLength(tps.length, false);
  for (const [t, ps] of tps) {
    w.writeString(t);
    w.writeArrayLength(ps.length, false);
    for (const p of ps) w.writeInt32(p);
  }
}
/** ConsumerProtocolSubscription v3 (or v0 without owned partitions, generation and rack). */
function subscription(topics: string[], owned: TP[], version = 3): Buffer {
  const w = new Writer();
  w.writeInt16(version);
  w.writeArrayLength(topics.length, false);
  for (const t of topics) w.writeString(t);
  w.writeNullableBytes(Buffer.from("ud"));
  if (version >= 1) writeTPs(w, owned);
  if (version >= 2) w.writeInt32(7);
  if (version >= 3) w.writeNullableString("rack-a");
  return bytes(w);
}
function assignment(tps: TP[], version = 1): Buffer {
  const w = new Writer();
  w.writeInt16(version);
  writeTPs(w, tps);
  w.writeNullableBytes(null);
  return bytes(w);
}
const stateOf = (o: RequestOutcome | Promise<RequestOutcome>): unknown => ((o as RequestOutcome).kind === "forward" ? (o as { state?: unknown }).state : undefined);

describe("consumer protocol bytes", () => {
  it.each([0, 1, 2, 3])("subscription v%i: names prefixed, and stripped back to the same bytes", (version) => {
    const original = subscription(["orders", "pay"], [["orders", [0, 1]]], version);
    const up = mapSubscription(original, (t) => `payments.${t}`)!;
    expect(up).toEqual(subscription(["payments.orders", "payments.pay"], [["payments.orders", [0, 1]]], version));
    expect(mapSubscription(up, (t) => (t.startsWith("payments.") ? t.slice(9) : undefined))).toEqual(original);
  });

  it("a newer subscription version keeps its unknown trailing fields", () => {
    const w = new Writer();
    w.writeRaw(subscription(["a"], [], 3));
    w.writeInt32(42);
    const newer = bytes(w);
    newer.writeInt16BE(4, 0);
    const up = mapSubscription(newer, (t) => `p.${t}`)!;
    const r = new Reader(up);
    expect(r.readInt16()).toBe(4);
    expect(up.subarray(up.length - 4).readInt32BE()).toBe(42);
  });

  it("assignment: foreign names dropped on the way down; empty and junk bytes left alone", () => {
    expect(mapAssignment(assignment([["payments.a", [0]], ["analytics.b", [1]]]), (t) => (t.startsWith("payments.") ? t.slice(9) : undefined))).toEqual(assignment([["a", [0]]]));
    expect(mapAssignment(Buffer.alloc(0), (t) => t)).toBeUndefined();
    expect(mapAssignment(Buffer.from([0, 1, 0xff, 0xff, 0xff, 0xfe]), (t) => t)).toBeUndefined();
    expect(mapSubscription(Buffer.from("not a subscription at all"), (t) => t)).toBeUndefined();
  });

  it("strict parsing (protocol type unknown) refuses bytes beyond the message", () => {
    const extra = Buffer.concat([assignment([["a", [0]]]), Buffer.from([1])]);
    expect(mapAssignment(extra, (t) => t, true)).toBeUndefined();
    expect(mapAssignment(extra, (t) => t, false)).toBeDefined();
  });
});

describe("JoinGroup / SyncGroup / DescribeGroups", () => {
  it("JoinGroup (consumer): subscriptions prefixed; the members' subscriptions stripped in the response (v5: protocol type from the request)", () => {
    const t = tenant();
    const request = { groupId: "g", memberId: "", protocolType: "consumer", protocols: [{ name: "range", metadata: subscription(["orders"], []) }] };
    const state = stateOf(rewriteRequest(t, ApiKey.JoinGroup, 5, request));
    expect(request.protocols[0]!.metadata).toEqual(subscription(["payments.orders"], []));
    const response = { members: [{ memberId: "m", groupInstanceId: null, metadata: subscription(["payments.orders", "analytics.x"], [["payments.orders", [0]]]) }] };
    rewriteResponse(t, ApiKey.JoinGroup, 5, response, state);
    expect(response.members[0]!.metadata).toEqual(subscription(["orders"], [["orders", [0]]]));
  });

  it("JoinGroup with another protocol type: bytes untouched", () => {
    const metadata = subscription(["orders"], []);
    const request = { groupId: "g", memberId: "", protocolType: "connect", protocols: [{ name: "sessioned", metadata }] };
    rewriteRequest(tenant(), ApiKey.JoinGroup, 9, request);
    expect(request.protocols[0]!.metadata).toBe(metadata);
  });

  it.each([
    [3, undefined], // protocol type not in this version: exact parse decides
    [5, "consumer"],
  ])("SyncGroup v%i (%s): the leader's assignments prefixed, the member's assignment stripped", (version, protocolType) => {
    const t = tenant();
    const request = { groupId: "g", protocolType, assignments: [{ memberId: "m", assignment: assignment([["orders", [0, 1]]]) }] };
    rewriteRequest(t, ApiKey.SyncGroup, version, request);
    expect(request.assignments[0]!.assignment).toEqual(assignment([["payments.orders", [0, 1]]]));
    const response = { protocolType, assignment: assignment([["payments.orders", [0, 1]]]) };
    rewriteResponse(t, ApiKey.SyncGroup, version, response, undefined);
    expect(response.assignment).toEqual(assignment([["orders", [0, 1]]]));
  });

  it("DescribeGroups (consumer): member metadata and assignments stripped", () => {
    const response = {
      groups: [{ groupId: "payments.g", errorMessage: null, protocolType: "consumer", members: [{ memberMetadata: subscription(["payments.o"], []), memberAssignment: assignment([["payments.o", [0]]]) }] }],
    };
    rewriteResponse(tenant(), ApiKey.DescribeGroups, 5, response, undefined);
    expect(response.groups[0]!.groupId).toBe("g");
    expect(response.groups[0]!.members[0]).toEqual({ memberMetadata: subscription(["o"], []), memberAssignment: assignment([["o", [0]]]) });
  });
});
