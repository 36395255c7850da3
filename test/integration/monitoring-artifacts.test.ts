// The shipped monitoring artifacts against a real gateway: every alert rule in config/prometheus/alerts.yaml and every
// query of the Grafana dashboard (config/grafana/bulkhead.json) is valid PromQL (Prometheus's own lezer grammar), and
// every metric they name has samples in the gateway's /metrics once real traffic has made each of them happen: a
// tenant with SASL, an ACL, a denied API, byte-rate limits and caps, another on a physical cluster that is down, and
// a config reload. Label values in the expressions (result="failed", ...) are not checked, only metric names.
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parser } from "@prometheus-io/lezer-promql";
import { Kafka, logLevel } from "kafkajs";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { parse, stringify } from "yaml";
import { YamlFileStore } from "../../src/config/yaml-file-store.js";
import { startGateway, type Gateway } from "../../src/gateway.js";
import { ApiKey } from "../../src/protocol/messages/index.js";
import { formatScramCredential } from "../../src/security/credential-format.js";
import { scramCredential } from "../../src/security/scram.js";
import { kafkajsClient, uniqueName } from "../harness/clients.js";
import { freePort, freePortRange } from "../harness/gateway.js";
import { RawKafkaConnection } from "../harness/raw-client.js";
import { createTopicsAndWait } from "../harness/topic-propagation.js";
import { waitUntil } from "../harness/wait.js";

const ALERTS = new URL("../../config/prometheus/alerts.yaml", import.meta.url);
const DASHBOARD = new URL("../../config/grafana/bulkhead.json", import.meta.url);
const PASSWORD = "metrics-pa55word";

interface Rule {
  alert: string;
  expr: string;
}

/** The metric names an expression selects, or the parse error's position. */
function metricNames(expr: string): { names: string[]; errorAt?: number } {
  const names: string[] = [];
  let errorAt: number | undefined;
  parser.parse(expr).iterate({
    enter: (node) => {
      if (node.type.isError) errorAt ??= node.from;
      if (node.name === "Identifier" && node.node.parent?.name === "VectorSelector") names.push(expr.slice(node.from, node.to));
    },
  });
  return { names, errorAt };
}

/** A Grafana query as Prometheus gets it: Grafana's own range variables replaced ($tenant sits inside a string). */
const asPrometheusSees = (expr: string) => expr.replaceAll("$__rate_interval", "5m").replaceAll("$__range", "1h");

async function alertRules(): Promise<Rule[]> {
  const document = parse(await readFile(ALERTS, "utf8")) as { groups: { rules: Rule[] }[] };
  return document.groups.flatMap((g) => g.rules);
}

async function dashboardQueries(): Promise<{ where: string; expr: string }[]> {
  const dashboard = JSON.parse(await readFile(DASHBOARD, "utf8")) as {
    panels: { title: string; targets: { expr: string }[] }[];
    templating: { list: { name: string; query?: { query: string } | string }[] };
  };
  const panels = dashboard.panels.flatMap((p) => p.targets.map((t) => ({ where: `panel "${p.title}"`, expr: asPrometheusSees(t.expr) })));
  // label_values(metric, label) is Grafana's, not PromQL: its metric is the part that must exist.
  const variables = dashboard.templating.list
    .map((v) => (typeof v.query === "object" ? v.query.query : undefined))
    .filter((q): q is string => q !== undefined)
    .map((q) => ({ where: "the tenant variable", expr: q.replace(/^label_values\((\w+),\s*\w+\)$/, "$1") }));
  return [...panels, ...variables];
}

