// Whole Kafka frames for fake brokers and raw clients in tests: a size prefix in front of encoded bytes.
import { encodeResponseHeader } from "../../src/protocol/headers.js";
import { APIS, ApiKey } from "../../src/protocol/messages/index.js";
import { Writer } from "../../src/protocol/writer.js";

/** The bytes of `chunks` behind their int32 size (tests only: the product never concatenates). */
export function sizePrefixed(chunks: readonly Buffer[]): Buffer {
  const body = Buffer.concat(chunks);
  const size = Buffer.alloc(4);
  size.writeInt32BE(body.length, 0);
  return Buffer.concat([size, body]);
}

/** A broker's ApiVersions answer (header v0, as Kafka always sends it) offering Metadata v0-12. */
export function apiVersionsResponseFrame(version: number, correlationId: number): Buffer {
  const writer = new Writer();
  encodeResponseHeader(writer, 0, correlationId);
  APIS.ApiVersions.encodeResponse(writer, version, { errorCode: 0, apiKeys: [{ apiKey: ApiKey.Metadata, minVersion: 0, maxVersion: 12 }], throttleTimeMs: 0 });
  return sizePrefixed(writer.toChunks());
}
