// Playwright's global setup for the console's specs: builds the console (the control server reads the built files
// when it starts), then starts the run's Kafka cluster (test/harness/shared-kafka.ts) or describes the one
// BULKHEAD_TEST_BOOTSTRAP names. Workers start after it and inherit the environment, so the cluster reaches the specs
// in KAFKA_ENV (the `kafka` fixture). The function it answers is the global teardown: it stops the cluster.
import { runProcess } from "../harness/clients.js";
import { startSharedKafka } from "../harness/shared-kafka.js";

export const KAFKA_ENV = "BULKHEAD_TEST_KAFKA";

export default async function globalSetup(): Promise<() => Promise<void>> {
  const built = await runProcess("npm", ["run", "--silent", "build:console"], { timeoutMs: 120_000 });
  if (built.code !== 0) throw new Error(`npm run build:console failed (${built.code ?? built.signal}): ${built.stderr}`);
  const { kafka, stop } = await startSharedKafka();
  process.env[KAFKA_ENV] = JSON.stringify(kafka);
  return stop;
}
