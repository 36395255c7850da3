// The run's Kafka cluster (test/harness/shared-kafka.ts), as integration tests get it with `inject("kafka")` and the
// browser specs as the `kafka` fixture (test/browser/fixtures.ts).
import type { KafkaBroker } from "../../scripts/kafka/launcher.js";

export interface ProvidedKafka {
  /** "127.0.0.1:p1,127.0.0.1:p2,127.0.0.1:p3" */
  bootstrap: string;
  brokers: KafkaBroker[];
  /** Kafka version of the cluster (and of the Java tools runKafkaTool uses). */
  version: string;
  /** The SASL_SSL listener of the launched cluster (absent with BULKHEAD_TEST_BOOTSTRAP): CA and SCRAM user. */
  secure?: { bootstrap: string; brokers: KafkaBroker[]; ca: string; username: string; password: string };
}

declare module "vitest" {
  export interface ProvidedContext {
    kafka: ProvidedKafka;
  }
}
