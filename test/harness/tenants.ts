/**
 * Two tenants on one physical cluster for the isolation tests: a gateway with the virtual clusters
 * `payments` and `analytics` (each its own bootstrap and broker ports, prefixes "payments." and
 * "analytics."), a kafkajs client and admin per tenant, raw codec connections per tenant, and direct
 * access to the physical cluster to check what reached the brokers.
 */
import type { Admin, Kafka } from "kafkajs";
import { DEFAULT_TOPIC_CONFIG_ALLOWLIST } from "../../src/config/index.js";
import type { GatewayConfig, ListenerConfig, VirtualClusterConfig } from "../../src/config/types.js";
import { startGateway, type Gateway } from "../../src/gateway.js";
import { ApiKey } from "../../src/protocol/messages/index.js";
import { kafkajsClient, uniqueName } from "./clients.js";
import { brokerPortsOf, leakRecorder, parseHostPorts, testGatewayConfig, testVirtualCluster } from "./gateway.js";
import type { ProvidedKafka } from "./provided.js";
import { RawKafkaConnection } from "./raw-client.js";
import { waitUntil } from "./wait.js";

export const TENANT_NAMES = ["payments", "analytics"] as const;
export type TenantName = (typeof TENANT_NAMES)[number];

interface Closeable {
  close?(): Promise<void>;
  disconnect?(): Promise<void>;
}

/** What a test can do as one tenant, or directly on the physical cluster. */
export interface ClusterAccess {
  /** "host:port" clients bootstrap from. */
  bootstrap: string;
  client: Kafka;
  /** Connected kafkajs admin. */
  admin: Admin;
  /** Address of broker `nodeId` as this side sees it (a gateway broker port for tenants). */
  brokerAddress(nodeId: number): string;
  /** A raw codec connection to the bootstrap (or to broker `nodeId`), closed with the session. */
  raw(nodeId?: number): Promise<RawKafkaConnection>;
}

export interface Tenant extends ClusterAccess {
  name: TenantName;
  prefix: string;
  /** The physical name of one of this tenant's names: "orders" → "payments.orders". */
  physical(name: string): string;
}

export interface TenantsSession {
  gateway: Gateway;
  config: GatewayConfig;
  payments: Tenant;
  analytics: Tenant;
  /** The physical cluster, bypassing the gateway. */
  physical: ClusterAccess;
  /** Upstream broker addresses seen in responses to tenants (there must be none). */
  upstreamLeaks(): string[];
  /** Every request the gateway forwarded to a broker so far, in order (the gateway's test-only upstream tap). */
  upstreamRequests(): UpstreamRequest[];
  /** Registers something to close with the session; returns it. */
  track<T extends Closeable>(resource: T): T;
  close(): Promise<void>;
}

/** One request the gateway sent upstream. The tap carries no correlation id: `seq` orders them instead. */
export interface UpstreamRequest {
  seq: number;
  virtualCluster: string;
  apiKey: number;
  apiVersion: number;
}

/**
 * The control for "never reached a broker": an allowed request no client of a session sends by itself
 * (DescribeCluster v0), sent on `conn` after the request under test. The gateway handles a connection's requests in
 * order and taps before writing upstream, so once this is answered, anything forwarded for the earlier request is in
 * the tap already. Returns the upstream requests since `mark` (a length of `upstreamRequests()` taken before).
 */
export async function upstreamSinceWithControl(session: TenantsSession, conn: RawKafkaConnection, mark: number): Promise<UpstreamRequest[]> {
  await conn.send(ApiKey.DescribeCluster, 0, { includeClusterAuthorizedOperations: false });
  const since = session.upstreamRequests().slice(mark);
  if (!since.some((r) => r.apiKey === ApiKey.DescribeCluster)) {
    throw new Error(`the upstream tap missed the control request (DescribeCluster): ${JSON.stringify(since)}`);
  }
  return since;
}

/**
 * "Nothing else will arrive", as a condition: waits until a consumer has processed every record of every partition of
 * `physicalTopic` up to that partition's end offset now, asked of the physical cluster (not through the gateway).
 * `next` is the consumer's own count, partition → the offset after the last message it processed (set it in
 * eachMessage). Call it once nothing writes to the topic any more: past those end offsets there is nothing to read,
 * so whatever the consumer would ever get from the topic (a duplicate write included) is in by then.
 */
export async function waitConsumedToEnd(session: TenantsSession, physicalTopic: string, next: ReadonlyMap<number, bigint>): Promise<void> {
  const ends = (await session.physical.admin.fetchTopicOffsets(physicalTopic)).map(({ partition, high }) => ({ partition, end: BigInt(high) }));
  const behind = () => ends.filter(({ partition, end }) => (next.get(partition) ?? 0n) < end);
  await waitUntil(() => behind().length === 0, {
    what: () => `a consumer to read ${physicalTopic} to its end offsets; behind in ${JSON.stringify(behind().map(({ partition, end }) =>
      ({ partition, end: end.toString(), next: (next.get(partition) ?? 0n).toString() })))}`,
    timeoutMs: 60_000,
  });
}

