// npm start: a local 3-broker Kafka (launched from the Maven download) with the gateway in front of it,
// using config/bulkhead.example.yaml with the cluster's real bootstrap address swapped in.
import { fileURLToPath } from "node:url";
import { loadConfig } from "../src/config/index.js";
import type { GatewayConfig } from "../src/config/types.js";
import { startGateway } from "../src/gateway.js";
import { applyLogLevel } from "../src/log.js";
import { startKafka } from "./kafka/launcher.js";

const CONFIG_FILE = fileURLToPath(new URL("../config/bulkhead.example.yaml", import.meta.url));

const example = await loadConfig(CONFIG_FILE);
applyLogLevel(example.log.level);
console.log("Starting a local Kafka cluster (3 brokers, KRaft)...");
const kafka = await startKafka({ brokers: 3 });
const upstream = kafka.brokers.map(({ host, port }) => ({ host, port }));
// The example names one physical cluster; point it at the brokers just launched.
const config: GatewayConfig = { ...example, clusters: example.clusters.map((c) => ({ ...c, bootstrap: upstream })) };

let gateway;
try {
  gateway = await startGateway(config);
} catch (err) {
  await kafka.stop();
  throw err;
}

const first = gateway.endpoints[0]!;
const control = `${gateway.controlAddress.host}:${gateway.controlAddress.port}`;
console.log(`
Kafka ${kafka.version} is up (its own addresses stay hidden behind the gateway).
Bulkhead is listening:
${gateway.endpoints.map((e) => `  virtual cluster ${e.virtualCluster} / ${e.listener}: bootstrap ${e.bootstrap}`).join("\n")}
  control plane: http://${control}/healthz  /readyz  /metrics

Try it with kcat:
  kcat -b ${first.bootstrap} -L
  echo hello | kcat -b ${first.bootstrap} -t greetings -P && kcat -b ${first.bootstrap} -t greetings -C -e

or kafkajs:
  const { Kafka } = require("kafkajs");
  const kafka = new Kafka({ brokers: ["${first.bootstrap}"] });

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
