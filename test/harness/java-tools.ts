// Runs Kafka's own command-line tools (from the fetched jars) against a cluster or the gateway.
import { finished } from "node:stream/promises";
import { kafkaLine, kafkaVersionFromEnv, ensureKafka } from "../../scripts/kafka/fetch.js";
import { killGroup, spawnJvm, type Jvm } from "../../scripts/kafka/jvm.js";

/** Main class per logical tool name; `[v3, v4]` where the class moved in Kafka 4.0. */
const TOOL_CLASSES = {
  "console-producer": ["kafka.tools.ConsoleProducer", "org.apache.kafka.tools.ConsoleProducer"],
  "console-consumer": "org.apache.kafka.tools.consumer.ConsoleConsumer",
  "topics": "org.apache.kafka.tools.TopicCommand",
  "configs": ["kafka.admin.ConfigCommand", "org.apache.kafka.tools.ConfigCommand"],
  "consumer-groups": "org.apache.kafka.tools.consumer.group.ConsumerGroupCommand",
  "acls": ["kafka.admin.AclCommand", "org.apache.kafka.tools.AclCommand"],
  "get-offsets": "org.apache.kafka.tools.GetOffsetShell",
  "delete-records": "org.apache.kafka.tools.DeleteRecordsCommand",
  "producer-perf": "org.apache.kafka.tools.ProducerPerformance",
  "consumer-perf": "org.apache.kafka.tools.ConsumerPerformance",
  "transactional-copier": "org.apache.kafka.tools.TransactionalMessageCopier",
  "verifiable-producer": "org.apache.kafka.tools.VerifiableProducer",
  "verifiable-consumer": "org.apache.kafka.tools.VerifiableConsumer",
} as const satisfies Record<string, string | readonly [string, string]>;

export type KafkaTool = keyof typeof TOOL_CLASSES;

export function kafkaToolClass(tool: KafkaTool, version: string): string {
  const entry: string | readonly [string, string] = TOOL_CLASSES[tool];
  return typeof entry === "string" ? entry : entry[kafkaLine(version) === 3 ? 0 : 1];
}

export interface KafkaToolOptions {
  /** Default: env BULKHEAD_KAFKA_VERSION, else 4.4.0. */
  version?: string;
  /** Extra JVM flags, e.g. a bigger heap for perf tools. Replaces the default heap/GC flags. */
  jvmOptions?: string[];
}

export interface RunKafkaToolOptions extends KafkaToolOptions {
  timeoutMs: number;
  /** Written to the tool's stdin, which is then closed (e.g. lines for console-producer). */
  input?: string | Buffer;
}

export interface KafkaToolResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Starts a long-running tool (verifiable-consumer, perf tests...). Stop it with `jvm.stop()`. */
export async function spawnKafkaTool(tool: KafkaTool, args: readonly string[], options: KafkaToolOptions = {}): Promise<Jvm> {
  const version = options.version ?? kafkaVersionFromEnv();
  await ensureKafka(version);
  return spawnJvm({
    version, mainClass: kafkaToolClass(tool, version), args, log: { kind: "tools" },
    stdio: ["pipe", "pipe", "pipe"], jvmOptions: options.jvmOptions,
  });
}

/** Runs a tool to completion. Rejects, with what the tool printed, if it outlives timeoutMs. */
export async function runKafkaTool(tool: KafkaTool, args: readonly string[], options: RunKafkaToolOptions): Promise<KafkaToolResult> {
  const jvm = await spawnKafkaTool(tool, args, options);
  const { child } = jvm;
  let stdout = "";
  let stderr = "";
  child.stdout!.setEncoding("utf8").on("data", (d: string) => (stdout += d));
  child.stderr!.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  child.stdin!.end(options.input ?? "");

  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<"timeout">((r) => (timer = setTimeout(r, options.timeoutMs, "timeout")));
  const outcome = await Promise.race([jvm.exited, timedOut]);
  clearTimeout(timer);
  if (outcome === "timeout") {
    killGroup(jvm.pgid, "SIGKILL");
    await jvm.exited.catch(() => undefined);
    throw new Error(`kafka tool ${tool} ${args.join(" ")} still running after ${options.timeoutMs} ms\n` +
      `stdout:\n${stdout.slice(-2000)}\nstderr:\n${stderr.slice(-2000)}`);
  }
  // Output can still be in flight after the process has exited.
  await Promise.all([finished(child.stdout!), finished(child.stderr!)]);
  return { code: outcome, stdout, stderr };
}
