import { describe, expect, it } from "vitest";
import { ERROR_CODE_PEEK_BYTES, peekResponseErrorCode } from "../../../src/observe/response-error-code.js";
import { ErrorCode } from "../../../src/protocol/error-codes.js";
import type { Frame } from "../../../src/protocol/frame-splitter.js";
import { encodeResponseHeader, responseHeaderVersion } from "../../../src/protocol/headers.js";
import { API_BY_KEY, ApiKey } from "../../../src/protocol/messages/index.js";
import type { TaggedField } from "../../../src/protocol/tagged-field.js";
import { Writer } from "../../../src/protocol/writer.js";

/** A response body (header and message, no size prefix) as the codec writes it. */
function response(apiKey: number, apiVersion: number, message: object, tagged?: TaggedField[]): Buffer {
  const writer = new Writer();
  encodeResponseHeader(writer, responseHeaderVersion(apiKey, apiVersion), 7, tagged);
  API_BY_KEY.get(apiKey)!.encodeResponse(writer, apiVersion, message);
  return Buffer.concat(writer.toChunks());
}

/** What the connection has when it peeks a streamed response: its first bytes only, in one-byte chunks. */
function head(body: Buffer): Frame {
  const bytes = body.subarray(0, Math.min(body.length, ERROR_CODE_PEEK_BYTES));
  return { size: body.length, chunks: [...bytes].map((b) => Buffer.from([b])) };
}

const whole = (body: Buffer): Frame => ({ size: body.length, chunks: [body] });

describe("peekResponseErrorCode", () => {
  it.each([
    ["Heartbeat v0 (error code first)", ApiKey.Heartbeat, 0],
    ["Heartbeat v3 (after throttle time)", ApiKey.Heartbeat, 3],
    ["Heartbeat v4 (a flexible header)", ApiKey.Heartbeat, 4],
    ["FindCoordinator v3", ApiKey.FindCoordinator, 3],
  ])("reads the top-level error code of %s from the first bytes alone", (_name, apiKey, apiVersion) => {
    const body = response(apiKey, apiVersion, { throttleTimeMs: 250, errorCode: ErrorCode.REBALANCE_IN_PROGRESS, errorMessage: null, nodeId: 1, host: "h", port: 9092 });
    expect(peekResponseErrorCode(apiKey, apiVersion, whole(body))).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    expect(peekResponseErrorCode(apiKey, apiVersion, head(body))).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
  });

  it("reads an ApiVersions response's error code (a v0 header even for flexible versions)", () => {
    const body = response(ApiKey.ApiVersions, 3, { errorCode: ErrorCode.UNSUPPORTED_VERSION, apiKeys: [], throttleTimeMs: 0 });
    expect(peekResponseErrorCode(ApiKey.ApiVersions, 3, head(body))).toBe(ErrorCode.UNSUPPORTED_VERSION);
  });

  it("says 0 for responses without a top-level error code, rather than reading some other field", () => {
    const coordinators = response(ApiKey.FindCoordinator, 4, { throttleTimeMs: 9, coordinators: [] });
    expect(peekResponseErrorCode(ApiKey.FindCoordinator, 4, head(coordinators))).toBe(0);
    const produce = response(ApiKey.Produce, 9, { responses: [], throttleTimeMs: 0 });
    expect(peekResponseErrorCode(ApiKey.Produce, 9, whole(produce))).toBe(0);
    expect(peekResponseErrorCode(9999, 0, whole(Buffer.alloc(16, 0xff)))).toBe(0);
  });

  it("says 0 when a flexible header carries tagged fields (the offset would be wrong) or the response is too short", () => {
    const tagged = response(ApiKey.Heartbeat, 4, { throttleTimeMs: 0, errorCode: ErrorCode.REBALANCE_IN_PROGRESS }, [{ tag: 5, data: Buffer.from([1, 2]) }]);
    expect(peekResponseErrorCode(ApiKey.Heartbeat, 4, whole(tagged))).toBe(0);
    expect(peekResponseErrorCode(ApiKey.Heartbeat, 0, whole(Buffer.alloc(5)))).toBe(0);
  });
});
