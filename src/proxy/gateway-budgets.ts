// The budgets of one gateway process, shared by every listener and connection (the runtime holds one, across
// reloads): the bytes of requests being received (request-bytes-budget.ts), the open connections with their fair
// share per virtual cluster (connection-budget.ts), and the reaper that closes stale connections
// (connection-reaper.ts). Listeners ask admitConnection() at accept; connections reserve request bytes themselves.
import type { Logger } from "pino";
import type { Budgets } from "../config/budgets.js";
import { AddressConnections } from "../limits/address-connections.js";
import { ConnectionBudget } from "../limits/connection-budget.js";
import { RequestBytesBudget } from "../limits/request-bytes-budget.js";
import type { GatewayObserver } from "../observe/observer.js";
import { ConnectionReaper } from "./connection-reaper.js";
import { LogThrottle } from "./log-throttle.js";

export class GatewayBudgets {
  readonly requestBytes: RequestBytesBudget;
  readonly connections: ConnectionBudget;
  readonly reaper: ConnectionReaper;
  private readonly addresses: AddressConnections;
  private readonly refusalLog = new LogThrottle();

  constructor(
    private settings: Budgets,
    virtualClusters: number,
    private readonly observer: GatewayObserver,
    private readonly log: Logger,
  ) {
    this.requestBytes = new RequestBytesBudget(settings.requestBytes, settings.requestBytesPerVirtualCluster);
    this.connections = new ConnectionBudget(settings.maxConnections, virtualClusters);
    this.reaper = new ConnectionReaper(settings, log);
    this.addresses = new AddressConnections(settings);
  }

  get current(): Budgets {
    return this.settings;
  }

  /** A reload: new budgets and deadlines apply at once, to open connections too (nobody is closed for a lower budget). */
  update(settings: Budgets, virtualClusters: number): void {
    this.settings = settings;
    this.requestBytes.resize(settings.requestBytes, settings.requestBytesPerVirtualCluster);
    this.connections.update(settings.maxConnections, virtualClusters);
    this.reaper.update(settings);
    this.addresses.update(settings);
  }

  /**
   * A socket just accepted for `virtualCluster`: true if the budget has room (made, if need be, by closing a
   * connection of the virtual cluster holding the most); it counts until the socket closes. False: refused (counted
   * and logged here); the caller closes it.
   */
  admitConnection(socket: { readonly remoteAddress?: string | undefined; once(event: "close", listener: () => void): unknown }, virtualCluster: string): boolean {
    // One client address first (it must not take the tenant's share), then the gateway and its fair shares.
    const fromAddress = this.addresses.admit(socket.remoteAddress ?? "", performance.now());
    if ("refused" in fromAddress) return this.refuse(virtualCluster, fromAddress.detail, fromAddress.refused);
    socket.once("close", fromAddress.release);
    const ticket = this.connections.admit(virtualCluster);
    if ("refused" in ticket) return this.refuse(virtualCluster, ticket.detail);
    if (ticket.evict !== undefined && !this.reaper.evict(ticket.evict)) {
      ticket.release();
      return this.refuse(virtualCluster, `the gateway is at its budget (budgets.maxConnections ${this.settings.maxConnections}) and virtual cluster ${ticket.evict} had no connection to give up`);
    }
    socket.once("close", ticket.release);
    return true;
  }

  private refuse(virtualCluster: string, detail: string, limit = "gateway_connections"): false {
    this.observer.capRefused?.(virtualCluster, limit);
    const held = this.refusalLog.take();
    if (held !== undefined) this.log.warn({ virtualCluster, alsoRefusedSinceLastLog: held }, `connection refused: ${detail}`);
    return false;
  }

  /** Each budget's use now, for the usage gauge. */
  forEachUsage(set: (scope: string, budget: "request_bytes" | "connections", ratio: number) => void): void {
    const bytes = this.requestBytes.usage();
    set("gateway", "request_bytes", bytes.gateway);
    for (const [vc, ratio] of bytes.virtualClusters) set(vc, "request_bytes", ratio);
    set("gateway", "connections", this.connections.openConnections / this.connections.maxConnections);
  }

  close(): void {
    this.reaper.stop();
  }
}
