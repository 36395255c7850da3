// Admission of new connections for one virtual cluster, across all its listeners: the open-connection cap and the
// connection creation rate (KIP-612). The gateway has already accepted the TCP connection when it learns which
// virtual cluster it is for, which is Kafka's per-IP case, so it does what Kafka does there:
//  - over maxConnections (Kafka's max.connections.per.ip, KIP-402): the connection is closed at once;
//  - over the rate: the connection waits (nothing is read) until the rate allows it, at most MAX_RATE_DELAY_MS
//    (Kafka's quota window); if even that is not enough, it is closed after that delay, so a client that reconnects
//    at once can't turn the refusal into a storm.
// Each virtual cluster has its own counts and bucket, and a waiting connection holds only a timer: one tenant at its
// cap never slows another's accepts.
import { TokenBucket } from "./token-bucket.js";

/** KIP-612: the longest a connection waits for the rate, one quota window. */
export const MAX_RATE_DELAY_MS = 1_000;

export type ConnectionCap = "connections" | "connection_rate";

export interface ConnectionCapSettings {
  readonly maxConnections?: number | undefined;
  readonly connectionsPerSecond?: number | undefined;
}

/** Admitted, now (delayMs 0) or after delayMs. The holder calls release() once, when the connection ends. */
export interface ConnectionTicket {
  readonly delayMs: number;
  release(): void;
}

/** Refused: close the connection after delayMs. */
export interface ConnectionRefusal {
  readonly refused: ConnectionCap;
  readonly delayMs: number;
}

/** What a listener asks at accept (TenantCaps, which also counts and logs refusals). */
export interface ConnectionAdmission {
  admitConnection(nowMs: number): ConnectionTicket | ConnectionRefusal;
}

export class ConnectionCaps {
  private open = 0;
  private maxConnections: number | undefined;
  private bucket: TokenBucket | undefined;

  constructor(settings: ConnectionCapSettings, nowMs: number) {
    this.update(settings, nowMs);
  }

  /** Connections admitted and not yet released (waiting ones included). */
  get openConnections(): number {
    return this.open;
  }

  /** The connection-rate bucket's use (TokenBucket.usage); undefined without a rate. */
  rateUsage(nowMs: number): number | undefined {
    return this.bucket?.usage(nowMs);
  }

  /** A reload: the new caps apply to the next accept; open connections are never closed for a lowered cap. */
  update(settings: ConnectionCapSettings, nowMs: number): void {
    this.maxConnections = settings.maxConnections;
    const rate = settings.connectionsPerSecond;
    if (rate === undefined) this.bucket = undefined;
    else if (this.bucket === undefined) this.bucket = new TokenBucket(rate, nowMs);
    else this.bucket.setRate(rate, nowMs);
  }

  admit(nowMs: number): ConnectionTicket | ConnectionRefusal {
    if (this.maxConnections !== undefined && this.open >= this.maxConnections) return { refused: "connections", delayMs: 0 };
    let delayMs = 0;
    if (this.bucket !== undefined) {
      delayMs = this.bucket.take(1, nowMs);
      if (delayMs > MAX_RATE_DELAY_MS) {
        this.bucket.take(-1, nowMs); // give the token back: a refused connection doesn't use the rate
        return { refused: "connection_rate", delayMs: MAX_RATE_DELAY_MS };
      }
    }
    this.open++;
    let released = false;
    return {
      delayMs,
      release: () => {
        if (released) return;
        released = true;
        this.open--;
      },
    };
  }
}
