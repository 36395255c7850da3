// No secret in any log line, metric or error: the real `bulkhead start` with debug logging, credentials referenced
// from an environment variable and a file, a TLS key from a file; kafkajs authenticates (SCRAM and PLAIN) and fails
// with a wrong password; then everything the gateway wrote, and its /metrics, are scanned for every secret it was given.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Kafka, logLevel, type SASLOptions } from "kafkajs";
import { afterAll, describe, expect, inject, it } from "vitest";
import { stringify } from "yaml";
import { makeTestCertificates } from "../../scripts/tls/certificates.js";
import { formatScramCredential } from "../../src/security/credential-format.js";
import { scramCredential } from "../../src/security/scram.js";
import { freePortRange } from "../harness/gateway.js";
import { waitUntil } from "../harness/wait.js";

const ROOT = new URL("../../", import.meta.url).pathname;
const PASSWORD = "s3cret-Passw0rd-for-the-scan";
const WRONG = "wr0ng-Passw0rd-for-the-scan";

describe("secrets never reach logs or metrics", () => {
  const kafka = inject("kafka");
  const cleanups: (() => void)[] = [];
  afterAll(() => {
    for (const cleanup of cleanups) cleanup();
  });

  it("scans everything the gateway wrote during successful and failed authentications", async () => {
    const certs = await makeTestCertificates();
    const sha256 = formatScramCredential(scramCredential("SCRAM-SHA-256", PASSWORD));
    const sha512 = formatScramCredential(scramCredential("SCRAM-SHA-512", PASSWORD));
    await writeFile(join(certs.dir, "alice-256"), sha256);
    await writeFile(join(certs.dir, "server.pem"), certs.certificate);
    const base = await freePortRange(kafka.brokers.length + 4);
    const controlPort = base + kafka.brokers.length + 3;
    const config = {
      clusters: [{ name: "shared", bootstrap: kafka.bootstrap }],
      virtualClusters: [
        {
          name: "vault",
          cluster: "shared",
          prefix: `vault-${base}.`,
          users: [{ name: "alice", scramSha256: { file: "alice-256" }, scramSha512: { env: "BULKHEAD_TEST_ALICE_512" } }],
          listeners: [
            {
              name: "sasl-tls",
              bind: "127.0.0.1",
              bootstrapPort: base,
              brokerPorts: `${base + 1}-${base + kafka.brokers.length + 2}`,
              nodeIdBase: Math.min(...kafka.brokers.map((b) => b.nodeId)),
              advertisedHost: "127.0.0.1",
              security: "sasl_tls",
              saslMechanisms: ["PLAIN", "SCRAM-SHA-512"],
              tls: { certificate: { file: "server.pem" }, privateKey: { env: "BULKHEAD_TEST_TLS_KEY" } },
            },
          ],
        },
      ],
      control: { listen: `127.0.0.1:${controlPort}` },
    };
    const file = join(certs.dir, "gateway.yaml");
    await writeFile(file, stringify(config));
    expect(stringify(config)).not.toContain(PASSWORD); // the file holds references only

    const child = spawn(process.execPath, ["--import", "tsx", "src/cli.ts", "start", file], {
      cwd: ROOT,
      env: { ...process.env, BULKHEAD_LOG_LEVEL: "debug", BULKHEAD_TEST_ALICE_512: sha512, BULKHEAD_TEST_TLS_KEY: certs.privateKey },
      stdio: ["ignore", "pipe", "pipe"],
    });
    cleanups.push(() => child.kill("SIGKILL"));
    let output = "";
    child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
    child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
    await waitUntil(() => output.includes('"msg":"bulkhead started"'), { what: () => `the gateway to start: ${output.slice(-2000)}`, timeoutMs: 60_000 });

    const client = (sasl: SASLOptions) =>
      new Kafka({ clientId: "secrets-scan", brokers: [`127.0.0.1:${base}`], ssl: { ca: [certs.ca] }, sasl, logLevel: logLevel.NOTHING, retry: { retries: 0 } }).admin();
    for (const sasl of [
      { mechanism: "scram-sha-512", username: "alice", password: PASSWORD },
      { mechanism: "plain", username: "alice", password: PASSWORD },
    ] as SASLOptions[]) {
      const admin = client(sasl);
      await admin.connect();
      await admin.listTopics();
      await admin.disconnect();
    }
    for (const sasl of [
      { mechanism: "scram-sha-512", username: "alice", password: WRONG },
      { mechanism: "plain", username: "alice", password: WRONG },
    ] as SASLOptions[]) {
      const admin = client(sasl);
      await expect(admin.connect()).rejects.toThrow("Authentication failed: invalid username or password");
      await admin.disconnect();
    }
    const metrics = await (await fetch(`http://127.0.0.1:${controlPort}/metrics`)).text();
    expect(metrics).toMatch(/bulkhead_authentications_total\{virtual_cluster="vault",mechanism="SCRAM-SHA-512",result="ok"\} [1-9]/);
    expect(metrics).toMatch(/bulkhead_authentications_total\{virtual_cluster="vault",mechanism="PLAIN",result="failed"\} [1-9]/);
    child.kill("SIGTERM");
    await once(child, "close");

    // The scan is only worth something if the gateway logged the authentications at all.
    expect(output).toContain('"msg":"authenticated"');
    expect(output).toContain('"msg":"authentication failed"');
    const keyLines = certs.privateKey.split("\n").filter((line) => line.length > 40);
    const secrets = [PASSWORD, WRONG, sha256, sha512, ...[sha256, sha512].flatMap((c) => c.split(",").map((part) => part.split("=").slice(1).join("="))).filter((v) => v.length > 16), ...keyLines];
    for (const text of [output, metrics]) {
      for (const secret of secrets) expect(text.includes(secret), `a secret (${secret.slice(0, 6)}…) was written`).toBe(false);
    }
  }, 180_000);
});
