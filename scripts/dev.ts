// npm start: a local 3-broker Kafka (launched from the Maven download) with the gateway in front of it, serving the
// example's two tenants, using config/bulkhead.example.yaml with the cluster's real bootstrap address swapped in,
// and a third tenant on a SASL_SSL (SCRAM-SHA-512) listener with a demo CA and a demo user made at start-up. The config
// is written to .cache/dev/bulkhead.yaml and the gateway started from that file, so the admin API and the console run
// too, with two demo tokens made for this run (only their digests are in the file).
import { randomBytes } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseDocument } from "yaml";
import { formatScramCredential } from "../src/security/credential-format.js";
import { scramCredential } from "../src/security/scram.js";
import { makeTestCertificates } from "./tls/certificates.js";
import { YamlFileStore } from "../src/config/yaml-file-store.js";
import { createToken } from "../src/control/auth.js";
import { startGateway } from "../src/gateway.js";
import { tuneHeapGrowth } from "../src/runtime/heap-tuning.js";
import { applyLogLevel } from "../src/log.js";
import { startKafka } from "./kafka/launcher.js";

/** The README's worked example of ACLs, on the tenant's own names, as the config file writes them. */
const DEMO_ACLS = {
  superUsers: ["User:demo"],
  rules: [
    { principal: "User:writer", resourceType: "topic", name: "orders", operations: ["WRITE"] },
    { principal: "User:reader", resourceType: "topic", name: "orders", operations: ["READ"] },
    { principal: "User:reader", resourceType: "group", name: "*", operations: ["READ"] },
  ],
};

const CONFIG_FILE = fileURLToPath(new URL("../config/bulkhead.example.yaml", import.meta.url));
const DEV_DIR = fileURLToPath(new URL("../.cache/dev/", import.meta.url));

// The example's own YAML document (its comments stay), edited below and written to DEV_DIR.
const document = parseDocument(await readFile(CONFIG_FILE, "utf8"));
console.log("Starting a local Kafka cluster (3 brokers, KRaft)...");
const kafka = await startKafka({ brokers: 3 });
// The example names one physical cluster; point it at the brokers just launched.
document.setIn(["clusters", 0, "bootstrap"], kafka.brokers.map(({ host, port }) => `${host}:${port}`));
const certs = await makeTestCertificates();
const demoPassword = randomBytes(9).toString("base64url");
const secure = {
  name: "secure",
  cluster: document.getIn(["clusters", 0, "name"]),
  prefix: "secure.",
  deniedApis: [],
  // README's ACL example: "demo" may do anything (a super-user), "writer" only produce to orders, "reader" only consume it.
  users: ["demo", "writer", "reader"].map((name) => ({ name, scramSha512: formatScramCredential(scramCredential("SCRAM-SHA-512", demoPassword)) })),
  acls: DEMO_ACLS,
  listeners: [
    {
      name: "sasl-tls",
      bind: "0.0.0.0",
      bootstrapPort: 39092,
      brokerPorts: "39093-39095",
      nodeIdBase: 0,
      advertisedHost: "localhost",
      security: "sasl_tls",
      saslMechanisms: ["SCRAM-SHA-512"],
      tls: { certificate: { file: join(certs.dir, "server.pem") }, privateKey: { file: join(certs.dir, "server.key") } },
    },
  ],
};
document.addIn(["virtualClusters"], document.createNode(secure));
// Demo tokens for the admin API and the console: the platform team's, and one for the first tenant.
const platformToken = createToken();
const tenantToken = createToken();
const firstTenant = String(document.getIn(["virtualClusters", 0, "name"]));
document.setIn(["control", "stateDir"], "state");
document.setIn(["control", "tokens"], document.createNode([
  { name: "platform", sha256: platformToken.sha256, role: "admin" },
  { name: `${firstTenant}-team`, sha256: tenantToken.sha256, role: "operator", virtualCluster: firstTenant },
]));
await mkdir(DEV_DIR, { recursive: true });
const devConfigFile = join(DEV_DIR, "bulkhead.yaml");
await writeFile(devConfigFile, document.toString());

