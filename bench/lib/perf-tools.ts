// Runs Kafka's ProducerPerformance and ConsumerPerformance and parses what they print.
import { DEFAULT_JVM_OPTIONS } from "../../scripts/kafka/jvm.js";
import { runKafkaTool, type KafkaTool } from "../../test/harness/java-tools.js";
import { parseConsumerPerf, parseProducerPerf, type ConsumerPerfResult, type ProducerPerfResult } from "./perf-output.js";

const TOOL_TIMEOUT_MS = 10 * 60_000;
// An English locale, so the tools print decimal points (their CSV would break on decimal commas).
const JVM_OPTIONS = [...DEFAULT_JVM_OPTIONS, "-Duser.language=en", "-Duser.country=US"];

/** Runs a tool to completion and returns stdout + stderr; a non-zero exit is an error unless allowed. */
async function runTool(version: string, tool: KafkaTool, args: string[], opts: { allowFailure?: boolean } = {}): Promise<string> {
  const result = await runKafkaTool(tool, args, { version, jvmOptions: JVM_OPTIONS, timeoutMs: TOOL_TIMEOUT_MS });
  const output = `${result.stdout}\n${result.stderr}`;
  if (result.code !== 0 && !opts.allowFailure) {
    throw new Error(`kafka tool ${tool} ${args.join(" ")} exited with code ${result.code}:\n${output.slice(-4000)}`);
  }
  return output;
}

export interface ProducePerfOptions {
  bootstrap: string;
  topic: string;
  records: number;
  recordSize: number;
  /** Extra producer properties; acks=all is always set. */
  props?: Record<string, string | number>;
}

export async function runProducerPerf(version: string, o: ProducePerfOptions): Promise<ProducerPerfResult> {
  const props = { "bootstrap.servers": o.bootstrap, acks: "all", ...o.props };
  // --producer-props exists on 3.x and 4.x (deprecated, still accepted, on 4.x).
  const output = await runTool(version, "producer-perf", [
    "--topic", o.topic, "--num-records", String(o.records), "--record-size", String(o.recordSize),
    "--throughput", "-1", "--print-metrics", "--producer-props", ...Object.entries(props).map(([k, v]) => `${k}=${v}`),
  ]);
  const result = parseProducerPerf(output);
  if (result.records !== o.records) throw new Error(`ProducerPerformance sent ${result.records} of ${o.records} records:\n${output}`);
  return result;
}

export interface ConsumePerfOptions {
  bootstrap: string;
  topic: string;
  records: number;
  group: string;
  /** Longest gap between returned records before the tool gives up. */
  timeoutMs?: number;
}

const recordCountFlag = new Map<string, Promise<string>>();

/** 4.x names the record count --num-records (--messages deprecated); 3.x knows only --messages. Ask the tool. */
function consumerRecordCountFlag(version: string): Promise<string> {
  let flag = recordCountFlag.get(version);
  if (!flag) {
    flag = runTool(version, "consumer-perf", ["--help"], { allowFailure: true }).then((help) =>
      help.includes("--num-records") ? "--num-records" : "--messages",
    );
    recordCountFlag.set(version, flag);
  }
  return flag;
}

export async function runConsumerPerf(version: string, o: ConsumePerfOptions): Promise<ConsumerPerfResult> {
  const output = await runTool(version, "consumer-perf", [
    "--bootstrap-server", o.bootstrap, "--topic", o.topic, await consumerRecordCountFlag(version), String(o.records),
    "--group", o.group, "--timeout", String(o.timeoutMs ?? 30_000), "--print-metrics",
  ]);
  const result = parseConsumerPerf(output);
  if (result.records < o.records) throw new Error(`ConsumerPerformance read ${result.records} of ${o.records} records:\n${output}`);
  return result;
}
