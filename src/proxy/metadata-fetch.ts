// The gateway's own Metadata round trip, over a short-lived connection to a bootstrap server: used
// when a client dials a broker port before any Metadata response has taught us that node's address.
import type { HostPort } from "../config/types.js";
import { FrameSplitter } from "../protocol/frame-splitter.js";
import { decodeResponseHeader, encodeRequestHeader, responseHeaderVersion } from "../protocol/headers.js";
import { ApiKey } from "../protocol/messages/index.js";
import { decodeMetadataResponse, encodeMetadataRequest } from "../protocol/messages/metadata.js";
import { Reader } from "../protocol/reader.js";
import { Writer } from "../protocol/writer.js";
import { byteLength, writeFrame } from "./frame-write.js";
import { connectFirst } from "./upstream-connect.js";

/** v9: the first flexible version; every broker from Kafka 2.4 to 4.x accepts it. */
const METADATA_VERSION = 9;
const MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

export type BrokerAddress = HostPort & { nodeId: number };

export function encodeBrokersRequest(correlationId: number): Buffer[] {
  const writer = new Writer();
  encodeRequestHeader(writer, {
    apiKey: ApiKey.Metadata,
    apiVersion: METADATA_VERSION,
    correlationId,
    clientId: "bulkhead",
  });
  // An empty topic list (not null): brokers only, no topics.
  encodeMetadataRequest(writer, METADATA_VERSION, {
    topics: [],
    allowAutoTopicCreation: false,
    includeClusterAuthorizedOperations: false,
    includeTopicAuthorizedOperations: false,
  });
  return writer.toChunks();
}

export function decodeBrokersResponse(body: readonly Buffer[]): BrokerAddress[] {
  const reader = new Reader(body);
  decodeResponseHeader(reader, responseHeaderVersion(ApiKey.Metadata, METADATA_VERSION));
  return decodeMetadataResponse(reader, METADATA_VERSION).brokers.map(({ nodeId, host, port }) => ({ nodeId, host, port }));
}

/** The cluster's brokers as the first reachable bootstrap server reports them. */
export async function fetchClusterBrokers(bootstrap: readonly HostPort[], timeoutMs: number): Promise<BrokerAddress[]> {
  const socket = await connectFirst(bootstrap, timeoutMs);
  return new Promise((resolve, reject) => {
    const fail = (err: Error) => {
      clearTimeout(timer);
      socket.destroy();
      reject(err);
    };
    const timer = setTimeout(() => fail(new Error(`metadata request timed out after ${timeoutMs} ms`)), timeoutMs);
    const splitter = new FrameSplitter(MAX_RESPONSE_BYTES);
    splitter.onFrame((frame) => {
      clearTimeout(timer);
      socket.destroy();
      try {
        resolve(decodeBrokersResponse(frame.chunks));
      } catch (err) {
        reject(err as Error);
      }
    });
    socket.on("data", (chunk: Buffer) => {
      try {
        splitter.push(chunk);
      } catch (err) {
        fail(err as Error);
      }
    });
    socket.on("error", fail);
    socket.on("close", () => fail(new Error("connection closed before the metadata response")));
    const body = encodeBrokersRequest(1);
    writeFrame(socket, byteLength(body), body);
  });
}
