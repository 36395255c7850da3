// Vitest global setup of the `integration` project: one real 3-broker Kafka cluster for all test files.
// Set BULKHEAD_TEST_BOOTSTRAP=host:port[,...] to use an already running cluster instead (quicker while developing).
import kafkajs from "kafkajs";
import type { TestProject } from "vitest/node";
import { kafkaVersionFromEnv } from "../scripts/kafka/fetch.js";
import { randomBytes } from "node:crypto";
import { startKafka } from "../scripts/kafka/launcher.js";
import { makeTestCertificates } from "../scripts/tls/certificates.js";
import type { ProvidedKafka } from "./harness/provided.js";

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const external = process.env.BULKHEAD_TEST_BOOTSTRAP?.trim();
  if (external) {
    project.provide("kafka", await describeExternal(external));
    return async () => undefined;
  }
  const started = Date.now();
  // A SASL_SSL listener too, for the gateway's own TLS and SCRAM login towards the brokers.
  const certs = await makeTestCertificates();
  const gatewayUser = { name: "bulkhead-gateway", password: randomBytes(12).toString("base64url") };
  const cluster = await startKafka({ brokers: 3, secure: { certificate: certs.certificate, privateKey: certs.privateKey, users: [gatewayUser] } });
  console.log(`[global-setup] Kafka ${cluster.version} x3 at ${cluster.bootstrap} in ${Date.now() - started} ms (logs: ${cluster.logDir})`);
  const secure = { ...cluster.secure!, ca: certs.ca, username: gatewayUser.name, password: gatewayUser.password };
  project.provide("kafka", { bootstrap: cluster.bootstrap, brokers: cluster.brokers, version: cluster.version, secure });
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
