// SNI routing's host names: one TLS port serves a listener's bootstrap and every broker, and the host name the client
// asked for (SNI) says which: `bootstrapHost` for the bootstrap, `brokerHostPattern` with the broker's node id in
// place of "{nodeId}" for a broker (e.g. "broker-{nodeId}.payments.kafka.example.com"). Metadata and FindCoordinator
// advertise those names, all on the one port.
import { NODE_ID_PLACEHOLDER } from "../config/listener.js";
import type { SessionTarget } from "./session.js";

export interface SniConfig {
  readonly bootstrapHost: string;
  readonly brokerHostPattern: string;
}

export class SniHosts {
  private readonly prefix: string;
  private readonly suffix: string;
  private readonly bootstrapHost: string;

  constructor(config: SniConfig) {
    const at = config.brokerHostPattern.indexOf(NODE_ID_PLACEHOLDER);
    if (at < 0) throw new RangeError(`brokerHostPattern "${config.brokerHostPattern}" has no ${NODE_ID_PLACEHOLDER}`);
    // DNS names are case-insensitive; SNI carries what the client was given, but compare as DNS does.
    this.prefix = config.brokerHostPattern.slice(0, at).toLowerCase();
    this.suffix = config.brokerHostPattern.slice(at + NODE_ID_PLACEHOLDER.length).toLowerCase();
    this.bootstrapHost = config.bootstrapHost.toLowerCase();
  }

  get bootstrap(): string {
    return this.bootstrapHost;
  }

  brokerHost(nodeId: number): string {
    return `${this.prefix}${nodeId}${this.suffix}`;
  }

  /** What a client asking for `serverName` wants; undefined when the name is none of this listener's. */
  targetOf(serverName: string | undefined): SessionTarget | undefined {
    if (serverName === undefined) return undefined;
    const name = serverName.toLowerCase();
    if (name === this.bootstrapHost) return { kind: "bootstrap" };
    if (name.length <= this.prefix.length + this.suffix.length || !name.startsWith(this.prefix) || !name.endsWith(this.suffix)) return undefined;
    const digits = name.slice(this.prefix.length, name.length - this.suffix.length);
    return /^(?:0|[1-9]\d{0,9})$/.test(digits) ? { kind: "broker", nodeId: Number(digits) } : undefined;
  }

  /** Whether some host name would be claimed by both (two listeners sharing a port must not). */
  overlaps(other: SniHosts): boolean {
    if (this.targetOf(other.bootstrap) !== undefined || other.targetOf(this.bootstrap) !== undefined) return true;
    // A node id inside one pattern's fixed parts can make it match the other's (e.g. "b{nodeId}" and "b1{nodeId}"):
    // trying the ids up to 10,000 on both sides finds any such overlap of patterns whose fixed parts are shorter.
    for (let id = 0; id < 10_000; id++) {
      if (other.targetOf(this.brokerHost(id)) !== undefined || this.targetOf(other.brokerHost(id)) !== undefined) return true;
    }
    return false;
  }
}
