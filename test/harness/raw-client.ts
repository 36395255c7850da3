/**
 * A minimal Kafka client for tests that need requests no real client sends: any API key and version,
 * built with the generated codec (Writer + request header) and decoded with it, over one TCP socket.
 * Used by the isolation probes (topic-id versions of Produce/Fetch/OffsetCommit..., denied admin APIs,
 * unknown api keys) against the gateway, and against the physical cluster to check what reached it.
 */
import net from "node:net";
import { FrameSplitter, type Frame } from "../../src/protocol/frame-splitter.js";
import { decodeResponseHeader, encodeRequestHeader, responseHeaderVersion } from "../../src/protocol/headers.js";
import { API_BY_KEY } from "../../src/protocol/messages/index.js";
import { Reader } from "../../src/protocol/reader.js";
import type { FieldSchema } from "../../src/protocol/schema.js";
import { Writer } from "../../src/protocol/writer.js";

export interface VersionRange {
  min: number;
  max: number;
}

interface Pending {
  resolve(frame: Frame): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
  what: string;
}

const API_VERSIONS_KEY = 18;

/** Thrown when the peer closed the connection instead of answering (what a broker does for unknown api keys). */
export class ConnectionClosedError extends Error {
  constructor(what: string) {
    super(`connection closed before the response to ${what}`);
  }
}

export class RawKafkaConnection {
  private readonly pending = new Map<number, Pending>();
  /** Waiting for the answer to a raw SASL token (sendToken). */
  private rawToken: Pending | undefined;
  private nextCorrelationId = 1;
  private isClosed = false;
  /** Resolves when the peer (or we) closed the socket. */
  readonly closed: Promise<void>;

  private constructor(
    private readonly socket: net.Socket,
    readonly address: string,
    private readonly clientId: string,
    private readonly timeoutMs: number,
  ) {
    const splitter = new FrameSplitter();
    splitter.onFrame((frame) => this.onFrame(frame));
    socket.on("data", (chunk: Buffer) => splitter.push(chunk));
    this.closed = new Promise((resolve) => {
      socket.on("close", () => {
        this.isClosed = true;
        if (this.rawToken !== undefined) {
          clearTimeout(this.rawToken.timer);
          this.rawToken.reject(new ConnectionClosedError(this.rawToken.what));
          this.rawToken = undefined;
        }
        for (const [id, p] of this.pending) {
          clearTimeout(p.timer);
          p.reject(new ConnectionClosedError(p.what));
          this.pending.delete(id);
        }
        resolve();
      });
    });
    socket.on("error", () => undefined); // surfaces as "close"
  }

  /** Connects to "host:port" (from `localAddress`, e.g. another loopback address, when given). */
  static connect(address: string, clientId = "bulkhead-raw-test", timeoutMs = 30_000, localAddress?: string): Promise<RawKafkaConnection> {
    const at = address.lastIndexOf(":");
    const socket = net.connect({ host: address.slice(0, at), port: Number(address.slice(at + 1)), ...(localAddress !== undefined && { localAddress }) });
    socket.setNoDelay(true);
    return new Promise((resolve, reject) => {
      socket.once("error", reject);
      socket.once("connect", () => {
        socket.off("error", reject);
        resolve(new RawKafkaConnection(socket, address, clientId, timeoutMs));
      });
    });
  }

  get isOpen(): boolean {
    return !this.isClosed;
  }

  /**
   * Sends a request encoded by the codec and decodes the response (typed loosely: tests read the fields they
   * know). `request` may leave out fields: see `completeRequest`.
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any API's decoded response; tests read the fields they know
  async send<Res = any>(apiKey: number, version: number, request: object): Promise<Res> {
    const api = API_BY_KEY.get(apiKey);
    if (!api) throw new Error(`the codec has no api key ${apiKey}; use sendRaw`);
    const body = new Writer();
    api.encodeRequest(body, version, completeRequest(apiKey, version, request));
    const frame = await this.sendRaw(apiKey, version, body.toChunks(), `${api.name} v${version}`);
    const reader = new Reader(frame.chunks);
    decodeResponseHeader(reader, responseHeaderVersion(apiKey, version));
    const response = api.decodeResponse(reader, version) as Res;
    if (reader.remaining !== 0) throw new Error(`${api.name} v${version} response: ${reader.remaining} bytes left after decoding`);
    return response;
  }

  /** Sends a request whose body is given as bytes; resolves with the response frame (header included). */
  sendRaw(apiKey: number, version: number, body: readonly Buffer[], what = `api ${apiKey} v${version}`): Promise<Frame> {
    if (this.isClosed) return Promise.reject(new ConnectionClosedError(what));
    const correlationId = this.nextCorrelationId++;
    const w = new Writer();
    encodeRequestHeader(w, { apiKey, apiVersion: version, correlationId, clientId: this.clientId });
    for (const part of body) w.writeRaw(part);
    const size = Buffer.alloc(4);
    size.writeInt32BE(w.length, 0);
    const frame = Buffer.concat([size, ...w.toChunks()]);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(correlationId);
        reject(new Error(`no response to ${what} from ${this.address} within ${this.timeoutMs} ms`));
      }, this.timeoutMs);
      this.pending.set(correlationId, { resolve, reject, timer, what });
      this.socket.write(frame);
    });
  }

  /**
   * Legacy SASL (after a SaslHandshake v0): sends a raw token, framed by its length alone, and resolves with the raw
   * token the peer sends back (the next frame, which has no response header).
   */
  sendToken(token: Buffer): Promise<Buffer> {
    if (this.isClosed) return Promise.reject(new ConnectionClosedError("a raw SASL token"));
    const size = Buffer.alloc(4);
    size.writeInt32BE(token.length, 0);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.rawToken = undefined;
        reject(new Error(`no raw SASL token back from ${this.address} within ${this.timeoutMs} ms`));
      }, this.timeoutMs);
      this.rawToken = { resolve: (frame) => resolve(Buffer.concat(frame.chunks)), reject, timer, what: "a raw SASL token" };
      this.socket.write(Buffer.concat([size, token]));
    });
  }

  /** The API version ranges the peer advertises (ApiVersions v3). */
  async apiVersions(): Promise<Map<number, VersionRange>> {
    const response = await this.send(API_VERSIONS_KEY, 3, { clientSoftwareName: "bulkhead-test", clientSoftwareVersion: "1" });
    if (response.errorCode !== 0) throw new Error(`ApiVersions failed with error ${response.errorCode}`);
    return new Map(
      (response.apiKeys as { apiKey: number; minVersion: number; maxVersion: number }[]).map((k) => [
        k.apiKey,
        { min: k.minVersion, max: k.maxVersion },
      ]),
    );
  }

  close(): Promise<void> {
    this.socket.destroy();
    return this.closed;
  }

  private onFrame(frame: Frame): void {
    const raw = this.rawToken;
    if (raw !== undefined) {
      this.rawToken = undefined;
      clearTimeout(raw.timer);
      return raw.resolve(frame);
    }
    // The correlation id leads every response header.
    const correlationId = new Reader(frame.chunks).readInt32();
    const pending = this.pending.get(correlationId);
    if (!pending) return; // a late answer to a request that timed out
    this.pending.delete(correlationId);
    clearTimeout(pending.timer);
    pending.resolve(frame);
  }
}

