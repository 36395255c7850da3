/**
 * kcat (librdkafka's command-line client, a Debian package) for integration tests: run it, and
 * parse the plain-text metadata listing of `kcat -L` into brokers and partition leaders.
 */
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runProcess, type ProcessResult, type RunOptions } from "./clients.js";

/** Runs `kcat <args>`; quiet by default so stdout holds only data. */
export function runKcat(args: readonly string[], opts: RunOptions = {}): Promise<ProcessResult> {
  return runProcess("kcat", ["-q", ...args], { timeoutMs: 60_000, ...opts });
}

/**
 * Runs kcat with host names of our own resolving to 127.0.0.1 (SNI routing's per-broker names): in a private mount
 * namespace (`unshare`, util-linux) whose /etc/hosts lists them, so neither the machine's file nor DNS is touched.
 */
export async function runKcatWithHosts(names: readonly string[], args: readonly string[], opts: RunOptions = {}): Promise<ProcessResult> {
  const dir = await mkdtemp(join(tmpdir(), "bulkhead-hosts-"));
  const hosts = join(dir, "hosts");
  await writeFile(hosts, `127.0.0.1 localhost\n${names.map((name) => `127.0.0.1 ${name}`).join("\n")}\n`);
  const script = 'mount --bind "$0" /etc/hosts && exec kcat -q "$@"';
  return runProcess("unshare", ["--map-root-user", "--mount", "sh", "-c", script, hosts, ...args], { timeoutMs: 60_000, ...opts });
}

export interface KcatBroker {
  nodeId: number;
  /** "host:port" as the cluster advertised it. */
  address: string;
}

export interface KcatPartition {
  partition: number;
  leader: number;
  replicas: number[];
}

export interface KcatMetadata {
  /** The broker that answered the Metadata request ("host:port"). */
  answeredBy: string;
  brokers: KcatBroker[];
  topics: Map<string, KcatPartition[]>;
}

// "Metadata for all topics (from broker 1: 127.0.0.1:9092/1):" — the answering broker may be "-1: …/bootstrap".
const HEADER = /^Metadata for .* \(from broker -?\d+: (\S+?)\/\S+\):$/;
// "  broker 1 at 127.0.0.1:9092 (controller)"
const BROKER = /^\s+broker (-?\d+) at (\S+)/;
// '  topic "name" with 6 partitions:'
const TOPIC = /^\s+topic "([^"]+)" with \d+ partitions:/;
// "    partition 0, leader 2, replicas: 2,3,1, isrs: 2,3,1"
const PARTITION = /^\s+partition (\d+), leader (-?\d+), replicas: (\d+(?:,\d+)*)?/;

/** Parses `kcat -L` output; throws on a listing without its header line so a changed format fails loudly. */
export function parseKcatMetadata(text: string): KcatMetadata {
  let answeredBy: string | undefined;
  const brokers: KcatBroker[] = [];
  const topics = new Map<string, KcatPartition[]>();
  let currentTopic: KcatPartition[] | undefined;
  for (const line of text.split("\n")) {
    let m: RegExpMatchArray | null;
    if ((m = line.match(HEADER))) {
      answeredBy = m[1];
    } else if ((m = line.match(BROKER))) {
      brokers.push({ nodeId: Number(m[1]), address: m[2] });
    } else if ((m = line.match(TOPIC))) {
      currentTopic = [];
      topics.set(m[1], currentTopic);
    } else if ((m = line.match(PARTITION)) && currentTopic) {
      currentTopic.push({
        partition: Number(m[1]),
        leader: Number(m[2]),
        replicas: m[3] ? m[3].split(",").map(Number) : [],
      });
    }
  }
  if (answeredBy === undefined) throw new Error(`not a kcat -L listing:\n${text.slice(0, 2000)}`);
  return { answeredBy, brokers, topics };
}
