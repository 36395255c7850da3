// The only code that dials a broker: one connector per physical cluster. Client connections, the gateway's own
// Metadata round trips and the readiness probe all come through it, with the cluster's TLS and the gateway's own
// SASL login (never a tenant's) in one place. Addresses are tried in turn, each with a connect timeout, so one
// dead bootstrap server doesn't fail the client while another is up. Bootstrap connections start at the next server
// in turn (from a random first one), so they spread over the servers instead of all landing on the first.
import net from "node:net";
import tls from "node:tls";
import type { HostPort, PhysicalClusterConfig } from "../config/types.js";
import { BulkheadError } from "../errors.js";
import { FrameSplitter } from "../protocol/frame-splitter.js";
import { byteLength, writeFrame } from "../protocol/frame-write.js";
import { decodeResponseHeader, encodeRequestHeader, responseHeaderVersion } from "../protocol/headers.js";
import { APIS, ApiKey } from "../protocol/messages/index.js";
import { Reader } from "../protocol/reader.js";
import { Writer } from "../protocol/writer.js";
import type { SessionTarget } from "../session/session.js";
import { BrokerAddressMap } from "./broker-address-map.js";
import { GATEWAY_CLIENT_ID, fetchClusterBrokers } from "./metadata-fetch.js";
import { loginUpstream } from "./upstream-login.js";

export const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;
/** v3: the first flexible ApiVersions version; every broker from Kafka 2.4 on serves it. */
const API_VERSIONS_VERSION = 3;
/** How long the broker's ApiVersions answer is reused before it is asked again. */
const API_VERSIONS_TTL_MS = 60_000;
const MAX_API_VERSIONS_BYTES = 1024 * 1024;

export class UpstreamConnectError extends BulkheadError {
  override name = "UpstreamConnectError";
  constructor(
    /** connect: refused or unreachable, or a TLS failure; timeout; login: the gateway's SASL login was refused. */
    readonly reason: "connect" | "timeout" | "login",
    message: string,
  ) {
    super("ERR_UPSTREAM_UNREACHABLE", message);
  }
}

/**
 * Where a connection's bytes go: into the caller's buffers (net.connect's `onread`, no Readable stream in between)
 * on plain TCP, or as the stream's chunks where TLS or the gateway's login sits in front (`data`).
 */
export interface UpstreamReader {
  buffer(): Buffer;
  callback(nread: number, buffer: Buffer): boolean;
  data(chunk: Buffer): void;
}

export interface BrokerApiVersion {
  readonly apiKey: number;
  readonly minVersion: number;
  readonly maxVersion: number;
}

export class UpstreamConnector {
  /** nodeId → real broker address, learned from the Metadata responses the gateway rewrites. */
  readonly addressMap: BrokerAddressMap;
  private apiVersionsCache: { at: number; ranges: Promise<readonly BrokerApiVersion[]> } | undefined;
  /** Where the next bootstrap connection starts (round-robin). */
  private nextBootstrap: number;

  constructor(
    readonly cluster: PhysicalClusterConfig,
    readonly connectTimeoutMs = DEFAULT_CONNECT_TIMEOUT_MS,
  ) {
    this.addressMap = new BrokerAddressMap(() => fetchClusterBrokers(this));
    this.nextBootstrap = Math.floor(Math.random() * cluster.bootstrap.length);
  }

  /** The bootstrap servers, starting at the next one in turn; the rest follow as fallbacks. */
  bootstrapOrder(): HostPort[] {
    const servers = this.cluster.bootstrap;
    const start = this.nextBootstrap % servers.length;
    this.nextBootstrap = start + 1;
    return [...servers.slice(start), ...servers.slice(0, start)];
  }

  get name(): string {
    return this.cluster.name;
  }

  /** A connection to the broker a session targets: any bootstrap server, or one broker by node id. */
  async connect(target: SessionTarget, reader?: UpstreamReader): Promise<net.Socket> {
    if (target.kind === "bootstrap") return this.connectFirst(this.bootstrapOrder(), reader);
    const address = await this.addressMap.resolve(target.nodeId);
    if (address === undefined) {
      throw new UpstreamConnectError("connect", `cluster ${this.cluster.name} has no broker with node id ${target.nodeId}`);
    }
    return this.connectFirst([address], reader);
  }

