// Connections per client address, as Kafka's max.connections.per.ip and KIP-612's per-IP connection rate: one
// machine (or one NAT) can't take the whole gateway's room, nor open connections faster than the rate. Both are
// off unless configured (Kafka's defaults); a refusal closes the new connection at once.
import { LRUCache } from "lru-cache";
import { TokenBucket } from "./token-bucket.js";

/** Addresses whose connection rate is remembered (an attacker's many addresses can't grow the table for ever). */
const TRACKED_ADDRESSES = 100_000;

export type AddressAdmission = { readonly release: () => void } | { readonly refused: "address_connections" | "address_connection_rate"; readonly detail: string };

export interface AddressLimits {
  readonly maxConnectionsPerAddress?: number | undefined;
  readonly connectionsPerSecondPerAddress?: number | undefined;
}

export class AddressConnections {
  private readonly open = new Map<string, number>();
  private readonly rates = new LRUCache<string, TokenBucket>({ max: TRACKED_ADDRESSES });

  constructor(private limits: AddressLimits) {}

  update(limits: AddressLimits): void {
    this.limits = limits;
    this.rates.clear();
  }

  /** A new connection from `address`: admitted (release it when it closes), or refused with the reason. */
  admit(address: string, nowMs: number): AddressAdmission {
    const { maxConnectionsPerAddress: max, connectionsPerSecondPerAddress: rate } = this.limits;
    const open = this.open.get(address) ?? 0;
    if (max !== undefined && open >= max) return { refused: "address_connections", detail: `${address} already holds ${open} connections (budgets.maxConnectionsPerAddress ${max})` };
    if (rate !== undefined) {
      let bucket = this.rates.get(address);
      if (bucket === undefined) this.rates.set(address, (bucket = new TokenBucket(rate, nowMs)));
      // Refused, not delayed: a connection over the rate never consumes a token, so a flood can't keep a debt growing.
      if (bucket.available(nowMs) < 1) return { refused: "address_connection_rate", detail: `${address} opens connections faster than budgets.connectionsPerSecondPerAddress (${rate}/s)` };
      bucket.take(1, nowMs);
    }
    this.open.set(address, open + 1);
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        const left = (this.open.get(address) ?? 1) - 1;
        if (left <= 0) this.open.delete(address);
        else this.open.set(address, left);
      },
    };
  }
}
