/**
 * Starts a gateway for integration tests on free ports, in front of a real cluster, with a tap that
 * records every upstream broker address seen in a response sent to a client (there must be none).
 */
import net from "node:net";
import { DEFAULT_TOPIC_CONFIG_ALLOWLIST } from "../../src/config/topic-configs.js";
import type { GatewayConfig, HostPort, ListenerConfig, VirtualClusterConfig } from "../../src/config/types.js";
import { startGateway, type Gateway } from "../../src/gateway.js";
import type { GatewayObserver } from "../../src/observe/observer.js";

export interface UpstreamCluster {
  /** "host:port,host:port" */
  bootstrap: string;
  brokers?: readonly { nodeId: number; host: string; port: number }[];
}

export interface TestGatewayOptions {
  /** Broker ports per listener (node ids nodeIdBase .. nodeIdBase+brokerPorts-1). Default 8. */
  brokerPorts?: number;
  /** Default: the smallest upstream node id, else 0. */
  nodeIdBase?: number;
  maxFrameBytes?: number;
  connectTimeoutMs?: number;
  drainTimeoutMs?: number;
  /** More observers of the data plane (a test's own tap), next to the leak recorder. */
  observers?: readonly GatewayObserver[];
}

export interface TestGateway {
  /** "127.0.0.1:port" of the gateway's bootstrap port. */
  bootstrap: string;
  gateway: Gateway;
  config: GatewayConfig;
  /** Every upstream host:port seen in any response sent to clients so far (with the API that carried it). */
  upstreamLeaks(): string[];
  close(): Promise<void>;
}

export function parseHostPorts(list: string): HostPort[] {
  return list.split(",").map((entry) => {
    const at = entry.lastIndexOf(":");
    return { host: entry.slice(0, at), port: Number(entry.slice(at + 1)) };
  });
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once("error", () => resolve(false));
    server.listen({ host: "127.0.0.1", port }, () => server.close(() => resolve(true)));
  });
}

/**
 * A port free right now (bound, then released): somewhere to listen, or a port nothing answers on. Below Linux's
 * ephemeral range (32768+), like the Kafka launcher's: a port the kernel picked (listen on 0) and released can be
 * taken by any client's outgoing connection before the gateway binds it (EADDRINUSE, seen in a test run).
 */
export function freePort(): Promise<number> {
  return freePortRange(1);
}

/**
 * Ports this process has handed out: a range is only bound when its gateway starts, so without this two ranges asked
 * for before either is bound (two virtual clusters of one gateway) could overlap (EADDRINUSE, seen once in CI).
 */
const handedOut = new Set<number>();

/** The first of `count` consecutive ports that are free right now, below the ephemeral range, never handed out before. */
export async function freePortRange(count: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const first = 20_000 + Math.floor(Math.random() * (12_000 - count));
    let free = true;
    for (let port = first; port < first + count && free; port++) free = !handedOut.has(port) && (await canListen(port));
    if (!free) continue;
    for (let port = first; port < first + count; port++) handedOut.add(port);
    return first;
  }
  throw new Error(`no ${count} consecutive free ports found`);
}

/** A virtual cluster on 127.0.0.1 with one listener: bootstrap port, then `brokerPorts` broker ports. */
export async function testVirtualCluster(
  name: string,
  cluster: string,
  brokerPorts: number,
  nodeIdBase: number,
): Promise<VirtualClusterConfig> {
  const first = await freePortRange(brokerPorts + 1);
  return {
    name,
    cluster,
    prefix: `${name}.`,
    topicConfigAllowlist: DEFAULT_TOPIC_CONFIG_ALLOWLIST,
    deniedApis: [],
    listeners: [
      {
        name: "plain",
        bind: "127.0.0.1",
        bootstrapPort: first,
        brokerPorts: { first: first + 1, last: first + brokerPorts },
        nodeIdBase,
        advertisedHost: "127.0.0.1",
      },
    ],
  };
}

