/**
 * A smoke run of the end-to-end bench (npm run bench:e2e) on a few records against the tests' cluster. The bench
 * is no part of CI, but it must keep working: through the gateway, and through its Kroxylicious peers wherever a
 * Java 21+ JDK is found (without one, the test checks that the bench says why it left them out).
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { findJdk21 } from "../../bench/lib/kroxylicious.js";
import { REPO_ROOT } from "../../scripts/kafka/fetch.js";
import { kafkajsClient } from "../harness/clients.js";

/** Enough bytes that even a 10 ms CPU clock tick (how /proc counts a JVM's time) sees every proxy work. */
const RECORDS = 5_000;
/** A first Maven fetch and javac, six tool JVMs per target and two proxy JVMs on a loaded 2-core machine. */
const RUN_TIMEOUT_MS = 12 * 60_000;

const jdk = findJdk21();
const noJdk = "missing" in jdk ? jdk.missing : undefined;
if (noJdk !== undefined) console.warn(`bench smoke: the Kroxylicious peers are not covered here: ${noJdk}`);

const NUMBER = String.raw`(-|[\d,]+(?:\.\d+)?)`;
/** One row of the bench's side-by-side table, as numbers (NaN for "-"): MB/s, ratio, CPU ms/MiB, produce then consume. */
function proxyRow(output: string, target: string): number[] {
  const m = new RegExp(String.raw`^\| ${target} \| ${Array(6).fill(NUMBER).join(String.raw` \| `)} \|$`, "m").exec(output);
  if (!m) throw new Error(`no "${target}" row in the bench's output:\n${output.slice(-3000)}`);
  return m.slice(1).map((v) => (v === "-" ? Number.NaN : Number(v.replaceAll(",", ""))));
}

/** One row of the small-requests table: answers/s, proxy CPU ms per s, CPU relative to Kroxylicious, p50, p99 (NaN for "-"). */
function smallRequestsRow(output: string, target: string): number[] {
  const m = new RegExp(String.raw`^\| ${target} \| ${Array(5).fill(NUMBER).join(String.raw` \| `)} \| [^|]+ \|$`, "m").exec(output.slice(output.indexOf("## Small requests")));
  if (!m) throw new Error(`no "${target}" row in the bench's small-requests table:\n${output.slice(-3000)}`);
  return m.slice(1).map((v) => (v === "-" ? Number.NaN : Number(v.replaceAll(",", ""))));
}

async function listTopics(bootstrap: string): Promise<string[]> {
  const admin = kafkajsClient(bootstrap, "bench-smoke").admin();
  await admin.connect();
  try {
    return await admin.listTopics();
  } finally {
    await admin.disconnect();
  }
}

