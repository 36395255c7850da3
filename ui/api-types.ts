// What the admin API answers, as the console reads it. Types inferred from the routes' zod schemas where they live in
// zod-only modules (src/control/api-schemas.ts, routes/schemas.ts), so an API change that breaks the console fails
// the type check; the rest written after the routes' schemas (src/control/routes/*.ts).
import type { z } from "zod";
import type { auditEntry, EVENT_TYPES as API_EVENT_TYPES, gatewayEvent } from "../src/control/api-schemas.js";
import type { versionInfo } from "../src/control/routes/schemas.js";

export type Role = "viewer" | "operator" | "admin";
export interface WhoAmI { name: string; role: Role; virtualCluster: string | null }

export interface VirtualCluster { name: string; cluster: string; prefix?: string; listeners: { name?: string; bootstrapPort?: number; advertisedHost?: string }[] }

export interface TopicSummary { name: string; partitions: number; replicationFactor: number; sizeBytes: number | null; produceBytesPerSecond: number; fetchBytesPerSecond: number }
export interface TopicConfig { name: string; value: string | null; source: string; default: { name: string; value: string | null; source: string } | null; readOnly: boolean; sensitive: boolean }

export interface Header { key: string; value: string | null }
export interface Message { offset: number; timestamp: number; key: string | null; value: string | null; headers: Header[] }
export interface ReadResult { messages: Message[]; notShown: { fromOffset: number; toOffset: number; compression: string }[]; nextOffset: number }

export interface GroupSummary { groupId: string; protocolType: string; state: string }
export interface GroupDescription {
  groupId: string;
  state: string;
  protocolType: string;
  protocol: string;
  members: { memberId: string; groupInstanceId: string | null; clientId: string; host: string; assignment: { topic: string; partitions: number[] }[] }[];
  partitions: { topic: string; partition: number; committedOffset: number | null; endOffset: number | null; lag: number | null }[];
  totalLag: number;
}
export type OffsetTarget = { kind: "earliest" } | { kind: "latest" } | { kind: "timestamp"; timestamp: number } | { kind: "offset"; offset: number };
export interface ResetResult { dryRun: boolean; offsets: { topic: string; partition: number; previousOffset: number | null; newOffset: number }[] }

export interface Directions { produce: number; fetch: number }
export interface Limits { produce: number | null; fetch: number | null }
export interface Bandwidth {
  at: string;
  tenant: { limit: Limits; throttleSecondsTotal: Directions };
  topics: { topic: string; bytesPerSecond: Directions; limit: Limits; throttleSecondsTotal: Directions }[];
}

export interface Connection {
  id: number;
  openedAt: string;
  clientId: string | null;
  principal: string | null;
  address: string;
  listener: string;
  target: string;
  requests: number;
  bytesFromClient: number;
  bytesToClient: number;
}

export type GatewayEvent = z.infer<typeof gatewayEvent>;
/** A value (the bundle takes no code from src/), checked both ways against the API's list. */
export const EVENT_TYPES = ["authentication_failed", "throttled", "refused", "upstream_unreachable", "config_rejected"] as const satisfies typeof API_EVENT_TYPES;

export interface User { name: string; mechanisms: string[] }

export type VersionInfo = z.infer<typeof versionInfo>;
export type AuditEntry = z.infer<typeof auditEntry>;
/** A physical cluster as the config file writes it (credentials redacted). */
export interface PhysicalCluster { name: string; bootstrap: string | string[]; tls?: unknown; sasl?: { mechanism?: string } }
