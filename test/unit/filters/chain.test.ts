// The chain's contract: decode once and only when asked, encode once and only when changed, forward the original
// bytes otherwise, keep each filter's state to itself, work out acks=0 in one place, and run responses in reverse.
import { describe, expect, it } from "vitest";
import { FilterChain } from "../../../src/filters/chain.js";
import { CONTINUE, Interest, isRequest, type Filter, type FilterRequest } from "../../../src/filters/filter.js";
import type { Frame } from "../../../src/protocol/frame-splitter.js";
import { decodeRequestHeader, encodeRequestHeader } from "../../../src/protocol/headers.js";
import { API_BY_KEY, APIS, ApiKey } from "../../../src/protocol/messages/index.js";
import { Reader } from "../../../src/protocol/reader.js";
import { Writer } from "../../../src/protocol/writer.js";
import { decide } from "./chain-fixture.js";

function frame(apiKey: number, apiVersion: number, message: object, clientId = "app"): Frame {
  const writer = new Writer();
  encodeRequestHeader(writer, { apiKey, apiVersion, correlationId: 9, clientId });
  API_BY_KEY.get(apiKey)!.encodeRequest(writer, apiVersion, message as never);
  const chunks = writer.toChunks().map((c) => Buffer.from(c));
  return { size: chunks.reduce((n, c) => n + c.length, 0), chunks };
}

const records = Buffer.from("record-bytes-that-must-not-be-copied");
const produce = (acks: number) =>
  frame(ApiKey.Produce, 9, { transactionalId: null, acks, timeoutMs: 1000, topicData: [{ name: "orders", partitionData: [{ index: 0, records: [records] }] }] });

/** A filter that sees Produce messages and records what it saw. */
function watcher(name: string, change?: (request: FilterRequest) => void): Filter & { messages: object[] } {
  const messages: object[] = [];
  return {
    name,
    messages,
    requestInterest: (apiKey) => (apiKey === ApiKey.Produce ? Interest.Message : Interest.None),
    onRequest: (request) => {
      messages.push(request.message);
      change?.(request);
      return CONTINUE;
    },
  };
}

