// Issue 12's soak: one tenant holds N idle connections (each sent one ApiVersions, then nothing), another tenant's
// client keeps working. Reports the gateway's resident memory per held connection (each with its upstream
// connection) and the other tenant's Metadata round-trip latency (p50/p99 of sequential requests) without and during
// the flood. The gateway runs as a child process (bench/budget-child.ts) with the default budgets; a broker must be up:
//
//   BULKHEAD_TEST_BOOTSTRAP=host:port,... npx tsx bench/idle-connections.ts [connections=2000] [requests=500]
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { ApiKey } from "../src/protocol/messages/index.js";
import { freePortRange } from "../test/harness/gateway.js";
import { RawKafkaConnection } from "../test/harness/raw-client.js";
import { startGatewayProcess } from "./lib/gateway-process.js";

const API_VERSIONS = { clientSoftwareName: "bench-idle", clientSoftwareVersion: "1" };
/** Connections opened at once (each also makes the gateway dial a broker). */
const OPEN_BATCH = 100;

const rssMiB = (pid: number) => Number(/^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1]) / 1024;

async function latencies(bootstrap: string, requests: number): Promise<{ p50: number; p99: number }> {
  const conn = await RawKafkaConnection.connect(bootstrap, "bench-other");
  const took: number[] = [];
  for (let i = 0; i < requests; i++) {
    const start = performance.now();
    await conn.send(ApiKey.Metadata, 12, { topics: [], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
    took.push(performance.now() - start);
  }
  await conn.close();
  took.sort((a, b) => a - b);
  const at = (q: number) => Math.round(took[Math.min(took.length - 1, Math.floor(q * took.length))]! * 100) / 100;
  return { p50: at(0.5), p99: at(0.99) };
}

async function main(): Promise<void> {
  const kafkaBootstrap = process.env.BULKHEAD_TEST_BOOTSTRAP;
  if (kafkaBootstrap === undefined) throw new Error("set BULKHEAD_TEST_BOOTSTRAP to a running cluster (host:port,...)");
  const connections = Number(process.argv[2] ?? 2_000);
  const requests = Number(process.argv[3] ?? 500);
  const brokerCount = kafkaBootstrap.split(",").length;
  const otherPort = await freePortRange(brokerCount + 1);
  const options = { childScript: fileURLToPath(new URL("./budget-child.ts", import.meta.url)), kafkaBootstrap, nodeIds: [...Array(brokerCount).keys()], otherPort };
  const gateway = await startGatewayProcess(options);
  const other = `127.0.0.1:${otherPort}`;
  try {
    await latencies(other, 50); // warm-up
    const quiet = await latencies(other, requests);
    const idle = rssMiB(gateway.pid);
    const held: RawKafkaConnection[] = [];
    while (held.length < connections) {
      const batch = await Promise.all(Array.from({ length: Math.min(OPEN_BATCH, connections - held.length) }, () => RawKafkaConnection.connect(gateway.bootstrap, "bench-idle")));
      await Promise.all(batch.map((c) => c.send(ApiKey.ApiVersions, 3, API_VERSIONS)));
      held.push(...batch);
    }
    const flooded = rssMiB(gateway.pid);
    const during = await latencies(other, requests);
    console.log(
      JSON.stringify({
        connections,
        gatewayRssMiB: { idle: Math.round(idle), withConnections: Math.round(flooded) },
        rssKiBPerConnection: Math.round(((flooded - idle) * 1024) / connections),
        otherTenantMetadataMs: { withoutFlood: quiet, duringFlood: during },
      }),
    );
    await Promise.all(held.map((c) => c.close()));
  } finally {
    await gateway.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
