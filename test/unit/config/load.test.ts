import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { ConfigError, DEFAULT_TOPIC_CONFIG_ALLOWLIST, loadConfig, parseConfig } from "../../../src/config/index.js";

const EXAMPLE = new URL("../../../config/bulkhead.example.yaml", import.meta.url).pathname;

/** A minimal valid config as plain data; tests change one thing and serialise it to YAML. */
function base() {
  return {
    clusters: [{ name: "local", bootstrap: ["127.0.0.1:9092"] }],
    virtualClusters: [
      {
        name: "demo",
        cluster: "local",
        listeners: [{ name: "plain", bind: "0.0.0.0", bootstrapPort: 19092, brokerPorts: "19093-19095", advertisedHost: "localhost" }],
      },
    ] as Record<string, unknown>[],
  } as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- tests poke at arbitrary shapes
}

function secondVirtualCluster(listener: Record<string, unknown>) {
  return { name: "other", cluster: "local", listeners: [{ name: "plain", advertisedHost: "localhost", ...listener }] };
}

function issuesOf(text: string, fileName = "test.yaml") {
  try {
    parseConfig(text, fileName);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).issues.map(({ path, message }) => ({ path, message }));
  }
  throw new Error("expected a ConfigError");
}

describe("parseConfig: valid configs", () => {
  it("loads the documented example into a typed, deep-frozen snapshot", async () => {
    const config = await loadConfig(EXAMPLE);
    const plain = (bootstrapPort: number, first: number) => ({
      name: "plain",
      bind: "0.0.0.0",
      bootstrapPort,
      brokerPorts: { first, last: first + 2 },
      nodeIdBase: 0,
      advertisedHost: "localhost",
      security: "plaintext",
    });
    expect(config).toEqual({
      clusters: [{ name: "local", bootstrap: [{ host: "127.0.0.1", port: 9092 }] }],
      virtualClusters: [
        {
          name: "payments",
          cluster: "local",
          prefix: "payments.",
          topicConfigAllowlist: DEFAULT_TOPIC_CONFIG_ALLOWLIST,
          deniedApis: [],
          users: [],
          limits: {
            tenantByteRate: { produce: 50 * 1024 * 1024, fetch: 100 * 1024 * 1024 },
            topicByteRates: { prefixes: {}, topics: { bulk: { produce: 1024 * 1024, fetch: 2 * 1024 * 1024 } } },
          },
          listeners: [plain(19092, 19093)],
        },
        {
          name: "analytics",
          cluster: "local",
          prefix: "analytics.",
          topicConfigAllowlist: ["retention.ms", "retention.bytes", "cleanup.policy"],
          deniedApis: ["DeleteTopics", "DeleteRecords"],
          users: [],
          limits: {
            maxConnections: 200,
            connectionsPerSecond: 50,
            requestsPerSecond: 5000,
            maxTopics: 100,
            maxPartitions: 1000,
            maxRetainedBytes: 50 * 1024 ** 3,
            retainedBytesPollMs: 30000,
          },
          listeners: [plain(29092, 29093)],
        },
      ],
      sharedListeners: [],
      control: { listen: { host: "127.0.0.1", port: 9190 }, tokens: [], keepVersions: 100, keepEvents: 1000, maxInFlightPerToken: 16 },
      limits: { maxFrameBytes: 104857600, instances: 1 },
      shutdown: { drainTimeoutMs: 10000 },
      budgets: { requestBytes: 512 * 1024 * 1024, requestBytesPerVirtualCluster: 256 * 1024 * 1024, unfinishedRequestTimeoutMs: 30_000, firstRequestTimeoutMs: 10_000, idleTimeoutMs: 600_000 },
      log: { level: "info" },
      authentication: { sessionLifetimeMs: 0, failureDelayMs: 100, timeoutMs: 10000 },
    });
    expect(Object.isFrozen(config.virtualClusters[0]!.listeners[0]!.brokerPorts)).toBe(true);
    expect(() => ((config.limits as { maxFrameBytes: number }).maxFrameBytes = 1)).toThrow(TypeError);
  });

  it("fills defaults and accepts a comma-separated bootstrap and IPv6 addresses", () => {
    const data = base();
    data.clusters[0].bootstrap = "127.0.0.1:9092, [::1]:9093";
    data.control = { listen: "[::1]:9190" };
    data.virtualClusters[0].listeners[0].nodeIdBase = 100;
    const config = parseConfig(stringify(data), "test.yaml");
    expect(config.clusters[0]!.bootstrap).toEqual([{ host: "127.0.0.1", port: 9092 }, { host: "::1", port: 9093 }]);
    expect(config.control.listen).toEqual({ host: "::1", port: 9190 });
    expect(config.virtualClusters[0]!.listeners[0]!.nodeIdBase).toBe(100);
    expect(config.limits.maxFrameBytes).toBe(104857600);
    expect(config.shutdown.drainTimeoutMs).toBe(10000);
    expect(config.log.level).toBe("info");
  });

  it("defaults a virtual cluster's prefix to its name and a dot, and its topic config allowlist to the default set", () => {
    const config = parseConfig(stringify(base()), "test.yaml");
    expect(config.virtualClusters[0]!.prefix).toBe("demo.");
    expect(config.virtualClusters[0]!.topicConfigAllowlist).toEqual(DEFAULT_TOPIC_CONFIG_ALLOWLIST);
    expect(DEFAULT_TOPIC_CONFIG_ALLOWLIST).toContain("retention.ms");
    expect(DEFAULT_TOPIC_CONFIG_ALLOWLIST).not.toContain("unclean.leader.election.enable");
  });

  it("keeps an explicit prefix and allowlist (an empty allowlist lets the tenant set no topic config)", () => {
    const data = base();
    Object.assign(data.virtualClusters[0]!, { prefix: "team-7_", topicConfigAllowlist: [] });
    const config = parseConfig(stringify(data), "test.yaml");
    expect(config.virtualClusters[0]).toMatchObject({ prefix: "team-7_", topicConfigAllowlist: [] });
  });

  it("takes the APIs a virtual cluster may not use, by Kafka API name (default none)", () => {
    expect(parseConfig(stringify(base()), "test.yaml").virtualClusters[0]!.deniedApis).toEqual([]);
    const data = base();
    data.virtualClusters[0].deniedApis = ["DeleteTopics", "CreatePartitions"];
    expect(parseConfig(stringify(data), "test.yaml").virtualClusters[0]!.deniedApis).toEqual(["DeleteTopics", "CreatePartitions"]);
  });

  it("refuses a denied API that tenants can't use anyway, naming the path and the choices", () => {
    const data = base();
    data.virtualClusters[0].deniedApis = ["DeleteTopics", "CreateAcls"];
    const [issue] = issuesOf(stringify(data));
    expect(issue!.path).toBe("virtualClusters[0].deniedApis[1]");
    expect(issue!.message).toContain('"CreateAcls" is not an API tenants can use');
    expect(issue!.message).toContain("DeleteTopics");
  });

  it("lets prefixes overlap on different physical clusters", () => {
    const data = base();
    data.clusters.push({ name: "remote", bootstrap: ["10.0.0.1:9092"] });
    data.virtualClusters[0].prefix = "a.";
    data.virtualClusters.push({ ...vc2, cluster: "remote", prefix: "a.b." });
    expect(parseConfig(stringify(data), "test.yaml").virtualClusters.map((vc) => vc.prefix)).toEqual(["a.", "a.b."]);
  });

  it("accepts prefixes that only share a start short of either's end, and leading single underscores", () => {
    const data = base();
    data.virtualClusters[0].prefix = "_team.";
    data.virtualClusters.push({ ...vc2, prefix: "_tea." });
    expect(parseConfig(stringify(data), "test.yaml").virtualClusters).toHaveLength(2);
  });

  it("lets listeners on different specific addresses share ports", () => {
    const data = base();
    data.virtualClusters[0].listeners[0].bind = "127.0.0.1";
    data.virtualClusters.push(secondVirtualCluster({ bind: "10.0.0.1", bootstrapPort: 19092, brokerPorts: "19093-19095" }));
    expect(parseConfig(stringify(data), "test.yaml").virtualClusters).toHaveLength(2);
  });
});

