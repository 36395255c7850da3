// The Kafka test cluster, as the brief names it: see scripts/kafka/launcher.ts.
export { processesMentioning, startKafka, type KafkaBroker, type KafkaCluster, type StartKafkaOptions } from "../../scripts/kafka/launcher.js";
export { kafkaVersionFromEnv } from "../../scripts/kafka/fetch.js";