describe("npm run bench:e2e, smoke run", () => {
  const kafka = inject("kafka");
  let output = "";
  let newTopics: string[] = [];

  beforeAll(async () => {
    const before = new Set(await listTopics(kafka.bootstrap));
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ["--import", "tsx", "bench/e2e.ts"], {
      cwd: REPO_ROOT,
      timeout: RUN_TIMEOUT_MS,
      maxBuffer: 64 * 1024 * 1024,
      env: {
        ...process.env,
        BULKHEAD_BENCH_BOOTSTRAP: kafka.bootstrap,
        BULKHEAD_KAFKA_VERSION: kafka.version,
        BULKHEAD_BENCH_RECORDS: String(RECORDS),
        BULKHEAD_BENCH_WARMUP_RECORDS: "1000",
        BULKHEAD_BENCH_ROUNDS: "1",
        BULKHEAD_BENCH_PARTITIONS: "3",
        BULKHEAD_BENCH_KROXYLICIOUS: "", // never "off" here, whatever the caller's environment says
        BULKHEAD_BENCH_SMALL: "",
        BULKHEAD_BENCH_SMALL_RATE: "500",
        BULKHEAD_BENCH_SMALL_SECONDS: "2",
      },
    }).catch((err: unknown) => {
      const e = err as { stdout?: string; stderr?: string; message: string };
      throw new Error(`bench:e2e failed: ${e.message}\nstdout:\n${(e.stdout ?? "").slice(-6000)}\nstderr:\n${(e.stderr ?? "").slice(-4000)}`);
    });
    output = `${stdout}\n${stderr}`;
    newTopics = (await listTopics(kafka.bootstrap)).filter((t) => !before.has(t));
  }, RUN_TIMEOUT_MS + 60_000);

  afterAll(async () => {
    if (newTopics.length === 0) return;
    const admin = kafkajsClient(kafka.bootstrap, "bench-smoke").admin();
    await admin.connect();
    await admin.deleteTopics({ topics: newTopics }).finally(() => admin.disconnect());
  });

  test("reports direct and the gateway: MB/s, the ratio to direct, the gateway's CPU per MiB", () => {
    const [produceMb, produceRatio, produceCpu, consumeMb, consumeRatio, consumeCpu] = proxyRow(output, "gateway");
    expect(produceMb).toBeGreaterThan(0);
    expect(consumeMb).toBeGreaterThan(0);
    expect(produceRatio).toBeGreaterThan(0);
    expect(consumeRatio).toBeGreaterThan(0);
    expect(produceCpu).toBeGreaterThan(0);
    expect(consumeCpu).toBeGreaterThan(0);
    expect(proxyRow(output, "direct")[1]).toBe(1);
    // Through the gateway's tenant "bench" (prefix "bench.").
    expect(newTopics).toContainEqual(expect.stringMatching(/^bench\.bench-\w+-1-gateway$/));
  });

  test("reports the small-requests phase: every request answered, the gateway's CPU and the latency it adds", () => {
    const [directAnswered, , , directP50] = smallRequestsRow(output, "direct");
    const [answered, cpuMsPerSecond, , p50, p99] = smallRequestsRow(output, "gateway");
    expect(directAnswered).toBe(500);
    expect(answered).toBe(500);
    expect(directP50).toBeGreaterThan(0);
    expect(p50).toBeGreaterThan(0);
    expect(p99).toBeGreaterThanOrEqual(p50!);
    expect(cpuMsPerSecond).toBeGreaterThan(0);
    expect(output).toMatch(/^gateway requests per second in that phase \(its own counter\): [\d,]+$/m);
  });

  // One test either way (nothing is reported skipped): the peers' rows where a Java 21+ JDK is found, else the
  // bench's line saying why it left them out.
  test(`reports Kroxylicious in passthrough and multi-tenant mode, or says why it can't${noJdk === undefined ? "" : ` (here: ${noJdk})`}`, () => {
    if (noJdk !== undefined) {
      expect(output).toContain("Kroxylicious peers skipped: ");
      return;
    }
    for (const target of ["kroxylicious-passthrough", "kroxylicious-multitenant"]) {
      const [produceMb, produceRatio, produceCpu, consumeMb, consumeRatio, consumeCpu] = proxyRow(output, target);
      expect(produceMb, target).toBeGreaterThan(0);
      expect(consumeMb, target).toBeGreaterThan(0);
      expect(produceRatio, target).toBeGreaterThan(0);
      expect(consumeRatio, target).toBeGreaterThan(0);
      expect(produceCpu, target).toBeGreaterThan(0);
      expect(consumeCpu, target).toBeGreaterThan(0);
      const [answered, smallCpu] = smallRequestsRow(output, target);
      expect(answered, target).toBe(500);
      expect(smallCpu, target).toBeGreaterThan(0);
    }
    // Passthrough leaves names alone; the multi-tenant filter prefixes them with its virtual cluster's name.
    expect(newTopics).toContainEqual(expect.stringMatching(/^bench-\w+-1-kroxylicious-passthrough$/));
    expect(newTopics).toContainEqual(expect.stringMatching(/^bench-bench-\w+-1-kroxylicious-multitenant$/));
  });
});
