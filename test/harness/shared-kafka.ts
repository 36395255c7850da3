// The one Kafka cluster a test run shares, for vitest's integration project (test/global-setup.ts) and Playwright's
// browser specs (test/browser/global-setup.ts): three brokers started here, or, with
// BULKHEAD_TEST_BOOTSTRAP=host:port[,...], a cluster that is already running (quicker while developing).
import { randomBytes } from "node:crypto";
import kafkajs from "kafkajs";
import { kafkaVersionFromEnv } from "../../scripts/kafka/fetch.js";
import { startKafka } from "../../scripts/kafka/launcher.js";
import { makeTestCertificates } from "../../scripts/tls/certificates.js";
import type { ProvidedKafka } from "./provided.js";

export async function startSharedKafka(): Promise<{ kafka: ProvidedKafka; stop: () => Promise<void> }> {
  const external = process.env.BULKHEAD_TEST_BOOTSTRAP?.trim();
  if (external) return { kafka: await describeExternal(external), stop: async () => undefined };
  const started = Date.now();
  // A SASL_SSL listener too, for the gateway's own TLS and SCRAM login towards the brokers.
  const certs = await makeTestCertificates();
  const gatewayUser = { name: "bulkhead-gateway", password: randomBytes(12).toString("base64url") };
  const cluster = await startKafka({ brokers: 3, secure: { certificate: certs.certificate, privateKey: certs.privateKey, users: [gatewayUser] } });
  console.log(`[global-setup] Kafka ${cluster.version} x3 at ${cluster.bootstrap} in ${Date.now() - started} ms (logs: ${cluster.logDir})`);
  const secure = { ...cluster.secure!, ca: certs.ca, username: gatewayUser.name, password: gatewayUser.password };
  return { kafka: { bootstrap: cluster.bootstrap, brokers: cluster.brokers, version: cluster.version, secure }, stop: () => cluster.stop() };
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