type Edit = (data: Record<string, any>) => void; // eslint-disable-line @typescript-eslint/no-explicit-any
const L0 = "virtualClusters[0].listeners[0]";
const VC1P = "virtualClusters[1].prefix";
/** A valid second virtual cluster ("other") whose ports don't clash with base(). */
const vc2 = secondVirtualCluster({ bind: "0.0.0.0", bootstrapPort: 29092, brokerPorts: "29093-29095" });
/** base() plus vc2, with these two prefixes. */
const twoPrefixes = (first: string | undefined, second: string | undefined, name = "other"): Edit => (d) => {
  d.virtualClusters[0].prefix = first;
  d.virtualClusters.push({ ...vc2, name, prefix: second });
};
const listener0 = (d: Parameters<Edit>[0]) => d.virtualClusters[0].listeners[0];

describe("parseConfig: each problem names its path and reason", () => {
  const cases: [string, Edit, string, string | RegExp][] = [
    ["unknown key", (d) => (listener0(d).sslEnabled = true), `${L0}.sslEnabled`, "unknown key"],
    ["unknown top-level key", (d) => (d.virtualCluster = []), "virtualCluster", "unknown key"],
    ["tls listener without TLS material", (d) => (listener0(d).security = "tls"), `${L0}.tls`, "required for a tls listener (certificate and privateKey)"],
    [
      "client certificates asked for without a client CA",
      (d) => Object.assign(listener0(d), { security: "tls", tls: { certificate: "x", privateKey: "y", clientAuth: "required" } }),
      `${L0}.tls.clientCa`,
      "required when clientAuth is required",
    ],
    [
      "a principal mapping rule that doesn't parse",
      (d) => Object.assign(listener0(d), { security: "tls", tls: { certificate: "x", privateKey: "y", principalMappingRules: ["CN=(.*)"] } }),
      `${L0}.tls.principalMappingRules[0]`,
      /^expected "DEFAULT" or "RULE:pattern\/replacement\/"/,
    ],
    [
      "OAUTHBEARER offered without a token configuration",
      (d) => {
        d.virtualClusters[0].users = [{ name: "svc" }];
        Object.assign(listener0(d), { security: "sasl_plaintext", saslMechanisms: ["OAUTHBEARER"] });
      },
      `${L0}.oauthbearer`,
      /^required when saslMechanisms has OAUTHBEARER/,
    ],
    [
      "a JWKS that isn't one",
      (d) => Object.assign(listener0(d), { oauthbearer: { jwks: "{}", issuer: "i", audience: "a" } }),
      `${L0}.oauthbearer.jwks`,
      /is not a JWKS document/,
    ],
    ["SASL listener in a virtual cluster without users", (d) => (listener0(d).security = "sasl_plaintext"), `${L0}.security`, /needs users/],
    ["SASL mechanisms on a plaintext listener", (d) => (listener0(d).saslMechanisms = ["PLAIN"]), `${L0}.saslMechanisms`, /only for sasl_plaintext and sasl_tls/],
    [
      "a credential from an unset environment variable",
      (d) => (d.virtualClusters[0].users = [{ name: "alice", scramSha512: { env: "BULKHEAD_TEST_UNSET_VARIABLE" } }]),
      "virtualClusters[0].users[0].scramSha512",
      "the environment variable BULKHEAD_TEST_UNSET_VARIABLE is not set",
    ],
    [
      "a credential that isn't one (never echoed: it is a secret)",
      (d) => (d.virtualClusters[0].users = [{ name: "alice", scramSha256: "hunter2-secret" }]),
      "virtualClusters[0].users[0].scramSha256",
      /^not a SCRAM credential: expected salt=<base64>,stored_key=<base64>,server_key=<base64>,iterations=<n>$/,
    ],
    [
      "a TLS key from a file that isn't there",
      (d) => Object.assign(listener0(d), { security: "tls", tls: { certificate: "x", privateKey: { file: "/nonexistent/bulkhead.key" } } }),
      `${L0}.tls.privateKey`,
      "cannot read the file /nonexistent/bulkhead.key (ENOENT)",
    ],
    ["missing field", (d) => delete listener0(d).bind, `${L0}.bind`, "required (string)"],
    ["port per broker without its host", (d) => delete listener0(d).advertisedHost, `${L0}.advertisedHost`, "required (or sni, for SNI routing on the bootstrap port)"],
    ["port out of range", (d) => (listener0(d).bootstrapPort = 70000), `${L0}.bootstrapPort`, /1-65535/],
    ["port not an integer", (d) => (listener0(d).bootstrapPort = 19092.5), `${L0}.bootstrapPort`, /integer/],
    ["reversed range", (d) => (listener0(d).brokerPorts = "19095-19093"), `${L0}.brokerPorts`, "first port 19095 is above last port 19093"],
    ["range not a range", (d) => (listener0(d).brokerPorts = "19093"), `${L0}.brokerPorts`, /expected a port range "first-last"/],
    ["range out of range", (d) => (listener0(d).brokerPorts = "65535-65537"), `${L0}.brokerPorts`, /1-65535/],
    ["bad host:port", (d) => (d.clusters[0].bootstrap = ["127.0.0.1"]), "clusters[0].bootstrap[0]", /expected "host:port"/],
    ["empty bootstrap", (d) => (d.clusters[0].bootstrap = []), "clusters[0].bootstrap", /at least one/],
    ["bad control address", (d) => (d.control = { listen: "localhost:0" }), "control.listen", /1-65535/],
    ["bad log level", (d) => (d.log = { level: "loud" }), "log.level", /expected one of/],
    ["too small frame limit", (d) => (d.limits = { maxFrameBytes: 10 }), "limits.maxFrameBytes", /1024/],
    ["no listeners", (d) => (d.virtualClusters[0].listeners = []), "virtualClusters[0].listeners", /at least one listener/],
    ["unknown cluster", (d) => (d.virtualClusters[0].cluster = "remote"), "virtualClusters[0].cluster", 'unknown cluster "remote" (defined: local)'],
    [
      "duplicate cluster",
      (d) => d.clusters.push({ name: "local", bootstrap: ["10.0.0.1:9092"] }),
      "clusters[1].name",
      'duplicate cluster name "local" (first at clusters[0])',
    ],
    [
      "duplicate virtual cluster",
      (d) => d.virtualClusters.push({ ...vc2, name: "demo", prefix: "demo2." }),
      "virtualClusters[1].name",
      'duplicate virtual cluster name "demo" (first at virtualClusters[0])',
    ],
    [
      "duplicate listener",
      (d) => d.virtualClusters[0].listeners.push({ ...d.virtualClusters[0].listeners[0], bootstrapPort: 29092, brokerPorts: "29093-29095" }),
      "virtualClusters[0].listeners[1].name",
      'duplicate listener name "plain" (first at virtualClusters[0].listeners[0])',
    ],
    [
      "bootstrap port inside another virtual cluster's broker range",
      (d) => d.virtualClusters.push(secondVirtualCluster({ bind: "0.0.0.0", bootstrapPort: 19094, brokerPorts: "29093-29095" })),
      "virtualClusters[1].listeners[0].bootstrapPort",
      'port 19094 on "0.0.0.0" clashes with virtualClusters[0].listeners[0].brokerPorts (ports 19093-19095 on "0.0.0.0")',
    ],
    [
      "overlapping broker ranges, wildcard against a specific address",
      (d) => d.virtualClusters.push(secondVirtualCluster({ bind: "127.0.0.1", bootstrapPort: 29092, brokerPorts: "19095-19099" })),
      "virtualClusters[1].listeners[0].brokerPorts",
      'ports 19095-19099 on "127.0.0.1" clashes with virtualClusters[0].listeners[0].brokerPorts (ports 19093-19095 on "0.0.0.0")',
    ],
    [
      "a listener's bootstrap port inside its own broker range",
      (d) => (listener0(d).bootstrapPort = 19093),
      `${L0}.brokerPorts`,
      /clashes with virtualClusters\[0\]\.listeners\[0\]\.bootstrapPort/,
    ],
    ["empty prefix", (d) => (d.virtualClusters[0].prefix = ""), "virtualClusters[0].prefix", /must be non-empty/],
    ["prefix with a space", (d) => (d.virtualClusters[0].prefix = "pay ments."), "virtualClusters[0].prefix", /only letters, digits/],
    ["prefix with a slash", (d) => (d.virtualClusters[0].prefix = "pay/"), "virtualClusters[0].prefix", /Kafka's topic name characters/],
    ["prefix not a string", (d) => (d.virtualClusters[0].prefix = 7), "virtualClusters[0].prefix", /expected string/],
    [
      "prefix too long",
      (d) => (d.virtualClusters[0].prefix = `${"p".repeat(100)}.`),
      "virtualClusters[0].prefix",
      /is 101 characters; at most 100, to leave room .* 249-character topic name limit/,
    ],
    [
      "default prefix too long (from a long name)",
      (d) => (d.virtualClusters[0].name = "n".repeat(100)),
      "virtualClusters[0].prefix",
      /is 101 characters; at most 100/,
    ],
    [
      "prefix starting with __",
      (d) => (d.virtualClusters[0].prefix = "__tenant."),
      "virtualClusters[0].prefix",
      'prefix "__tenant." starts with "__", which Kafka reserves for internal topics',
    ],
    [
      "prefix of an internal topic",
      (d) => (d.virtualClusters[0].prefix = "_"),
      "virtualClusters[0].prefix",
      'prefix "_" is the start of the internal topic "__consumer_offsets"',
    ],
    [
      "prefix equal to the start of __transaction_state",
      (d) => (d.virtualClusters[0].prefix = "__transaction"),
      "virtualClusters[0].prefix",
      /starts with "__"/,
    ],
    [
      "prefix that Kafka reads as __ ('.' and '_' collide)",
      (d) => (d.virtualClusters[0].prefix = "_."),
      "virtualClusters[0].prefix",
      `prefix "_." reads as "__" once '.' and '_' are taken as alike, as Kafka does for topic names; names starting with "__" are reserved for internal topics`,
    ],
    [
      "prefix '.', read as the start of an internal topic",
      (d) => (d.virtualClusters[0].prefix = "."),
      "virtualClusters[0].prefix",
      `prefix "." is the start of the internal topic "__consumer_offsets" once '.' and '_' are taken as alike, as Kafka does for topic names`,
    ],
    [
      "overlapping prefixes (a. then a.b.)",
      twoPrefixes("a.", "a.b."),
      VC1P,
      `prefix "a.b." overlaps "a." of virtual cluster "demo" (virtualClusters[0].prefix) on cluster "local": ` +
        "one tenant's names would fall in the other's namespace; give each a prefix that does not start with the other",
    ],
    ["overlapping prefixes (a.b. then a.)", twoPrefixes("a.b.", "a."), VC1P, /^prefix "a\." overlaps "a\.b\." of virtual cluster "demo"/],
    ["equal prefixes", twoPrefixes("shared.", "shared."), VC1P, /^prefix "shared\." is the same as "shared\." of virtual cluster "demo"/],
    ["prefixes without separators", twoPrefixes("team", "team2"), VC1P, /^prefix "team2" overlaps "team"/],
    [
      "prefixes equal once '.' and '_' are alike",
      twoPrefixes("a.b.", "a_b_"),
      VC1P,
      /^prefix "a_b_" collides with "a\.b\." of virtual cluster "demo" \(virtualClusters\[0\]\.prefix\) on cluster "local" once '\.' and '_' are taken as alike/,
    ],
    [
      "default prefixes that overlap (names a and a.b)",
      (d) => {
        twoPrefixes(undefined, undefined, "a.b")(d);
        d.virtualClusters[0].name = "a";
      },
      VC1P,
      /^prefix "a\.b\." overlaps "a\." of virtual cluster "a" \(virtualClusters\[0\]\.prefix\)/,
    ],
    [
      "overlapping prefixes on two cluster names sharing a bootstrap address",
      (d) => {
        d.clusters.push({ name: "alias", bootstrap: ["10.0.0.9:9092", "127.0.0.1:9092"] });
        twoPrefixes("a.", "a.b.")(d);
        d.virtualClusters[1].cluster = "alias";
      },
      VC1P,
      /on clusters "local" and "alias", which share the bootstrap address 127\.0\.0\.1:9092/,
    ],
    ["topic config name in capitals", (d) => (d.virtualClusters[0].topicConfigAllowlist = ["Retention.MS"]), "virtualClusters[0].topicConfigAllowlist[0]", /must be a topic config name/],
    ["topic config allowlist not a list", (d) => (d.virtualClusters[0].topicConfigAllowlist = "retention.ms"), "virtualClusters[0].topicConfigAllowlist", /expected array/],
    [
      "control port on a data port",
      (d) => (d.control = { listen: "127.0.0.1:19092" }),
      "control.listen",
      'port 19092 on "127.0.0.1" clashes with virtualClusters[0].listeners[0].bootstrapPort (port 19092 on "0.0.0.0")',
    ],
  ];

  it.each(cases)("%s", (_title, edit, path, reason) => {
    const data = base();
    edit(data);
    const issues = issuesOf(stringify(data));
    expect(issues).toHaveLength(1);
    expect(issues[0]!.path).toBe(path);
    if (typeof reason === "string") expect(issues[0]!.message).toBe(reason);
    else expect(issues[0]!.message).toMatch(reason);
  });
});

describe("ConfigError", () => {
  const text = [
    "clusters:",
    "  - name: local",
    '    bootstrap: ["127.0.0.1:9092", "nope"]',
    "virtualClusters:",
    "  - name: demo",
    "    cluster: local",
    "    listeners:",
    "      - name: plain",
    "        bind: 0.0.0.0",
    "        bootstrapPort: 19092",
    '        brokerPorts: "19095-19093"',
    "        advertisedHost: localhost",
    "        sslEnabled: true",
    "",
  ].join("\n");

  it("reports every problem together, each with file, line:col, path and reason", () => {
    let error: unknown;
    try {
      parseConfig(text, "/etc/bulkhead/gw.yaml");
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const { issues, message } = error as ConfigError;
    expect(issues).toEqual([
      { file: "/etc/bulkhead/gw.yaml", path: "clusters[0].bootstrap[1]", line: 3, col: 35, message: expect.stringContaining('got "nope"') },
      { file: "/etc/bulkhead/gw.yaml", path: "virtualClusters[0].listeners[0].brokerPorts", line: 11, col: 9, message: "first port 19095 is above last port 19093" },
      { file: "/etc/bulkhead/gw.yaml", path: "virtualClusters[0].listeners[0].sslEnabled", line: 13, col: 9, message: "unknown key" },
    ]);
    expect(message).toContain("Invalid config /etc/bulkhead/gw.yaml (3 problems)");
    expect(message).toContain("/etc/bulkhead/gw.yaml:13:9 virtualClusters[0].listeners[0].sslEnabled: unknown key");
  });

  it("points a prefix problem at the prefix key, or at its virtual cluster when the prefix is the default", () => {
    const lines = [
      "clusters: [{ name: local, bootstrap: 127.0.0.1:9092 }]",
      "virtualClusters:",
      "  - name: a",
      "    cluster: local",
      "    listeners: [{ name: p, bind: 0.0.0.0, bootstrapPort: 19092, brokerPorts: 19093-19095, advertisedHost: localhost }]",
      "  - name: b",
      "    cluster: local",
      "    prefix: a.b.",
      "    listeners: [{ name: p, bind: 0.0.0.0, bootstrapPort: 29092, brokerPorts: 29093-29095, advertisedHost: localhost }]",
      `  - name: ${"n".repeat(100)}`,
      "    cluster: local",
      "    listeners: [{ name: p, bind: 0.0.0.0, bootstrapPort: 39092, brokerPorts: 39093-39095, advertisedHost: localhost }]",
    ];
    let error: unknown;
    try {
      parseConfig(lines.join("\n"), "t.yaml");
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const where = (error as ConfigError).issues.map(({ path, line, col }) => ({ path, line, col }));
    expect(where).toEqual([
      { path: "virtualClusters[1].prefix", line: 8, col: 5 },
      { path: "virtualClusters[2].prefix", line: 10, col: 5 }, // default prefix "nnn….", 101 characters
    ]);
  });

  it("reports all cross-field problems together", () => {
    const data = base();
    data.virtualClusters[0].cluster = "remote";
    data.control = { listen: "0.0.0.0:19094" };
    data.clusters.push({ name: "local", bootstrap: ["10.0.0.1:9092"] });
    const paths = issuesOf(stringify(data)).map((issue) => issue.path);
    expect(paths).toEqual(["clusters[1].name", "virtualClusters[0].cluster", "control.listen"]);
  });

  it("reports YAML syntax errors with their position", () => {
    expect(() => parseConfig("clusters: [a\nvirtualClusters: x\n", "syntax.yaml")).toThrow(/^Invalid config syntax\.yaml \(\d problems?\):\n {2}syntax\.yaml:\d+:\d+ \(root\): /);
  });

  it("rejects an empty file and a file that is not a map", () => {
    expect(issuesOf("# nothing here\n")).toEqual([{ path: "", message: "the file is empty" }]);
    expect(issuesOf("- 1\n")).toEqual([{ path: "", message: expect.stringContaining("expected object") }]);
  });

  it("refuses a YAML alias bomb instead of expanding it", () => {
    const lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"];
    for (let i = 0; i < 120; i++) lines.push(`b${i}: &b${i} [*${i === 0 ? "a" : `b${i - 1}`}, *${i === 0 ? "a" : `b${i - 1}`}]`);
    expect(issuesOf(lines.join("\n"))).toEqual([{ path: "", message: expect.stringContaining("Excessive alias count") }]);
  });

  it("names the file it could not read", async () => {
    const dir = await mkdtemp(join(tmpdir(), "bulkhead-config-"));
    await expect(loadConfig(join(dir, "missing.yaml"))).rejects.toThrow(`${join(dir, "missing.yaml")} (root): cannot read the file (ENOENT)`);
    const file = join(dir, "bad.yaml");
    await writeFile(file, stringify({ ...base(), clusters: [] }));
    await expect(loadConfig(file)).rejects.toThrow(`${file}:1:1 clusters: needs at least one cluster`);
  });
});
