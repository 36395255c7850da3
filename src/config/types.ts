// The validated, immutable gateway configuration. `loadConfig` returns it deep-frozen, so code may
// share one snapshot freely; a reload builds a new snapshot rather than mutating this one.

export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface HostPort {
  readonly host: string;
  readonly port: number;
}

/** Inclusive port range, parsed from "first-last". */
export interface PortRange {
  readonly first: number;
  readonly last: number;
}

/** A real Kafka cluster the gateway forwards to. */
export interface PhysicalClusterConfig {
  readonly name: string;
  readonly bootstrap: readonly HostPort[];
}

/** One access point of a virtual cluster: a bootstrap port plus one port per broker. */
export interface ListenerConfig {
  readonly name: string;
  /** Interface to listen on ("0.0.0.0" = all IPv4 interfaces). */
  readonly bind: string;
  readonly bootstrapPort: number;
  /** Broker with node id N is reached on port `first + (N - nodeIdBase)`. */
  readonly brokerPorts: PortRange;
  readonly nodeIdBase: number;
  /** Host name clients are told to connect to (Metadata/FindCoordinator responses). */
  readonly advertisedHost: string;
}

/** A tenant-facing cluster mapped onto a physical cluster. */
export interface VirtualClusterConfig {
  readonly name: string;
  /** Name of the physical cluster (`clusters[].name`). */
  readonly cluster: string;
  /**
   * Namespace of the tenant on its physical cluster: its topics, group ids and transactional ids are stored there
   * as `prefix + name`. Default `${name}.`. Unique per physical cluster: no prefix starts with another's.
   */
  readonly prefix: string;
  /** Topic configs the tenant may set (CreateTopics, AlterConfigs, IncrementalAlterConfigs). Default: DEFAULT_TOPIC_CONFIG_ALLOWLIST. */
  readonly topicConfigAllowlist: readonly string[];
  /** Kafka API names (e.g. "DeleteTopics") this virtual cluster may not use, on top of the tenant allowlist. Default none. */
  readonly deniedApis: readonly string[];
  readonly listeners: readonly ListenerConfig[];
}

export interface GatewayConfig {
  readonly clusters: readonly PhysicalClusterConfig[];
  readonly virtualClusters: readonly VirtualClusterConfig[];
  readonly control: { readonly listen: HostPort };
  readonly limits: { readonly maxFrameBytes: number };
  readonly shutdown: { readonly drainTimeoutMs: number };
  readonly log: { readonly level: LogLevel };
}
