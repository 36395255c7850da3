// Rules for virtual cluster prefixes (tenant namespaces). A tenant's names are stored upstream as prefix + name,
// so isolation holds only if no two namespaces on one physical cluster can ever contain the same topic name and
// no namespace can reach an internal topic. Kafka compares topic names with '.' and '_' taken as equal (they map
// to the same metric names, and a broker refuses a topic that collides with an existing one that way), so the
// rules compare prefixes in that form too: "a_b." and "a.b." would otherwise let two tenants block each other.
import { formatPath, type ConfigPath } from "./errors.js";
import type { GatewayConfig, HostPort, PhysicalClusterConfig, VirtualClusterConfig } from "./types.js";
import type { SemanticIssue } from "./semantic.js";

/** Kafka's limit on a topic name's length. */
export const KAFKA_MAX_TOPIC_NAME_LENGTH = 249;
/** Longest prefix accepted, so a tenant keeps at least 149 characters for its own topic names. */
export const MAX_PREFIX_LENGTH = 100;
/** Kafka's internal topics. Any name starting with "__" is treated as internal too. */
export const INTERNAL_TOPICS: readonly string[] = ["__consumer_offsets", "__transaction_state", "__share_group_state", "__cluster_metadata"];

/** The form in which Kafka compares topic names for collisions. */
function collisionForm(name: string): string {
  return name.replaceAll(".", "_");
}

const ALIKE = "once '.' and '_' are taken as alike, as Kafka does for topic names";

function prefixPath(v: number): ConfigPath {
  return ["virtualClusters", v, "prefix"];
}

function checkOne(prefix: string): string | undefined {
  if (prefix.length > MAX_PREFIX_LENGTH) {
    return `prefix "${prefix}" is ${prefix.length} characters; at most ${MAX_PREFIX_LENGTH}, to leave room for the tenant's names under Kafka's ${KAFKA_MAX_TOPIC_NAME_LENGTH}-character topic name limit`;
  }
  const form = collisionForm(prefix);
  if (prefix.startsWith("__")) return `prefix "${prefix}" starts with "__", which Kafka reserves for internal topics`;
  if (form.startsWith("__")) return `prefix "${prefix}" reads as "${form}" ${ALIKE}; names starting with "__" are reserved for internal topics`;
  const internal = INTERNAL_TOPICS.find((topic) => topic.startsWith(prefix));
  if (internal !== undefined) return `prefix "${prefix}" is the start of the internal topic "${internal}"`;
  const alikeInternal = INTERNAL_TOPICS.find((topic) => topic.startsWith(form));
  if (alikeInternal !== undefined) return `prefix "${prefix}" is the start of the internal topic "${alikeInternal}" ${ALIKE}`;
  return undefined;
}

function sharedBootstrap(a: PhysicalClusterConfig, b: PhysicalClusterConfig): HostPort | undefined {
  return a.bootstrap.find((x) => b.bootstrap.some((y) => x.host === y.host && x.port === y.port));
}

/** Why two virtual clusters share a physical cluster, or undefined when they don't (as far as config can tell). */
function sameCluster(config: GatewayConfig, a: VirtualClusterConfig, b: VirtualClusterConfig): string | undefined {
  if (a.cluster === b.cluster) return `on cluster "${a.cluster}"`;
  const clusterA = config.clusters.find((cluster) => cluster.name === a.cluster);
  const clusterB = config.clusters.find((cluster) => cluster.name === b.cluster);
  const shared = clusterA && clusterB ? sharedBootstrap(clusterA, clusterB) : undefined;
  if (!shared) return undefined;
  return `on clusters "${a.cluster}" and "${b.cluster}", which share the bootstrap address ${shared.host}:${shared.port}`;
}

function startsEitherWay(a: string, b: string): boolean {
  return a.startsWith(b) || b.startsWith(a);
}

function checkOverlap(config: GatewayConfig, earlier: number, later: number): SemanticIssue | undefined {
  const a = config.virtualClusters[earlier]!;
  const b = config.virtualClusters[later]!;
  const plain = startsEitherWay(a.prefix, b.prefix);
  if (!plain && !startsEitherWay(collisionForm(a.prefix), collisionForm(b.prefix))) return undefined;
  const where = sameCluster(config, a, b);
  if (!where) return undefined;
  const relation = !plain ? "collides with" : a.prefix === b.prefix ? "is the same as" : "overlaps";
  const message =
    `prefix "${b.prefix}" ${relation} "${a.prefix}" of virtual cluster "${a.name}" (${formatPath(prefixPath(earlier))}) ` +
    `${where}${plain ? "" : ` ${ALIKE}`}: one tenant's names would fall in the other's namespace; ` +
    `give each a prefix that does not start with the other`;
  return { path: prefixPath(later), message };
}

export function checkPrefixes(config: GatewayConfig): SemanticIssue[] {
  const issues: SemanticIssue[] = [];
  config.virtualClusters.forEach((vc, v) => {
    const problem = checkOne(vc.prefix);
    if (problem) issues.push({ path: prefixPath(v), message: problem });
    for (let earlier = 0; earlier < v; earlier++) {
      const overlap = checkOverlap(config, earlier, v);
      if (overlap) issues.push(overlap);
    }
  });
  return issues;
}
