// Vitest global setup of the `integration` project: one real 3-broker Kafka cluster for all test files, or the one
// BULKHEAD_TEST_BOOTSTRAP=host:port[,...] names (see test/harness/shared-kafka.ts); tests get it with inject("kafka").
import type { TestProject } from "vitest/node";
import { startSharedKafka } from "./harness/shared-kafka.js";

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const { kafka, stop } = await startSharedKafka();
  project.provide("kafka", kafka);
  return stop;
}
