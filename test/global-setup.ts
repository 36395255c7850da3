// Vitest global setup of the `integration` project: one real 3-broker Kafka cluster for all test files.
// Set BULKHEAD_TEST_BOOTSTRAP=host:port[,...] to use an already running cluster instead (quicker while developing).
import kafkajs from "kafkajs";
import type { TestProject } from "vitest/node";
import { kafkaVersionFromEnv } from "../scripts/kafka/fetch.js";
import { startKafka } from "../scripts/kafka/launcher.js";
import type { ProvidedKafka } from "./harness/provided.js";

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const external = process.env.BULKHEAD_TEST_BOOTSTRAP?.trim();
  if (external) {
    project.provide("kafka", await describeExternal(external));
    return async () => undefined;
  }
  const started = Date.now();
  const cluster = await startKafka({ brokers: 3 });
  console.log(`[global-setup] Kafka ${cluster.version} x3 at ${cluster.bootstrap} in ${Date.now() - started} ms (logs: ${cluster.logDir})`);
  project.provide("kafka", { bootstrap: cluster.bootstrap, brokers: cluster.brokers, version: cluster.version });
  return () => cluster.stop();
}

/** Node ids and addresses of an external cluster, as its metadata advertises them. */
async function describeExternal(bootstrap: string): Promise<ProvidedKafka> {
  const admin = new kafkajs.Kafka({ clientId: "bulkhead-global-setup", brokers: bootstrap.split(","), logLevel: kafkajs.logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const { brokers } = await admin.describeCluster();
    return { bootstrap, version: kafkaVersionFromEnv(), brokers: brokers.map(({ nodeId, host, port }) => ({ nodeId, host, port })) };
  } finally {
    await admin.disconnect();
  }
}
