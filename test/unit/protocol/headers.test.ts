import { describe, expect, it } from "vitest";
import {
  decodeRequestHeader,
  decodeResponseHeader,
  encodeRequestHeader,
  encodeResponseHeader,
  requestHeaderVersion,
  responseHeaderVersion,
  type RequestHeader,
} from "../../../src/protocol/headers.js";
import { ApiKey } from "../../../src/protocol/messages/index.js";
import { Reader } from "../../../src/protocol/reader.js";
import { Writer } from "../../../src/protocol/writer.js";

function bytesOf(write: (w: Writer) => void): Buffer {
  const w = new Writer();
  write(w);
  return Buffer.concat(w.toChunks());
}

describe("header versions", () => {
  it.each([
    [ApiKey.ApiVersions, 2, 1],
    [ApiKey.ApiVersions, 3, 2],
    [ApiKey.ApiVersions, 99, 2], // a probe newer than the codec still parses as flexible
    [ApiKey.Metadata, 8, 1],
    [ApiKey.Metadata, 9, 2],
    [ApiKey.Produce, 9, 2],
    [ApiKey.SaslHandshake, 1, 1], // never flexible
    [7, 0, 0], // ControlledShutdown v0 (removed API) has no client id
    [32000, 5, 1], // unknown API key
  ])("request api %i v%i -> header v%i", (apiKey, version, expected) => {
    expect(requestHeaderVersion(apiKey, version)).toBe(expected);
  });

  it.each([
    [ApiKey.ApiVersions, 0, 0],
    [ApiKey.ApiVersions, 4, 0], // always v0, so that any client can read the error
    [ApiKey.Metadata, 8, 0],
    [ApiKey.Metadata, 9, 1],
    [ApiKey.Fetch, 12, 1],
    [32000, 1, 0],
  ])("response api %i v%i -> header v%i", (apiKey, version, expected) => {
    expect(responseHeaderVersion(apiKey, version)).toBe(expected);
  });
});

describe("request header", () => {
  it("keeps an int16-length client id in the flexible header v2, then the tagged fields", () => {
    const header: RequestHeader = {
      apiKey: ApiKey.Metadata,
      apiVersion: 12,
      correlationId: 7,
      clientId: "ab",
      unknownTaggedFields: [{ tag: 3, data: Buffer.from([1, 2]) }],
    };
    const bytes = bytesOf((w) => encodeRequestHeader(w, header));
    expect([...bytes]).toEqual([0, 3, 0, 12, 0, 0, 0, 7, 0, 2, 0x61, 0x62, 1, 3, 2, 1, 2]);
    const r = new Reader([bytes.subarray(0, 5), bytes.subarray(5)]);
    expect(decodeRequestHeader(r)).toEqual(header);
    expect(r.remaining).toBe(0);
  });

  it("reads a v1 header with a null client id and leaves the body unread", () => {
    const bytes = Buffer.from([0, 0, 0, 8, 0, 0, 1, 0, 0xff, 0xff, 0xee]);
    const r = new Reader(bytes);
    expect(decodeRequestHeader(r)).toEqual({ apiKey: 0, apiVersion: 8, correlationId: 256, clientId: null });
    expect(r.remaining).toBe(1);
  });

  it("re-encodes byte for byte", () => {
    for (const header of [
      { apiKey: ApiKey.ApiVersions, apiVersion: 3, correlationId: -1, clientId: null },
      { apiKey: ApiKey.Produce, apiVersion: 7, correlationId: 2 ** 31 - 1, clientId: "x".repeat(300) },
    ]) {
      const bytes = bytesOf((w) => encodeRequestHeader(w, header));
      expect(bytesOf((w) => encodeRequestHeader(w, decodeRequestHeader(new Reader(bytes))))).toEqual(bytes);
    }
  });

  it("fails cleanly on a truncated header", () => {
    expect(() => decodeRequestHeader(new Reader(Buffer.from([0, 3, 0, 12, 0, 0])))).toThrow(/truncated/);
  });
});

describe("response header", () => {
  it("v0 is the correlation id only; v1 adds tagged fields", () => {
    expect([...bytesOf((w) => encodeResponseHeader(w, 0, 5))]).toEqual([0, 0, 0, 5]);
    expect([...bytesOf((w) => encodeResponseHeader(w, 1, 5))]).toEqual([0, 0, 0, 5, 0]);
    const tagged = [{ tag: 1, data: Buffer.from([4]) }];
    const v1 = bytesOf((w) => encodeResponseHeader(w, 1, 5, tagged));
    expect(decodeResponseHeader(new Reader(v1), 1)).toEqual({ correlationId: 5, unknownTaggedFields: tagged });
    expect(decodeResponseHeader(new Reader(Buffer.from([0, 0, 0, 9, 0xaa])), 0)).toEqual({ correlationId: 9 });
  });
});
