// The gateway's own SASL login on a fresh broker connection (SaslHandshake v1, then SaslAuthenticate v2 rounds),
// before the connection is handed to whoever asked for it. The tenant's credentials never come here: these are
// the gateway's service credentials for the physical cluster.
import type net from "node:net";
import type { UpstreamSaslConfig } from "../config/types.js";
import { FrameSplitter, type Frame } from "../protocol/frame-splitter.js";
import { byteLength, writeFrame } from "../protocol/frame-write.js";
import { decodeResponseHeader, encodeRequestHeader, responseHeaderVersion } from "../protocol/headers.js";
import { APIS, ApiKey } from "../protocol/messages/index.js";
import { Reader } from "../protocol/reader.js";
import { Writer } from "../protocol/writer.js";
import { ScramClientExchange } from "../security/scram-client.js";
import { GATEWAY_CLIENT_ID } from "./metadata-fetch.js";

const HANDSHAKE_VERSION = 1;
const AUTHENTICATE_VERSION = 2;
const MAX_LOGIN_FRAME_BYTES = 1024 * 1024;

export class UpstreamLoginError extends Error {
  override name = "UpstreamLoginError";
}

/** Logs `socket` in; resolves once the broker accepted, rejects (the caller destroys the socket) otherwise. */
export async function loginUpstream(socket: net.Socket, sasl: UpstreamSaslConfig, cluster: string, timeoutMs: number): Promise<void> {
  const exchange = new LoginExchange(socket, timeoutMs);
  try {
    const handshake = await exchange.send(ApiKey.SaslHandshake, HANDSHAKE_VERSION, { mechanism: sasl.mechanism }, (r, v) => APIS.SaslHandshake.decodeResponse(r, v));
    if (handshake.errorCode !== 0) {
      throw new UpstreamLoginError(`cluster ${cluster} refused SASL mechanism ${sasl.mechanism} (error ${handshake.errorCode}; it offers ${handshake.mechanisms.join(", ")})`);
    }
    const authenticate = async (authBytes: Buffer): Promise<Buffer> => {
      const response = await exchange.send(ApiKey.SaslAuthenticate, AUTHENTICATE_VERSION, { authBytes }, (r, v) => APIS.SaslAuthenticate.decodeResponse(r, v));
      // The broker's message may say why; it never contains the password.
      if (response.errorCode !== 0) throw new UpstreamLoginError(`cluster ${cluster} refused the gateway's login as ${sasl.username} (error ${response.errorCode}: ${response.errorMessage ?? "no message"})`);
      return response.authBytes;
    };
    if (sasl.mechanism === "PLAIN") {
      await authenticate(Buffer.from(`\0${sasl.username}\0${sasl.password}`, "utf8"));
      return;
    }
    const scram = new ScramClientExchange(sasl.mechanism, sasl.username, sasl.password);
    const serverFirst = await authenticate(scram.first());
    const serverFinal = await authenticate(scram.final(serverFirst));
    if (!scram.verify(serverFinal)) throw new UpstreamLoginError(`cluster ${cluster}: the broker's SCRAM signature is wrong (not the broker the gateway's credential is for)`);
  } finally {
    exchange.detach();
  }
}

/** Request/response over the raw socket, one at a time, until the login is done. */
class LoginExchange {
  private readonly splitter = new FrameSplitter(MAX_LOGIN_FRAME_BYTES);
  private waiting: { resolve: (frame: Frame) => void; reject: (err: Error) => void } | undefined;
  private correlationId = 0;
  private readonly onData = (chunk: Buffer) => {
    try {
      this.splitter.push(chunk);
    } catch (err) {
      this.fail(err as Error);
    }
  };
  private readonly onClose = () => this.fail(new UpstreamLoginError("the broker closed the connection during the login"));
  private readonly onError = (err: Error) => this.fail(err);

  constructor(
    private readonly socket: net.Socket,
    private readonly timeoutMs: number,
  ) {
    this.splitter.onFrame((frame) => {
      const waiting = this.waiting;
      this.waiting = undefined;
      waiting?.resolve(frame);
    });
    socket.on("data", this.onData);
    socket.on("close", this.onClose);
    socket.on("error", this.onError);
  }

  send<T>(apiKey: number, version: number, message: object, decode: (r: Reader, version: number) => T): Promise<T> {
    const correlationId = ++this.correlationId;
    const writer = new Writer();
    encodeRequestHeader(writer, { apiKey, apiVersion: version, correlationId, clientId: GATEWAY_CLIENT_ID });
    API_ENCODE[apiKey]!(writer, version, message);
    const body = writer.toChunks();
    return new Promise<Frame>((resolve, reject) => {
      const timer = setTimeout(() => reject(new UpstreamLoginError(`no answer to the gateway's login within ${this.timeoutMs} ms`)), this.timeoutMs);
      this.waiting = {
        resolve: (frame) => (clearTimeout(timer), resolve(frame)),
        reject: (err) => (clearTimeout(timer), reject(err)),
      };
      writeFrame(this.socket, byteLength(body), body);
    }).then((frame) => {
      const reader = new Reader(frame.chunks);
      const header = decodeResponseHeader(reader, responseHeaderVersion(apiKey, version));
      if (header.correlationId !== correlationId) throw new UpstreamLoginError("the broker answered the login out of order");
      return decode(reader, version);
    });
  }

  private fail(err: Error): void {
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.reject(err);
  }

  /** The socket goes on to its real reader with no listener of ours left on it (paused until that one reads). */
  detach(): void {
    this.socket.pause();
    this.socket.off("data", this.onData);
    this.socket.off("close", this.onClose);
    this.socket.off("error", this.onError);
  }
}

const API_ENCODE: Record<number, (w: Writer, version: number, message: object) => void> = {
  [ApiKey.SaslHandshake]: (w, v, m) => APIS.SaslHandshake.encodeRequest(w, v, m as never),
  [ApiKey.SaslAuthenticate]: (w, v, m) => APIS.SaslAuthenticate.encodeRequest(w, v, m as never),
};
