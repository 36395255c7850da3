// The gateway under test, in its own process so that its CPU time is its own (process.cpuUsage()).
// Started by bench/e2e.ts with fork(); options come as JSON in argv[2], everything else over IPC.
// It calls the production startGateway() with a config built for the bench (no test taps).
import { metrics } from "../src/observe/metrics.js";
import { startGateway } from "../src/gateway.js";
import { tuneHeapGrowth } from "../src/runtime/heap-tuning.js";
import type { ChildMessage, GatewayChildOptions, ParentMessage } from "./lib/gateway-ipc.js";
import { freePortRange, parseHostPorts, testGatewayConfig, testVirtualCluster } from "../test/harness/gateway.js";
import type { VirtualClusterConfig } from "../src/config/types.js";
import { scramCredential } from "../src/security/scram.js";
import { Operation, PatternType, Permission, ResourceType } from "../src/acl/operations.js";
import type { AclRule, AclSettings } from "../src/acl/rule.js";

const GiB = 1024 ** 3;
const NEVER_REACHED = {
  tenantByteRate: { produce: 8 * GiB, fetch: 8 * GiB },
  topicByteRates: { default: { produce: 4 * GiB, fetch: 4 * GiB }, prefixes: {}, topics: {} },
  principalByteRates: { default: { produce: 8 * GiB, fetch: 8 * GiB }, principals: {} },
};

const send = (message: ChildMessage): void => {
  process.send?.(message);
};

async function counterTotal(counter: typeof metrics.bytesToClients | typeof metrics.requests): Promise<number> {
  const { values } = await counter.get();
  return values.reduce((sum, v) => sum + v.value, 0);
}

/** The bench's clients (User:ANONYMOUS on plaintext, the SASL user on TLS) may use bench-* topics and groups. */
function benchAcls(): AclSettings {
  const rule = (principal: string, resourceType: ResourceType, operation: Operation): AclRule => ({
    principal, host: "*", resourceType, patternType: PatternType.Prefixed, name: "bench-", operation, permission: Permission.Allow,
  });
  const bench = ["User:ANONYMOUS", "User:bench"].flatMap((p) => [
    rule(p, ResourceType.Topic, Operation.All),
    rule(p, ResourceType.Group, Operation.Read),
    { ...rule(p, ResourceType.Cluster, Operation.IdempotentWrite), patternType: PatternType.Literal, name: "kafka-cluster" },
  ]);
  const others = Array.from({ length: 1_000 - bench.length }, (_, i) => ({ ...rule(`User:other-${i % 100}`, ResourceType.Topic, Operation.Write), name: `team-${i}.` }));
  return { rules: [...bench, ...others], superUsers: [], allowIfNoAclFound: false };
}

async function main(): Promise<void> {
  if (!process.send) throw new Error("bench/gateway-child.ts must be started by bench/e2e.ts (fork with IPC)");
  const options = JSON.parse(process.argv[2] ?? "") as GatewayChildOptions;
  const nodeIdBase = Math.min(...options.nodeIds);
  const brokerPorts = Math.max(...options.nodeIds) - nodeIdBase + 1;
  // The integration tests' config helpers, but not startTestGateway: its leak tap concatenates every
  // response, which would dominate what we measure.
  const plain = await testVirtualCluster("bench", "bench", brokerPorts, nodeIdBase);
  const secure = options.secure;
  const first = secure === undefined ? 0 : await freePortRange(brokerPorts + 1);
  const virtualCluster: VirtualClusterConfig =
    secure === undefined
      ? plain
      : {
          ...plain,
          users: [{ name: secure.user, scramSha512: scramCredential("SCRAM-SHA-512", secure.password) }],
          listeners: [
            ...plain.listeners,
            {
              ...plain.listeners[0]!,
              name: "sasl-tls",
              bootstrapPort: first,
              brokerPorts: { first: first + 1, last: first + brokerPorts },
              security: "sasl_tls",
              saslMechanisms: ["PLAIN", "SCRAM-SHA-512"],
              tls: { certificate: secure.certificate, privateKey: secure.privateKey },
            },
          ],
        };
  // BULKHEAD_BENCH_ACLS=1: ACLs on, allowing what the bench does among 1,000 rules for other principals.
  const acls = process.env.BULKHEAD_BENCH_ACLS === "1" ? benchAcls() : undefined;
  // BULKHEAD_BENCH_LIMITS=1: byte-rate limits on every topic, the principal and the tenant, set far above what the
  // bench reaches: the cost of the checks alone (bench/RESULTS.md, byte-rate limits).
  const limits = process.env.BULKHEAD_BENCH_LIMITS === "1" ? NEVER_REACHED : undefined;
  const config = testGatewayConfig([{ name: "bench", bootstrap: parseHostPorts(options.kafkaBootstrap) }], [{ ...virtualCluster, acls, limits }]);
  tuneHeapGrowth(); // as the CLI does
  const gateway = await startGateway(config);

  process.on("message", (message: ParentMessage) => {
    if (message.type === "sample") {
      void (async () => {
        const cpu = process.cpuUsage();
        send({
          type: "sample",
          cpuUserUs: cpu.user,
          cpuSystemUs: cpu.system,
          bytesFromClients: await counterTotal(metrics.bytesFromClients),
          bytesToClients: await counterTotal(metrics.bytesToClients),
          requests: await counterTotal(metrics.requests),
        });
      })();
    } else if (message.type === "stop") {
      void gateway.close(1_000).finally(() => process.exit(0));
    }
  });
  // The parent going away must not leave a gateway behind.
  process.on("disconnect", () => process.exit(0));
  const secureEndpoint = gateway.endpoints.find((e) => e.listener === "sasl-tls");
  send({ type: "ready", bootstrap: gateway.endpoints[0]!.bootstrap, ...(secureEndpoint && { secureBootstrap: secureEndpoint.bootstrap }) });
}

main().catch((err: unknown) => {
  send({ type: "error", message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  process.exit(1);
});