const store = new YamlFileStore(devConfigFile);
const stopKafkaOnError = async (err: unknown): Promise<never> => {
  await kafka.stop();
  throw err;
};
const { config, text } = await store.read().catch(stopKafkaOnError);
applyLogLevel(config.log.level);
tuneHeapGrowth(); // as the CLI does
const gateway = await startGateway(config, { store: { store, text } }).catch(stopKafkaOnError);

const control = `${gateway.controlAddress.host}:${gateway.controlAddress.port}`;
const tenants = config.virtualClusters.map((vc) => ({
  name: vc.name,
  prefix: vc.prefix,
  bootstrap: gateway.endpoints.find((e) => e.virtualCluster === vc.name)!.bootstrap,
}));
const width = Math.max(...tenants.map((t) => t.name.length));
// Each tenant writes and reads its own "orders"; every later tenant first lists its topics to show the first's is absent.
const kcat = tenants.slice(0, 2).flatMap((t, i) => [
  ...(i > 0 ? [`  kcat -b ${t.bootstrap} -L     # ${t.name} sees no "orders" of ${tenants[0]!.name}`] : []),
  `  echo "hi from ${t.name}" | kcat -b ${t.bootstrap} -t orders -P && kcat -b ${t.bootstrap} -t orders -C -e`,
]);
console.log(`
Kafka ${kafka.version} is up (its own addresses stay hidden behind the gateway).
Bulkhead serves ${tenants.length} tenants (virtual clusters) on it:
${tenants.map((t) => `  ${t.name.padEnd(width)}  bootstrap ${t.bootstrap}   (its topics are "${t.prefix}<name>" upstream)`).join("\n")}
  control plane: http://${control}/healthz  /readyz  /metrics   (config: ${devConfigFile})

The console: http://${control}/ui/   (paste a token; made for this run)
  platform team (admin, every virtual cluster): ${platformToken.token}
  ${firstTenant} team (operator, ${firstTenant} only):      ${tenantToken.token}

Try it with kcat: every tenant uses the topic name "orders", and each sees only its own.
${kcat.join("\n")}

${tenants[0]!.name} limits its topic "bulk" to 1 MiB/s of produce (limits.topicByteRates in the config). kcat feels it:
8 MB take about 7 s (throttled the Kafka way, nothing refused), while the same into "orders" is quick.
  time (head -c 8000000 /dev/zero | tr '\\0' x | fold -w 1000 | kcat -b ${tenants[0]!.bootstrap} -t bulk -P -X batch.size=65536)
  time (head -c 8000000 /dev/zero | tr '\\0' x | fold -w 1000 | kcat -b ${tenants[0]!.bootstrap} -t orders -P -X batch.size=65536)
  curl -s http://${control}/metrics | grep -E 'bulkhead_(throttle_seconds|byte_rate_usage)'

The "secure" tenant needs SASL over TLS: user "demo", password "${demoPassword}" (made for this run), CA ${certs.caFile}.
It has ACLs: "demo" may do anything, "writer" (same password) only produce to orders, "reader" only consume it.
  echo "hi from secure" | kcat -b ${tenants[2]!.bootstrap} -X security.protocol=SASL_SSL -X sasl.mechanisms=SCRAM-SHA-512 \\
       -X sasl.username=demo -X sasl.password=${demoPassword} -X ssl.ca.location=${certs.caFile} -t orders -P

Ctrl-C stops the gateway (draining in-flight requests) and Kafka.`);

let stopping = false;
async function stop(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log(`${signal}: stopping the gateway and Kafka...`);
  await gateway.close(config.shutdown.drainTimeoutMs);
  await kafka.stop();
  process.exit(0);
}
process.on("SIGINT", () => void stop("SIGINT"));
process.on("SIGTERM", () => void stop("SIGTERM"));
