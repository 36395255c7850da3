// The validated, immutable gateway configuration. `loadConfig` returns it deep-frozen, so code may
// share one snapshot freely; a reload builds a new snapshot rather than mutating this one.

import type { z } from "zod";
import type { virtualClusterLimits } from "./limits.js";
import type { BudgetsConfig } from "./budgets.js";
import type { AclSettings } from "../acl/rule.js";
import type { SniConfig } from "../session/sni-hosts.js";
import type { PrincipalRule } from "../security/principal-mapping.js";
import type { ScramCredential } from "../security/scram.js";
import type { ControlToken } from "./control.js";
import type { HostPort, PortRange } from "./addresses.js";
import type { LISTENER_SECURITY, SASL_MECHANISMS } from "./listener.js";

export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
// A listener's schema is apart (listener.ts imports zod only, for the console).
export { LISTENER_SECURITY, SASL_MECHANISMS } from "./listener.js";
/** Kafka's PLAINTEXT, SASL_PLAINTEXT, SSL and SASL_SSL. */
export type ListenerSecurity = (typeof LISTENER_SECURITY)[number];
export type SaslMechanism = (typeof SASL_MECHANISMS)[number];
export type LogLevel = (typeof LOG_LEVELS)[number];

export type { HostPort, PortRange } from "./addresses.js";

/** A real Kafka cluster the gateway forwards to. */
export interface PhysicalClusterConfig {
  readonly name: string;
  readonly bootstrap: readonly HostPort[];
  /** TLS to the brokers (PEM text); absent: plain TCP. */
  readonly tls?: UpstreamTlsConfig;
  /** The gateway's own SASL login to the brokers (never a tenant's credentials). */
  readonly sasl?: UpstreamSaslConfig;
}

export interface UpstreamTlsConfig {
  /** CA bundle to trust; absent: the system's. */
  readonly ca?: string;
  /** A client certificate and key, for brokers that require one. */
  readonly certificate?: string;
  readonly privateKey?: string;
  /** Check the broker certificate's name against the address dialled (default true). */
  readonly verifyHostname: boolean;
}

export interface UpstreamSaslConfig {
  readonly mechanism: Exclude<SaslMechanism, "OAUTHBEARER">;
  readonly username: string;
  readonly password: string;
}

/** One access point of a virtual cluster: a bootstrap port plus one port per broker. */
export interface ListenerConfig {
  readonly name: string;
  /** Interface to listen on ("0.0.0.0" = all IPv4 interfaces). */
  readonly bind: string;
  readonly bootstrapPort: number;
  /** Port per broker: node id N is reached on port `first + (N - nodeIdBase)`. Absent with `sni`. */
  readonly brokerPorts?: PortRange;
  readonly nodeIdBase: number;
  /** Port per broker: the host name clients are told to connect to (Metadata/FindCoordinator). Absent with `sni`. */
  readonly advertisedHost?: string;
  /** SNI routing: every broker on the bootstrap port, told apart by the TLS host name (tls and sasl_tls only). */
  readonly sni?: SniConfig;
  /** Default "plaintext". */
  readonly security?: ListenerSecurity;
  /** SASL listeners: the mechanisms offered (default SCRAM-SHA-256 and SCRAM-SHA-512). */
  readonly saslMechanisms?: readonly SaslMechanism[];
  /** TLS listeners: PEM text, and client certificates (mTLS). */
  readonly tls?: ListenerTlsConfig;
  /** SASL/OAUTHBEARER: how tokens are checked. */
  readonly oauthbearer?: OAuthBearerConfig;
}

/**
 * One set of ports several virtual clusters share: a client authenticates first, and its principal picks the
 * virtual cluster.
 */
export interface SharedListenerConfig extends ListenerConfig {
  /** Principal name → virtual cluster name; each principal is a user of the virtual cluster it maps to. */
  readonly principals: Readonly<Record<string, string>>;
}

export interface OAuthBearerConfig {
  /** A JWKS document (JSON text), or */
  readonly jwks?: string;
  /** where to fetch it (cached, and fetched again for an unknown key id). */
  readonly jwksUrl?: string;
  readonly issuer: string;
  readonly audience: string;
  /** The claim that names the principal (default "sub"); it must be a user of the virtual cluster. */
  readonly principalClaim: string;
}

export interface ListenerTlsConfig {
  readonly certificate: string;
  readonly privateKey: string;
  /** The CA client certificates must chain to. */
  readonly clientCa?: string;
  /** Default "required" with a clientCa, else "none". */
  readonly clientAuth?: "none" | "requested" | "required";
  /** How a client certificate's subject becomes the principal (default: the whole name). */
  readonly principalMappingRules?: readonly PrincipalRule[];
}

/** A user of a virtual cluster: known by its stored SCRAM credentials (SASL), or as a certificate principal (mTLS). */
export interface UserConfig {
  readonly name: string;
  readonly scramSha256?: ScramCredential;
  readonly scramSha512?: ScramCredential;
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
  /** Who may authenticate on this virtual cluster's SASL listeners. Default none. */
  readonly users?: readonly UserConfig[];
  /** Who may do what (config/acls.ts). Absent: everything the API policy allows, for every principal. */
  readonly acls?: AclSettings;
  /** Byte rates and caps (limits.ts); absent or empty: unlimited. */
  readonly limits?: VirtualClusterLimits;
}

/** See rate-limits.ts and cap-limits.ts. */
export type VirtualClusterLimits = z.output<typeof virtualClusterLimits>;

export interface GatewayConfig {
  readonly clusters: readonly PhysicalClusterConfig[];
  readonly virtualClusters: readonly VirtualClusterConfig[];
  /** Listeners several virtual clusters share, the principal deciding (default none). */
  readonly sharedListeners?: readonly SharedListenerConfig[];
  /** Tokens and state are optional for hand-built configs (the schema fills in the defaults). */
  readonly control: ControlConfig;
  /** `instances`: gateway instances sharing the load; every configured byte rate is divided by it (default 1). */
  readonly limits: { readonly maxFrameBytes: number; readonly instances?: number };
  /** Memory and connection budgets and the deadlines that reap connections (budgets.ts); absent: the defaults. */
  readonly budgets?: BudgetsConfig;
  readonly shutdown: { readonly drainTimeoutMs: number };
  readonly log: { readonly level: LogLevel };
  /** Defaults: no session lifetime, 100 ms failure delay, 10 s to authenticate. */
  readonly authentication?: AuthenticationConfig;
}

export interface ControlConfig {
  readonly listen: HostPort;
  /** Bearer tokens of the admin API; none: the API answers 401 to everything (health and metrics stay open). */
  readonly tokens?: readonly ControlToken[];
  /** Where config history, the audit log and the event log live, relative to the config file (default bulkhead-state). */
  readonly stateDir?: string | undefined;
  readonly keepVersions?: number;
  readonly keepEvents?: number;
  /** Admin API requests one token may have in flight before the API answers 429 (default 4). */
  readonly maxInFlightPerToken?: number;
}

export interface AuthenticationConfig {
  /** A session must re-authenticate (KIP-368) within this many ms; 0 = never. */
  readonly sessionLifetimeMs: number;
  /** How long a failed authentication waits before its answer (and the close). */
  readonly failureDelayMs: number;
  /** How long a connection to a SASL listener may stay unauthenticated. */
  readonly timeoutMs: number;
}
