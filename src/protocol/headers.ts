/**
 * Request and response headers (Kafka's RequestHeader.json v0-2 and ResponseHeader.json v0-1).
 *
 * The header version is not on the wire: it follows from the API key and version (flexible API
 * versions use the flexible header), so request headers are decoded in two steps.
 */
import { API_BY_KEY } from "./messages/index.js";
import type { Reader } from "./reader.js";
import type { TaggedField } from "./tagged-field.js";
import type { Writer } from "./writer.js";

const API_VERSIONS_KEY = 18;
const CONTROLLED_SHUTDOWN_KEY = 7;

export interface RequestHeader {
  apiKey: number;
  apiVersion: number;
  correlationId: number;
  /** Absent (undefined) only in header v0; null when the client sent none. */
  clientId: string | null;
  unknownTaggedFields?: TaggedField[];
}

export type RequestHeaderVersion = 0 | 1 | 2;
export type ResponseHeaderVersion = 0 | 1;

/**
 * Header version of a request: 2 for flexible API versions, else 1 (0 only for ControlledShutdown
 * v0). An unknown API key gets 1, since only the fields common to v1 and v2 can be trusted there.
 * A version above the codec's maximum still counts as flexible, as Kafka does (clients probe with
 * ApiVersions requests newer than the broker knows).
 */
export function requestHeaderVersion(apiKey: number, apiVersion: number): RequestHeaderVersion {
  if (apiKey === CONTROLLED_SHUTDOWN_KEY && apiVersion === 0) return 0;
  const flexibleFrom = API_BY_KEY.get(apiKey)?.requestFlexibleFrom ?? null;
  return flexibleFrom !== null && apiVersion >= flexibleFrom ? 2 : 1;
}

/** Header version of a response: 1 for flexible API versions, else 0; ApiVersions always 0 (KIP-511). */
export function responseHeaderVersion(apiKey: number, apiVersion: number): ResponseHeaderVersion {
  if (apiKey === API_VERSIONS_KEY) return 0;
  const flexibleFrom = API_BY_KEY.get(apiKey)?.responseFlexibleFrom ?? null;
  return flexibleFrom !== null && apiVersion >= flexibleFrom ? 1 : 0;
}

export function decodeRequestHeader(r: Reader): RequestHeader {
  const apiKey = r.readInt16();
  const apiVersion = r.readInt16();
  const correlationId = r.readInt32();
  const version = requestHeaderVersion(apiKey, apiVersion);
  if (version === 0) return { apiKey, apiVersion, correlationId, clientId: null };
  // The client id keeps its int16 length even in v2, so old brokers can read any ApiVersions header.
  const header: RequestHeader = { apiKey, apiVersion, correlationId, clientId: r.readNullableString() };
  if (version === 2) {
    const tagged = r.readTaggedFields();
    if (tagged !== undefined) header.unknownTaggedFields = tagged;
  }
  return header;
}

export function encodeRequestHeader(w: Writer, header: RequestHeader): void {
  w.writeInt16(header.apiKey);
  w.writeInt16(header.apiVersion);
  w.writeInt32(header.correlationId);
  const version = requestHeaderVersion(header.apiKey, header.apiVersion);
  if (version === 0) return;
  w.writeNullableString(header.clientId);
  if (version === 2) w.writeTaggedFields(header.unknownTaggedFields);
}

export interface ResponseHeader {
  correlationId: number;
  unknownTaggedFields?: TaggedField[];
}

export function decodeResponseHeader(r: Reader, headerVersion: ResponseHeaderVersion): ResponseHeader {
  const header: ResponseHeader = { correlationId: r.readInt32() };
  if (headerVersion === 1) {
    const tagged = r.readTaggedFields();
    if (tagged !== undefined) header.unknownTaggedFields = tagged;
  }
  return header;
}

export function encodeResponseHeader(
  w: Writer,
  headerVersion: ResponseHeaderVersion,
  correlationId: number,
  tagged?: readonly TaggedField[],
): void {
  w.writeInt32(correlationId);
  if (headerVersion === 1) w.writeTaggedFields(tagged);
}
