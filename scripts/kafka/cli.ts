// npm run kafka -- [--brokers 1|3]   Starts a local Kafka cluster, prints its bootstrap address, stops on Ctrl-C.
import { parseArgs } from "node:util";
import { startKafka } from "./launcher.js";

const { values } = parseArgs({ options: { brokers: { type: "string", default: "1" } } });
const brokers = Number(values.brokers);
if (brokers !== 1 && brokers !== 3) {
  console.error(`--brokers must be 1 or 3, got ${values.brokers}`);
  process.exit(2);
}

const started = Date.now();
const cluster = await startKafka({ brokers });
console.log(`Kafka ${cluster.version}, ${brokers} broker(s), ready in ${((Date.now() - started) / 1000).toFixed(1)}s`);
console.log(`bootstrap: ${cluster.bootstrap}`);
console.log(`logs:      ${cluster.logDir}`);

let stopping = false;
const stop = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  console.log(`${signal}: stopping Kafka...`);
  await cluster.stop();
  process.exit(0);
};
process.on("SIGINT", () => void stop("SIGINT"));
process.on("SIGTERM", () => void stop("SIGTERM"));
// The JVMs are unref'd; this keeps the CLI alive until a signal arrives.
setInterval(() => undefined, 1 << 30);