describe("FilterChain requests", () => {
  it("decodes once for every filter that asks, and forwards the original bytes when nothing changed", async () => {
    const a = watcher("a");
    const b = watcher("b");
    const original = produce(1);
    const decision = await decide(new FilterChain([a, b]), original);
    expect(a.messages).toHaveLength(1);
    expect(b.messages[0]).toBe(a.messages[0]); // the same decoded object
    expect(decision.kind).toBe("forward");
    if (decision.kind !== "forward") return;
    expect(decision.body.equals(Buffer.concat(original.chunks))).toBe(true);
  });

  it("encodes once, after every filter, when filters changed the message; record bytes pass as the same slices", async () => {
    const rename = (to: string) => (r: FilterRequest) => {
      if (!isRequest(r, "Produce")) return;
      r.message.topicData[0]!.name += to;
      r.messageChanged = true;
    };
    const decision = await decide(new FilterChain([watcher("a", rename("-a")), watcher("b", rename("-b"))]), produce(1));
    if (decision.kind !== "forward") throw new Error(decision.kind);
    const reader = new Reader(decision.body);
    decodeRequestHeader(reader);
    const forwarded = APIS.Produce.decodeRequest(reader, 9);
    expect(forwarded.topicData[0]!.name).toBe("orders-a-b");
    expect(Buffer.concat(forwarded.topicData[0]!.partitionData[0]!.records as Buffer[]).equals(records)).toBe(true);
  });

  it("re-encodes only the header when only the header changed", async () => {
    const original = produce(1);
    const filter: Filter = {
      name: "client-id",
      requestInterest: () => Interest.Header,
      onRequest: (r) => {
        r.header.clientId = "tenant/app";
        r.headerChanged = true;
        return CONTINUE;
      },
    };
    const decision = await decide(new FilterChain([filter]), original);
    if (decision.kind !== "forward") throw new Error(decision.kind);
    const reader = new Reader(decision.body);
    expect(decodeRequestHeader(reader).clientId).toBe("tenant/app");
    const originalReader = new Reader(original.chunks);
    decodeRequestHeader(originalReader);
    expect(decision.body.subarray(reader.offset).equals(Buffer.concat(originalReader.slices(originalReader.remaining)))).toBe(true);
  });

  it("never decodes a message no filter asked for: a header-only filter has no message", async () => {
    let access: unknown;
    const filter: Filter = {
      name: "header-only",
      requestInterest: () => Interest.Header,
      onRequest: (r) => {
        try {
          access = r.message;
        } catch (err) {
          access = err;
        }
        return CONTINUE;
      },
    };
    await decide(new FilterChain([filter]), produce(1));
    expect(access).toBeInstanceOf(Error);
  });

  it("works out acks=0 in one place: no response expected, and a gateway answer to it closes instead", async () => {
    const forwarded = await decide(new FilterChain([]), produce(0));
    expect(forwarded.kind === "forward" && forwarded.request.expectsResponse).toBe(false);
    const acked = await decide(new FilterChain([]), produce(-1));
    expect(acked.kind === "forward" && acked.request.expectsResponse).toBe(true);
    const refusing: Filter = {
      name: "refuse",
      requestInterest: () => Interest.Header,
      onRequest: () => ({ kind: "respond", message: { responses: [], throttleTimeMs: 0 }, refusal: "denied" }),
    };
    const closed = await decide(new FilterChain([refusing]), produce(0));
    expect(closed).toMatchObject({ kind: "close", refusal: "denied" });
  });

  it("stops at the first filter that answers: later filters never see the request", async () => {
    const after = watcher("after");
    const answering: Filter = {
      name: "answer",
      requestInterest: () => Interest.Header,
      onRequest: () => ({ kind: "respond", message: { responses: [], throttleTimeMs: 0 } }),
    };
    const decision = await decide(new FilterChain([answering, after]), produce(1));
    expect(decision.kind).toBe("respond");
    expect(after.messages).toEqual([]);
  });

  it("keeps each filter's state apart and runs a pending verdict's followers after it settles", async () => {
    const later: Filter = {
      name: "later",
      requestInterest: () => Interest.Header,
      onRequest: () => ({ kind: "pending", verdict: Promise.resolve({ kind: "continue", state: "from-later" }) }),
    };
    const after = watcher("after");
    const keeper: Filter = { name: "keeper", requestInterest: () => Interest.Header, onRequest: () => ({ kind: "continue", state: "from-keeper" }) };
    const decision = await decide(new FilterChain([later, after, keeper]), produce(1));
    if (decision.kind !== "forward") throw new Error(decision.kind);
    expect(after.messages).toHaveLength(1);
    expect(decision.request.states).toEqual(["from-later", undefined, "from-keeper"]);
  });

  it("a pending verdict that settles to an answer stops the chain there: later filters never see the request", async () => {
    const later: Filter = {
      name: "later",
      requestInterest: () => Interest.Header,
      onRequest: () => ({ kind: "pending", verdict: Promise.resolve({ kind: "respond", message: { responses: [], throttleTimeMs: 0 } }) }),
    };
    const after = watcher("after");
    const decision = await decide(new FilterChain([later, after]), produce(1));
    expect(decision.kind).toBe("respond");
    expect(after.messages).toEqual([]);
  });

  it("asks a filter that wants the message of a version the codec lacks for the header only", async () => {
    const interests: number[] = [];
    const filter: Filter = {
      name: "wants-all",
      requestInterest: () => Interest.Message,
      onRequest: (r) => {
        interests.push(r.apiVersion);
        return { kind: "close", reason: "unknown version" };
      },
    };
    const writer = new Writer();
    encodeRequestHeader(writer, { apiKey: ApiKey.Metadata, apiVersion: 99, correlationId: 1, clientId: "x" });
    const chunks = writer.toChunks();
    const decision = await decide(new FilterChain([filter]), { size: chunks.reduce((n, c) => n + c.length, 0), chunks });
    expect(decision.kind).toBe("close");
    expect(interests).toEqual([99]);
  });
});