function brokerAddressOf(listener: ListenerConfig): (nodeId: number) => string {
  return (nodeId) => {
    const port = brokerPortsOf(listener).first + (nodeId - listener.nodeIdBase);
    if (port > brokerPortsOf(listener).last) throw new Error(`node ${nodeId} has no port on listener ${listener.name}`);
    return `${listener.advertisedHost}:${port}`;
  };
}

/**
 * Starts the two-tenant gateway in front of the test cluster. `clientId` names this test's clients. The prefixes
 * carry a tag unique to the session ("payments-<tag>.") since test files and runs share one physical cluster.
 */
export async function openTenantsSession(kafka: ProvidedKafka, clientId: string): Promise<TenantsSession> {
  const tag = uniqueName("t").slice(2);
  const nodeIdBase = Math.min(...kafka.brokers.map((b) => b.nodeId));
  const virtualClusters: VirtualClusterConfig[] = [];
  for (const name of TENANT_NAMES) {
    virtualClusters.push({
      ...(await testVirtualCluster(name, "shared", kafka.brokers.length + 2, nodeIdBase)),
      prefix: `${name}-${tag}.`,
      topicConfigAllowlist: DEFAULT_TOPIC_CONFIG_ALLOWLIST,
    });
  }
  const config = testGatewayConfig([{ name: "shared", bootstrap: parseHostPorts(kafka.bootstrap) }], virtualClusters);
  const recorder = leakRecorder([...parseHostPorts(kafka.bootstrap), ...kafka.brokers]);
  const upstream: UpstreamRequest[] = [];
  const gateway = await startGateway(config, {
    observers: [
      recorder.observer,
      {
        requestForwarded: (s, { apiKey, apiVersion }) =>
          upstream.push({ seq: upstream.length, virtualCluster: s.endpoint.virtualCluster, apiKey, apiVersion }),
      },
    ],
  });

  const tracked: Closeable[] = [];
  const track = <T extends Closeable>(resource: T): T => {
    tracked.push(resource);
    return resource;
  };
  let physicalAdmin: Admin | undefined;
  const close = async () => {
    await Promise.allSettled(tracked.reverse().map((r) => (r !== physicalAdmin ? (r.disconnect ? r.disconnect() : r.close?.()) : undefined)));
    await gateway.close(0);
    if (physicalAdmin) {
      await removeTenantData(physicalAdmin, virtualClusters.map((vc) => vc.prefix)).catch(() => undefined);
      await physicalAdmin.disconnect();
    }
  };

  const access = async (bootstrap: string, brokerAddress: (nodeId: number) => string, who: string): Promise<ClusterAccess> => {
    const id = uniqueName(`${clientId}-${who}`);
    const client = kafkajsClient(bootstrap, id);
    const admin = track(client.admin());
    await admin.connect();
    const raw = async (nodeId?: number) =>
      track(await RawKafkaConnection.connect(nodeId === undefined ? bootstrap.split(",")[0]! : brokerAddress(nodeId), id));
    return { bootstrap, client, admin, brokerAddress, raw };
  };

  try {
    const tenants = [] as Tenant[];
    for (const vc of virtualClusters) {
      const listener = vc.listeners[0]!;
      const bootstrap = `${listener.advertisedHost}:${listener.bootstrapPort}`;
      const side = await access(bootstrap, brokerAddressOf(listener), vc.name);
      tenants.push({ ...side, name: vc.name as TenantName, prefix: vc.prefix, physical: (name) => vc.prefix + name });
    }
    const byNodeId = new Map(kafka.brokers.map((b) => [b.nodeId, `${b.host}:${b.port}`]));
    const physical = await access(kafka.bootstrap, (nodeId) => byNodeId.get(nodeId)!, "physical");
    physicalAdmin = physical.admin;
    return {
      gateway,
      config,
      payments: tenants[0]!,
      analytics: tenants[1]!,
      physical,
      upstreamLeaks: () => [...new Set(recorder.leaks)],
      upstreamRequests: () => [...upstream],
      track,
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}

/** Deletes the topics and (empty) groups the tenants left on the shared physical cluster. */
async function removeTenantData(admin: Admin, prefixes: readonly string[]): Promise<void> {
  const ours = (name: string) => prefixes.some((prefix) => name.startsWith(prefix));
  const topics = (await admin.listTopics()).filter(ours);
  if (topics.length > 0) await admin.deleteTopics({ topics, timeout: 30_000 });
  const groups = (await admin.listGroups()).groups.map((g) => g.groupId).filter(ours);
  if (groups.length > 0) await admin.deleteGroups(groups).catch(() => undefined);
}
