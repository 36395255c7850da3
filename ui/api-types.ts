// What the admin API answers, as the console reads it (the routes' schemas: src/control/routes/*.ts).
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

export const EVENT_TYPES = ["authentication_failed", "throttled", "refused", "upstream_unreachable", "config_rejected"] as const;
export interface GatewayEvent { at: string; lastAt: string; virtualCluster?: string; type: (typeof EVENT_TYPES)[number]; message: string; count: number }

export interface User { name: string; mechanisms: string[] }
