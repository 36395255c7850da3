// The admin API's route groups, one file each. A new group (e.g. a tenant's topics) is a file and a line here.
import type { RouteGroup } from "../control-api.js";
import { aclRoutes } from "./acls.js";
import { auditRoutes } from "./audit.js";
import { bandwidthRoutes } from "./bandwidth.js";
import { configRoutes } from "./config.js";
import { connectionRoutes } from "./connections.js";
import { consoleRoutes } from "./console.js";
import { eventRoutes } from "./events.js";
import { groupRoutes } from "./groups.js";
import { limitRoutes } from "./limits.js";
import { messageSearchRoutes } from "./message-search.js";
import { messageRoutes } from "./messages.js";
import { physicalClusterRoutes } from "./physical-clusters.js";
import { topicRoutes } from "./topics.js";
import { usageRoutes } from "./usage.js";
import { userRoutes } from "./users.js";
import { virtualClusterRoutes } from "./virtual-clusters.js";
import { whoamiRoutes } from "./whoami.js";

export const API_ROUTES: readonly RouteGroup[] = [
  configRoutes,
  auditRoutes,
  eventRoutes,
  virtualClusterRoutes,
  limitRoutes,
  aclRoutes,
  userRoutes,
  physicalClusterRoutes,
  topicRoutes,
  groupRoutes,
  messageRoutes,
  messageSearchRoutes,
  connectionRoutes,
  bandwidthRoutes,
  usageRoutes,
  consoleRoutes,
  whoamiRoutes,
];