/**
 * Another access point of the same virtual cluster: `listener`'s settings on free ports of its own (as many broker
 * ports as `listener` has), with `changes` (name, security, TLS...) applied.
 */
/** A port-per-broker listener's broker port range (the harness's listeners all are; an SNI-routed one has none). */
export function brokerPortsOf(listener: ListenerConfig): { first: number; last: number } {
  if (listener.brokerPorts === undefined) throw new Error(`listener ${listener.name} routes by SNI: it has no broker ports`);
  return listener.brokerPorts;
}

export async function anotherListener(listener: ListenerConfig, changes: Partial<ListenerConfig> & { name: string }): Promise<ListenerConfig> {
  const brokerPorts = brokerPortsOf(listener).last - brokerPortsOf(listener).first + 1;
  const first = await freePortRange(brokerPorts + 1);
  return { ...listener, bootstrapPort: first, brokerPorts: { first: first + 1, last: first + brokerPorts }, ...changes };
}

export function testGatewayConfig(
  clusters: GatewayConfig["clusters"],
  virtualClusters: readonly VirtualClusterConfig[],
  opts: TestGatewayOptions = {},
): GatewayConfig {
  return {
    clusters,
    virtualClusters,
    control: { listen: { host: "127.0.0.1", port: 0 } },
    limits: { maxFrameBytes: opts.maxFrameBytes ?? 100 * 1024 * 1024 },
    shutdown: { drainTimeoutMs: opts.drainTimeoutMs ?? 2_000 },
    log: { level: "warn" },
  };
}

/** Patterns an upstream address takes in a response: `host` then int32 port (every broker struct), or "host:port". */
function leakPatterns(addresses: readonly HostPort[]): { label: string; bytes: Buffer }[] {
  return addresses.flatMap(({ host, port }) => {
    const portBytes = Buffer.alloc(4);
    portBytes.writeInt32BE(port, 0);
    return [
      { label: `${host}:${port}`, bytes: Buffer.concat([Buffer.from(host), portBytes]) },
      { label: `${host}:${port}`, bytes: Buffer.from(`${host}:${port}`) },
    ];
  });
}

/** An observer of every response sent to a client that records leaks of the given upstream addresses. */
export function leakRecorder(addresses: readonly HostPort[]): { observer: GatewayObserver; leaks: string[] } {
  const patterns = leakPatterns(addresses);
  const leaks: string[] = [];
  const observer: GatewayObserver = {
    wantsResponseBodies: true,
    responseSent: (_session, request, body) => {
      const bytes = Buffer.concat(body ?? []); // test-only: the product never concatenates
      for (const pattern of patterns) {
        if (bytes.includes(pattern.bytes)) leaks.push(`${pattern.label} in response to api ${request.apiKey} v${request.apiVersion}`);
      }
    },
  };
  return { observer, leaks };
}

export async function startTestGateway(kafka: UpstreamCluster, opts: TestGatewayOptions = {}): Promise<TestGateway> {
  const bootstrap = parseHostPorts(kafka.bootstrap);
  const upstreamAddresses = [...bootstrap, ...(kafka.brokers ?? []).map(({ host, port }) => ({ host, port }))];
  const nodeIds = (kafka.brokers ?? []).map((b) => b.nodeId);
  const nodeIdBase = opts.nodeIdBase ?? (nodeIds.length > 0 ? Math.min(...nodeIds) : 0);
  const virtualCluster = await testVirtualCluster("test", "upstream", opts.brokerPorts ?? 8, nodeIdBase);
  const config = testGatewayConfig([{ name: "upstream", bootstrap }], [virtualCluster], opts);
  const recorder = leakRecorder(upstreamAddresses);
  const gateway = await startGateway(config, {
    observers: [recorder.observer, ...(opts.observers ?? [])],
    connectTimeoutMs: opts.connectTimeoutMs,
  });
  return {
    bootstrap: gateway.endpoints[0]!.bootstrap,
    gateway,
    config,
    upstreamLeaks: () => [...new Set(recorder.leaks)],
    close: () => gateway.close(),
  };
}
