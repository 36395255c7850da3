// What the admin API answers and takes, as the console reads and sends it: every type is inferred from the routes'
// own zod schemas (src/control/schemas/, modules that import zod only, so this browser-typed project can read them),
// so an API change that breaks the console fails `npm run typecheck`. Answers are z.infer (what the API sends, defaults
// filled in, but a config section as the file writes it); requests are z.input (what the console may send, defaults
// left out).
import type { z } from "zod";
import type { aclsAnswer, aclsSection } from "../src/control/schemas/acls.js";
import type { auditEntry, auditQuery } from "../src/control/schemas/audit.js";
import type { bandwidth, directionLimits, perDirection } from "../src/control/schemas/bandwidth.js";
import type { configDiff, keptVersion, reloadResult, rollbackRequest } from "../src/control/schemas/config.js";
import type { connection } from "../src/control/schemas/connections.js";
import type { EVENT_TYPES as API_EVENT_TYPES, eventQuery, gatewayEvent } from "../src/control/schemas/events.js";
import type { groupDescription, groupSummary, offsetTarget, resetRequest, resetResult } from "../src/control/schemas/groups.js";
import type { limitsAnswer, limitsSection } from "../src/control/schemas/limits.js";
import type { message, readQuery, readResult, searchQuery, searchResult, sentMessage, testMessage } from "../src/control/schemas/messages.js";
import type { configuredPhysicalCluster, physicalClusterList } from "../src/control/schemas/physical-clusters.js";
import type { changed, versionInfo } from "../src/control/schemas/shared.js";
import type { createdTopic, newTopic, partitionCount, topicConfig, topicConfigChange, topicSummary } from "../src/control/schemas/topics.js";
import type { limitUsage, usageAnswer } from "../src/control/schemas/usage.js";
import type { newUser, user, userList } from "../src/control/schemas/users.js";
import type { configuredVirtualCluster, virtualClusterList, virtualClusterPatch } from "../src/control/schemas/virtual-clusters.js";
import type { whoAmI } from "../src/control/schemas/whoami.js";

export type WhoAmI = z.infer<typeof whoAmI>;
export type Role = WhoAmI["role"];

/** A virtualClusters[] entry as the config file writes it (config/README.md), secrets redacted. */
export type VirtualCluster = z.infer<typeof configuredVirtualCluster>;
export type Listener = VirtualCluster["listeners"][number];
export type VirtualClusterList = z.infer<typeof virtualClusterList>;
export type VirtualClusterPatch = z.input<typeof virtualClusterPatch>;
/** A `clusters[]` entry as the config file writes it (credentials redacted), which GET /physical-clusters lists. */
export type PhysicalCluster = z.infer<typeof configuredPhysicalCluster>;
export type PhysicalClusterList = z.infer<typeof physicalClusterList>;

export type TopicSummary = z.infer<typeof topicSummary>;
export type NewTopic = z.input<typeof newTopic>;
export type CreatedTopic = z.infer<typeof createdTopic>;
export type PartitionCount = z.input<typeof partitionCount>;
export type TopicConfig = z.infer<typeof topicConfig>;
export type TopicConfigChange = z.input<typeof topicConfigChange>;

export type Message = z.infer<typeof message>;
export type Header = Message["headers"][number];
export type ReadQuery = z.input<typeof readQuery>;
export type ReadResult = z.infer<typeof readResult>;
export type TestMessage = z.input<typeof testMessage>;
export type SentMessage = z.infer<typeof sentMessage>;
export type SearchQuery = z.input<typeof searchQuery>;
export type SearchStep = z.infer<typeof searchResult>;

export type GroupSummary = z.infer<typeof groupSummary>;
export type GroupDescription = z.infer<typeof groupDescription>;
export type OffsetTarget = z.input<typeof offsetTarget>;
export type ResetRequest = z.input<typeof resetRequest>;
export type ResetResult = z.infer<typeof resetResult>;

export type Directions = z.infer<typeof perDirection>;
/** A byte-rate limit per direction, in bytes per second; null: unlimited. */
export type Limits = z.infer<typeof directionLimits>;
export type Bandwidth = z.infer<typeof bandwidth>;

export type Connection = z.infer<typeof connection>;

export type GatewayEvent = z.infer<typeof gatewayEvent>;
export type EventQuery = z.input<typeof eventQuery>;
/** A value (the bundle takes no code from src/), checked both ways against the API's list. */
export const EVENT_TYPES = ["authentication_failed", "throttled", "refused", "upstream_unreachable", "config_rejected"] as const satisfies typeof API_EVENT_TYPES;

export type User = z.infer<typeof user>;
export type UserList = z.infer<typeof userList>;
export type NewUser = z.input<typeof newUser>;
/** A virtual cluster's `limits` section as the config file writes it: GET /virtual-clusters/{name}/limits answers it, PUT takes it. */
export type LimitsSection = z.infer<typeof limitsSection>;
export type LimitsAnswer = z.infer<typeof limitsAnswer>;
/** A virtual cluster's `acls` section as the config file writes it: GET /virtual-clusters/{name}/acls answers it, PUT takes it. */
export type AclsSection = z.infer<typeof aclsSection>;
export type AclsAnswer = z.infer<typeof aclsAnswer>;
export type AclRule = NonNullable<AclsSection["rules"]>[number];

/** One configured limit (a byte rate or a cap) and its use on this gateway instance: GET /virtual-clusters/{name}/usage. */
export type LimitUsage = z.infer<typeof limitUsage>;
export type UsageAnswer = z.infer<typeof usageAnswer>;

export type VersionInfo = z.infer<typeof versionInfo>;
/** What every change answers: the config version it made. */
export type Changed = z.infer<typeof changed>;
export type ReloadResult = z.infer<typeof reloadResult>;
export type KeptVersion = z.infer<typeof keptVersion>;
export type ConfigDiff = z.infer<typeof configDiff>;
export type RollbackRequest = z.input<typeof rollbackRequest>;
export type AuditEntry = z.infer<typeof auditEntry>;
export type AuditQuery = z.input<typeof auditQuery>;
