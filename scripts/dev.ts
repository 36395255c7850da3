// npm start: a local 3-broker Kafka (launched from the Maven download) with the gateway in front of it, serving the
// example's two tenants, using config/bulkhead.example.yaml with the cluster's real bootstrap address swapped in,
// and a third tenant on a SASL_SSL (SCRAM-SHA-512) listener with a demo CA and a demo user made at start-up.
import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import { scramCredential } from "../src/security/scram.js";
import { Operation, PatternType, Permission, ResourceType } from "../src/acl/operations.js";
import type { AclRule, AclSettings } from "../src/acl/rule.js";
import { makeTestCertificates } from "./tls/certificates.js";
import { loadConfig } from "../src/config/index.js";
import type { GatewayConfig } from "../src/config/types.js";
import { startGateway } from "../src/gateway.js";
import { applyLogLevel } from "../src/log.js";
import { startKafka } from "./kafka/launcher.js";

/** The README's worked example of ACLs, on the tenant's own names. */
function demoAcls(): AclSettings {
  const allow = (principal: string, resourceType: ResourceType, name: string, operation: Operation): AclRule => ({
    principal, host: "*", resourceType, patternType: PatternType.Literal, name, operation, permission: Permission.Allow,
  });
  return {
    superUsers: ["User:demo"],
    allowIfNoAclFound: false,
    rules: [
      allow("User:writer", ResourceType.Topic, "orders", Operation.Write),
      allow("User:reader", ResourceType.Topic, "orders", Operation.Read),
      allow("User:reader", ResourceType.Group, "*", Operation.Read),
    ],
  };
}

const CONFIG_FILE = fileURLToPath(new URL("../config/bulkhead.example.yaml", import.meta.url));

const example = await loadConfig(CONFIG_FILE);
applyLogLevel(example.log.level);
console.log("Starting a local Kafka cluster (3 brokers, KRaft)...");
const kafka = await startKafka({ brokers: 3 });
const upstream = kafka.brokers.map(({ host, port }) => ({ host, port }));
// The example names one physical cluster; point it at the brokers just launched.
const certs = await makeTestCertificates();
const demoPassword = randomBytes(9).toString("base64url");
const secure = {
  name: "secure",
  cluster: example.clusters[0]!.name,
  prefix: "secure.",
  topicConfigAllowlist: example.virtualClusters[0]!.topicConfigAllowlist,
  deniedApis: [],
  // README's ACL example: "demo" may do anything (a super-user), "writer" only produce to orders, "reader" only consume it.
  users: ["demo", "writer", "reader"].map((name) => ({ name, scramSha512: scramCredential("SCRAM-SHA-512", demoPassword) })),
  acls: demoAcls(),
  listeners: [
    {
      name: "sasl-tls",
      bind: "0.0.0.0",
      bootstrapPort: 39092,
      brokerPorts: { first: 39093, last: 39095 },
      nodeIdBase: 0,
      advertisedHost: "localhost",
      security: "sasl_tls" as const,
      saslMechanisms: ["SCRAM-SHA-512" as const],
      tls: { certificate: certs.certificate, privateKey: certs.privateKey },
    },
  ],
};
const config: GatewayConfig = {
  ...example,
  clusters: example.clusters.map((c) => ({ ...c, bootstrap: upstream })),
  virtualClusters: [...example.virtualClusters, secure],
};

let gateway;
try {
  gateway = await startGateway(config);
} catch (err) {
  await kafka.stop();
  throw err;
}

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
  control plane: http://${control}/healthz  /readyz  /metrics

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
  await gateway!.close(config.shutdown.drainTimeoutMs);
  await kafka.stop();
  process.exit(0);
}
process.on("SIGINT", () => void stop("SIGINT"));
process.on("SIGTERM", () => void stop("SIGTERM"));