const ZERO_UUID = "AAAAAAAAAAAAAAAAAAAAAA";

/** How to fill a left-out array of structs: empty, or with one completed element ("a sample of everything"). */
type ArrayFill = "empty" | "one";

function zeroValue(field: FieldSchema, version: number, range: readonly [number, number], arrays: ArrayFill): unknown {
  const type = field.type;
  if (type.startsWith("[]")) return arrays === "one" && field.fields ? [fill(field.fields, version, {}, range, arrays)] : [];
  // A nullable string, bytes or struct left out means "none" (an empty group instance id would name a static member).
  const nullable = field.nullableVersions !== undefined && version >= field.nullableVersions[0] && version <= field.nullableVersions[1];
  if (nullable) return null;
  switch (type) {
    case "int64":
      return 0n;
    case "int8": case "int16": case "int32": case "uint16": case "uint32": case "float64":
      return 0;
    case "bool":
      return false;
    case "string":
      return "";
    case "uuid":
      return ZERO_UUID;
    case "bytes":
      return Buffer.alloc(0);
    case "records":
      return null;
    default: // a struct
      return fill(field.fields ?? [], version, {}, range, arrays);
  }
}

function fill(
  fields: readonly FieldSchema[],
  version: number,
  obj: Record<string, unknown>,
  range: readonly [number, number],
  arrays: ArrayFill,
): Record<string, unknown> {
  // A misspelt field would otherwise be ignored and the real one zero-filled: a probe testing something else.
  const unknown = Object.keys(obj).filter((key) => key !== "unknownTaggedFields" && !fields.some((f) => f.name === key));
  if (unknown.length > 0) throw new Error(`no such request field(s): ${unknown.join(", ")} (known: ${fields.map((f) => f.name).join(", ")})`);
  for (const field of fields) {
    if (version < field.versions[0] || version > field.versions[1]) continue;
    const own: [number, number] = [Math.max(range[0], field.versions[0]), Math.min(range[1], field.versions[1])];
    const value = obj[field.name];
    if (value === undefined) {
      // Fields of only some versions (and tagged ones) are optional: the encoder writes Kafka's default for them.
      const required = field.taggedVersions === undefined && field.versions[0] <= range[0] && field.versions[1] >= range[1];
      if (required) obj[field.name] = zeroValue(field, version, own, arrays);
    } else if (field.fields && value !== null) {
      for (const element of Array.isArray(value) ? value : [value]) fill(field.fields, version, element as Record<string, unknown>, own, arrays);
    }
  }
  return obj;
}

/**
 * Completes `partial` in place: every required field it leaves out is set to zero, "", [], false, the zero uuid, a
 * completed struct, or null where the field is nullable (arrays excepted: a null array often means "all"), also
 * inside the structs it gives, so tests write only the fields that matter to them.
 * Version-dependent fields it leaves out stay unset, so the encoder writes Kafka's default (-1 epochs and such).
 */
export function completeRequest(apiKey: number, version: number, partial: object): object {
  const api = API_BY_KEY.get(apiKey);
  if (!api) throw new Error(`the codec has no api key ${apiKey}`);
  return fill(api.requestSchema.fields, version, partial as Record<string, unknown>, api.requestSchema.validVersions, "empty");
}

/**
 * A request of any API with one (zero-filled) element in every array of structs, so a response that mirrors the
 * request's items has an item to answer: for sweeping APIs generically (e.g. every denied one). `partial` sets
 * fields first, as for `completeRequest`.
 */
export function sampleRequest(apiKey: number, version: number, partial: object = {}): object {
  const api = API_BY_KEY.get(apiKey);
  if (!api) throw new Error(`the codec has no api key ${apiKey}`);
  return fill(api.requestSchema.fields, version, partial as Record<string, unknown>, api.requestSchema.validVersions, "one");
}
