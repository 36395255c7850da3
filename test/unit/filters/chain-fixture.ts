// Drives a FilterChain without sockets: a sink that records the chain's decision for one request.
import { expect } from "vitest";
import type { ChainedRequest, FilterChain, RequestSink } from "../../../src/filters/chain.js";
import { decodeRequestHeader, decodeResponseHeader, encodeRequestHeader, encodeResponseHeader, responseHeaderVersion, type RequestHeader } from "../../../src/protocol/headers.js";
import { API_BY_KEY } from "../../../src/protocol/messages/index.js";
import { Reader } from "../../../src/protocol/reader.js";
import { Writer } from "../../../src/protocol/writer.js";
import type { Frame } from "../../../src/protocol/frame-splitter.js";
import type { Session } from "../../../src/session/session.js";
import { testSession } from "../../harness/session.js";

export { testEndpoint, testSession } from "../../harness/session.js";

export type Decision =
  | { kind: "forward"; request: ChainedRequest; body: Buffer }
  | { kind: "respond"; request: ChainedRequest; body: Buffer; delayMs: number; refusal: string | undefined }
  | { kind: "close"; reason: string; request: ChainedRequest | undefined; refusal: string | undefined };

/** Runs one request frame through `chain` and returns what it decided (awaiting a pending verdict). */
export async function decide(chain: FilterChain, frame: Frame, session: Session = testSession()): Promise<Decision> {
  let decision: Decision | undefined;
  const sink: RequestSink = {
    forward: (request, size, body) => {
      const bytes = Buffer.concat(body);
      if (bytes.length !== size) throw new Error(`forwarded ${bytes.length} bytes but said ${size}`);
      decision = { kind: "forward", request, body: bytes };
    },
    respond: (request, body, delayMs, refusal) => (decision = { kind: "respond", request, body: Buffer.concat(body), delayMs, refusal }),
    closeConnection: (reason, request, refusal) => (decision = { kind: "close", reason, request, refusal }),
  };
  await chain.onRequest(session, frame, sink);
  if (decision === undefined) throw new Error("the chain decided nothing");
  return decision;
}

/** A request frame body in one received chunk of its own memory (not the shared pool), like a socket read. */
export function frame(apiKey: number, apiVersion: number, message: object, clientId: string | null = "app", correlationId = 7): Frame {
  const writer = new Writer();
  encodeRequestHeader(writer, { apiKey, apiVersion, correlationId, clientId });
  API_BY_KEY.get(apiKey)!.encodeRequest(writer, apiVersion, message as never);
  const encoded = Buffer.concat(writer.toChunks());
  const whole = Buffer.alloc(encoded.length);
  encoded.copy(whole);
  return { size: whole.length, chunks: [whole] };
}

export interface Forwarded {
  header: RequestHeader;
  message: Record<string, unknown>;
  request: ChainedRequest;
}

export function forwarded(decision: Decision): Forwarded {
  if (decision.kind !== "forward") throw new Error(`not forwarded: ${decision.kind} ${decision.kind === "close" ? decision.reason : ""}`);
  const reader = new Reader([decision.body]);
  const header = decodeRequestHeader(reader);
  const message = API_BY_KEY.get(header.apiKey)!.decodeRequest(reader, header.apiVersion) as Record<string, unknown>;
  expect(reader.remaining).toBe(0);
  return { header, message, request: decision.request };
}

export function answered(decision: Decision, apiKey: number, apiVersion: number): Record<string, unknown> {
  if (decision.kind !== "respond") throw new Error(`not answered: ${decision.kind} ${decision.kind === "close" ? decision.reason : ""}`);
  const reader = new Reader([decision.body]);
  expect(decodeResponseHeader(reader, responseHeaderVersion(apiKey, apiVersion)).correlationId).toBe(7);
  return API_BY_KEY.get(apiKey)!.decodeResponse(reader, apiVersion) as Record<string, unknown>;
}

/** A broker's response frame (header and message), as the connection hands it to the chain. */
export function responseFrame(apiKey: number, apiVersion: number, message: object, correlationId = 7): Frame {
  const writer = new Writer();
  encodeResponseHeader(writer, responseHeaderVersion(apiKey, apiVersion), correlationId);
  API_BY_KEY.get(apiKey)!.encodeResponse(writer, apiVersion, message as never);
  const whole = Buffer.concat(writer.toChunks());
  return { size: whole.length, chunks: [whole] };
}

/** Decodes what the chain made of a response frame (undefined: the original frame went on). */
export function decodedResponse<T = Record<string, unknown>>(apiKey: number, apiVersion: number, chunks: readonly Buffer[]): T {
  const reader = new Reader([...chunks]);
  decodeResponseHeader(reader, responseHeaderVersion(apiKey, apiVersion));
  return API_BY_KEY.get(apiKey)!.decodeResponse(reader, apiVersion) as T;
}
