// The gateway's view of one client connection, created at accept and handed to every filter call. It holds what
// later concerns need to decide on a request (who, from where, through which listener, into which virtual cluster)
// and the few things a filter may ask of the connection (mute it for a while). Filters see this, never a socket.
import type { ListenerEndpoint } from "./endpoint.js";

/** The TLS details of a connection that arrived over TLS. */
export interface SessionTls {
  /** The SNI host name the client asked for, if any. */
  readonly serverName: string | undefined;
  readonly protocol: string | null;
  readonly cipher: string | undefined;
  /** The client certificate's subject (mTLS), as "CN=...,O=..."; undefined without one. */
  readonly peerSubject: string | undefined;
}

/** Who the client is, once authenticated (unset until an authentication filter sets it). */
export interface Principal {
  /** e.g. "User". */
  readonly type: string;
  readonly name: string;
}

/** The virtual cluster a session belongs to (decided at accept by the listener, or on a shared listener by authentication). */
export interface SessionVirtualCluster {
  readonly name: string;
  /** The physical cluster it lives on (clusters[].name). */
  readonly physicalCluster: string;
}

/** What a session may ask of its connection; implemented by the transport. */
export interface SessionTransport {
  /** Stop reading the client's requests until `until` (ms since the epoch); responses still flow. */
  muteUntil(until: number): void;
  /** Close the connection now (e.g. an authentication deadline passed). */
  close(reason: string): void;
  /** An authentication succeeded: a shared listener's connection moves to the principal's virtual cluster here. */
  authenticated?(): void;
}

export class SessionCounters {
  requests = 0;
  /** Requests the gateway refused (answered with an error or closed), never forwarding them. */
  refused = 0;
  bytesFromClient = 0;
  bytesToClient = 0;
}

let nextSessionId = 1;

export class Session {
  /** Unique within this process, in accept order. */
  readonly id = nextSessionId++;
  readonly openedAt = Date.now();
  readonly counters = new SessionCounters();
  private endpointNow: ListenerEndpoint;
  private virtualClusterNow: SessionVirtualCluster | undefined;
  principal: Principal | undefined;
  /** The client id of the latest request that carried one (as the client sent it). */
  clientId: string | null = null;

  constructor(
    endpoint: ListenerEndpoint,
    /** Which port the client dialled: the bootstrap, or the port of one broker. */
    readonly target: SessionTarget,
    readonly remoteAddress: string,
    readonly remotePort: number,
    readonly tls: SessionTls | undefined,
    private readonly transport: SessionTransport,
    /** Undefined on a shared listener until authentication decides it. */
    virtualCluster?: SessionVirtualCluster,
  ) {
    this.endpointNow = endpoint;
    this.virtualClusterNow = virtualCluster;
  }

  /** The access point the client reached, as the virtual cluster it belongs to serves it. */
  get endpoint(): ListenerEndpoint {
    return this.endpointNow;
  }

  get virtualCluster(): SessionVirtualCluster | undefined {
    return this.virtualClusterNow;
  }

  /** A shared listener's session, once authenticated, joins the principal's virtual cluster (the transport moves it). */
  moveTo(endpoint: ListenerEndpoint, virtualCluster: SessionVirtualCluster): void {
    this.endpointNow = endpoint;
    this.virtualClusterNow = virtualCluster;
  }

  /**
   * An authentication filter established who the client is. Called before the authentication is reported, so that on a
   * shared listener the report already carries the principal's virtual cluster.
   */
  authenticated(): void {
    this.transport.authenticated?.();
  }

  /** Stops reading this client's requests for `ms` (KIP-219: the response says how long, the socket is muted). */
  mute(ms: number): void {
    if (ms > 0) this.transport.muteUntil(Date.now() + ms);
  }

  /** Closes the session's connection (what is already queued to the client is dropped). */
  close(reason: string): void {
    this.transport.close(reason);
  }

  /** For logs and the control plane: the remote address as "host:port". */
  get remote(): string {
    return `${this.remoteAddress}:${this.remotePort}`;
  }
}

/** Which broker a client connection goes to: any bootstrap server, or the broker a broker port names. */
export type SessionTarget = { readonly kind: "bootstrap" } | { readonly kind: "broker"; readonly nodeId: number };