  /**
   * One request and its response over a short-lived connection to a bootstrap server, or to `broker` (the gateway's
   * own Metadata, ApiVersions and DescribeLogDirs). `request` is a request header and message; the response body is
   * handed to `decode`.
   */
  async roundTrip<T>(request: readonly Buffer[], maxResponseBytes: number, decode: (body: readonly Buffer[]) => T, broker?: HostPort): Promise<T> {
    const socket = await this.connectFirst(broker !== undefined ? [broker] : this.bootstrapOrder());
    const timeoutMs = this.connectTimeoutMs;
    return new Promise((resolve, reject) => {
      const fail = (err: Error) => {
        clearTimeout(timer);
        socket.destroy();
        reject(err);
      };
      const timer = setTimeout(() => fail(new Error(`request to cluster ${this.cluster.name} timed out after ${timeoutMs} ms`)), timeoutMs);
      const splitter = new FrameSplitter(maxResponseBytes);
      splitter.onFrame((frame) => {
        clearTimeout(timer);
        socket.destroy();
        try {
          resolve(decode(frame.chunks));
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
      socket.resume(); // paused after a login
      socket.on("error", fail);
      socket.on("close", () => fail(new Error(`connection to cluster ${this.cluster.name} closed before the response`)));
      writeFrame(socket, byteLength(request), request);
    });
  }

  /** The API versions the cluster's brokers serve, as a bootstrap server reports them (cached for a minute). */
  apiVersions(now = Date.now()): Promise<readonly BrokerApiVersion[]> {
    const cached = this.apiVersionsCache;
    if (cached !== undefined && now - cached.at < API_VERSIONS_TTL_MS) return cached.ranges;
    const ranges = this.roundTrip(encodeApiVersionsRequest(), MAX_API_VERSIONS_BYTES, decodeApiVersionsResponse);
    this.apiVersionsCache = { at: now, ranges };
    ranges.catch(() => {
      if (this.apiVersionsCache?.ranges === ranges) this.apiVersionsCache = undefined; // a failure is not remembered
    });
    return ranges;
  }

  /** Readiness: a bootstrap server answers ApiVersions (a Kafka answer, not just an open port). */
  async probe(): Promise<boolean> {
    this.apiVersionsCache = undefined;
    return this.apiVersions().then(
      (ranges) => ranges.length > 0,
      () => false,
    );
  }

  private async connectFirst(addresses: readonly HostPort[], reader?: UpstreamReader): Promise<net.Socket> {
    let lastError = new UpstreamConnectError("connect", `cluster ${this.cluster.name} has no address to connect to`);
    for (const address of addresses) {
      let socket: net.Socket | undefined;
      try {
        socket = await this.connectOne(address, reader);
        if (this.cluster.sasl !== undefined) await loginUpstream(socket, this.cluster.sasl, this.cluster.name, this.connectTimeoutMs);
      } catch (err) {
        socket?.destroy();
        lastError = err instanceof UpstreamConnectError ? err : new UpstreamConnectError("login", (err as Error).message);
        continue;
      }
      if (reader !== undefined && this.streams) {
        socket.on("data", (chunk: Buffer) => reader.data(chunk));
        socket.resume();
      }
      return socket;
    }
    throw lastError;
  }

  /** TLS or a login in front: the connection's bytes come as stream chunks instead of through `onread`. */
  private get streams(): boolean {
    return this.cluster.tls !== undefined || this.cluster.sasl !== undefined;
  }

  private connectOne(address: HostPort, reader: UpstreamReader | undefined): Promise<net.Socket> {
    const timeoutMs = this.connectTimeoutMs;
    const tlsConfig = this.cluster.tls;
    return new Promise((resolve, reject) => {
      const socket =
        tlsConfig !== undefined
          ? tls.connect({
              host: address.host,
              port: address.port,
              ...(tlsConfig.ca !== undefined && { ca: tlsConfig.ca }),
              ...(tlsConfig.certificate !== undefined && { cert: tlsConfig.certificate, key: tlsConfig.privateKey }),
              ...(net.isIP(address.host) === 0 && { servername: address.host }),
              ...(!tlsConfig.verifyHostname && { checkServerIdentity: () => undefined }),
            })
          : net.connect({ host: address.host, port: address.port, noDelay: true, ...(reader && !this.streams && { onread: reader }) });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new UpstreamConnectError("timeout", `connect to ${address.host}:${address.port} timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      socket.once(tlsConfig !== undefined ? "secureConnect" : "connect", () => {
        clearTimeout(timer);
        socket.removeAllListeners("error");
        resolve(socket);
      });
      socket.once("error", (err) => {
        clearTimeout(timer);
        socket.destroy();
        reject(new UpstreamConnectError("connect", `connect to ${address.host}:${address.port} failed: ${err.message}`));
      });
    });
  }
}

function encodeApiVersionsRequest(): Buffer[] {
  const writer = new Writer();
  encodeRequestHeader(writer, { apiKey: ApiKey.ApiVersions, apiVersion: API_VERSIONS_VERSION, correlationId: 1, clientId: GATEWAY_CLIENT_ID });
  APIS.ApiVersions.encodeRequest(writer, API_VERSIONS_VERSION, { clientSoftwareName: "bulkhead", clientSoftwareVersion: "0.1.0" });
  return writer.toChunks();
}

function decodeApiVersionsResponse(body: readonly Buffer[]): BrokerApiVersion[] {
  const reader = new Reader(body);
  decodeResponseHeader(reader, responseHeaderVersion(ApiKey.ApiVersions, API_VERSIONS_VERSION));
  const response = APIS.ApiVersions.decodeResponse(reader, API_VERSIONS_VERSION);
  if (response.errorCode !== 0) throw new Error(`ApiVersions answered error code ${response.errorCode}`);
  return response.apiKeys.map(({ apiKey, minVersion, maxVersion }) => ({ apiKey, minVersion, maxVersion }));
}
