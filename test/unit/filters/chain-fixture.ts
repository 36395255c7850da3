// Drives a FilterChain without sockets: a sink that records the chain's decision for one request.
import type { ChainedRequest, FilterChain, RequestSink } from "../../../src/filters/chain.js";
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