describe("monitoring artifacts", () => {
  it("the alert rules cover what the issue asks, and every rule and dashboard query is valid PromQL", async () => {
    const rules = await alertRules();
    expect(rules.map((r) => r.alert)).toEqual([
      "BulkheadTenantNearByteRateQuota",
      "BulkheadTenantNearCap",
      "BulkheadAuthenticationFailureSpike",
      "BulkheadUpstreamUnreachable",
      "BulkheadGatewayAddedLatencyHigh",
      "BulkheadConfigReloadFailed",
    ]);
    const queries = [...rules.map((r) => ({ where: `alert ${r.alert}`, expr: r.expr })), ...(await dashboardQueries())];
    expect(queries.length).toBeGreaterThan(rules.length);
    for (const { where, expr } of queries) {
      const { names, errorAt } = metricNames(expr);
      expect(errorAt, `${where}: syntax error at ${errorAt} in ${expr}`).toBeUndefined();
      expect(names.length, `${where} selects no metric`).toBeGreaterThan(0);
    }
    // The parser does catch mistakes (a test that could not fail would prove nothing).
    expect(metricNames("sum(rate(bulkhead_requests_total[5m]) by (api)").errorAt).toBeDefined();
  });

  describe("against a gateway with real traffic", () => {
    const kafka = inject("kafka");
    const tag = uniqueName("mon").slice(4);
    const nodeIdBase = Math.min(...kafka.brokers.map((b) => b.nodeId));
    const brokerCount = kafka.brokers.length;
    const cleanups: (() => Promise<unknown>)[] = [];
    let gateway: Gateway;
    let file: string;

    async function listener(name: string, extra: Record<string, unknown> = {}) {
      const first = await freePortRange(brokerCount + 1);
      return { name, bind: "127.0.0.1", bootstrapPort: first, brokerPorts: `${first + 1}-${first + brokerCount}`, nodeIdBase, advertisedHost: "127.0.0.1", ...extra };
    }

    const bootstrapOf = (vc: string, name: string) => {
      const l = gateway.runtime.config.virtualClusters.find((v) => v.name === vc)!.listeners.find((x) => x.name === name)!;
      return `127.0.0.1:${l.bootstrapPort}`;
    };

    const scrape = async () => (await fetch(`http://${gateway.controlAddress.host}:${gateway.controlAddress.port}/metrics`)).text();
    const sampled = (text: string) => new Set([...text.matchAll(/^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{[^}]*\})? /gm)].map((m) => m[1]!));

    beforeAll(async () => {
      const dir = await mkdtemp(join(tmpdir(), "bulkhead-monitoring-"));
      file = join(dir, "gateway.yaml");
      const document = {
        clusters: [
          { name: "shared", bootstrap: kafka.bootstrap },
          { name: "gone", bootstrap: `127.0.0.1:${await freePort()}` }, // nothing listens there
        ],
        virtualClusters: [
          {
            name: "watched",
            cluster: "shared",
            prefix: `watched-${tag}.`,
            listeners: [await listener("plain"), await listener("sasl", { security: "sasl_plaintext", saslMechanisms: ["SCRAM-SHA-512"] })],
            users: [{ name: "alice", scramSha512: formatScramCredential(scramCredential("SCRAM-SHA-512", PASSWORD)) }],
            acls: { allowIfNoAclFound: true, rules: [{ principal: "User:*", resourceType: "topic", name: "secret", operations: ["ALL"], permission: "deny" }] },
            deniedApis: ["DeleteTopics"],
            limits: { maxConnections: 100, tenantByteRate: { produce: "16KiB/s", fetch: "64MiB/s" } },
          },
          { name: "stranded", cluster: "gone", prefix: `stranded-${tag}.`, listeners: [await listener("plain")] },
        ],
        control: { listen: `127.0.0.1:${await freePort()}`, tokens: [] },
        log: { level: "error" },
      };
      await writeFile(file, stringify(document));
      const store = new YamlFileStore(file);
      const { config, text } = await store.read();
      gateway = await startGateway(config, { store: { store, text }, connectTimeoutMs: 2_000 });
      cleanups.push(() => gateway.close(0));
    });

    afterAll(async () => {
      for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    });

    it("has samples in /metrics for every metric the rules and the dashboard use", async () => {
      const quiet = { retry: { retries: 0 }, logLevel: logLevel.NOTHING };
      const client = kafkajsClient(bootstrapOf("watched", "plain"), "monitoring");
      const admin = client.admin();
      await admin.connect();
      cleanups.push(() => admin.disconnect());
      await createTopicsAndWait(admin, [{ topic: "events", numPartitions: 1, replicationFactor: 1 }]);

      // Produce past the 16 KiB/s tenant rate: throttled (KIP-219), and the bucket's use above 1.
      const producer = client.producer();
      await producer.connect();
      cleanups.push(() => producer.disconnect());
      for (let i = 0; i < 3; i++) await producer.send({ topic: "events", messages: [{ value: Buffer.alloc(16 * 1024, i) }] });
      const consumer = client.consumer({ groupId: `monitoring-${tag}`, maxWaitTimeInMs: 100 });
      await consumer.connect();
      cleanups.push(() => consumer.disconnect());
      await consumer.subscribe({ topic: "events", fromBeginning: true });
      let consumed = 0;
      await consumer.run({ eachMessage: async () => void consumed++ });
      await waitUntil(() => consumed === 3, { what: "the messages consumed" });

      // An ACL denial, a denied API, a failed login, a top-level error code, an unreachable cluster, a reload.
      await expect(admin.fetchTopicMetadata({ topics: ["secret"] })).rejects.toThrow();
      await expect(admin.deleteTopics({ topics: ["events"] })).rejects.toThrow();
      const intruder = new Kafka({ clientId: "monitoring-sasl", brokers: [bootstrapOf("watched", "sasl")], sasl: { mechanism: "scram-sha-512", username: "alice", password: "wrong" }, ...quiet });
      await expect(intruder.admin().connect()).rejects.toThrow();
      const raw = await RawKafkaConnection.connect(bootstrapOf("watched", "plain"));
      cleanups.push(async () => raw.close());
      const heartbeat = await raw.send<{ errorCode: number }>(ApiKey.Heartbeat, 4, { groupId: `nobody-${tag}`, generationId: 1, memberId: "nobody", groupInstanceId: null });
      expect(heartbeat.errorCode).not.toBe(0);
      const stranded = new Kafka({ clientId: "monitoring-stranded", brokers: [bootstrapOf("stranded", "plain")], connectionTimeout: 5_000, ...quiet });
      await expect(stranded.admin().connect()).rejects.toThrow();
      await writeFile(file, (await readFile(file, "utf8")).replace("maxConnections: 100", "maxConnections: many"));
      await expect(gateway.reload("api")).rejects.toThrow(/maxConnections/);

      const wanted = new Set<string>();
      for (const { expr } of [...(await alertRules()), ...(await dashboardQueries())]) for (const name of metricNames(expr).names) wanted.add(name);
      let missing: string[] = [];
      await waitUntil(
        async () => {
          const have = sampled(await scrape());
          missing = [...wanted].filter((name) => !have.has(name));
          return missing.length === 0;
        },
        { what: () => `samples of ${missing.join(", ")}`, timeoutMs: 30_000 },
      );
      expect(missing).toEqual([]);
      expect(wanted.size).toBeGreaterThanOrEqual(14);
    });
  });
});
