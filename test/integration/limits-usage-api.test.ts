// GET /api/v1/virtual-clusters/:name/usage (src/control/routes/usage.ts) against real Kafka: a gateway started from a
// config file, a kafkajs producer held to a small tenant produce rate, and the route showing that rate in use, next to
// the caps and their counts; a virtual cluster without limits answers none, and a token scoped to one virtual cluster
// gets the same refusal for another's usage as for its other pages.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createToken } from "../../src/control/auth.js";
import type { Gateway } from "../../src/gateway.js";
import { kafkajsClient, uniqueName } from "../harness/clients.js";
import { controlApiCaller } from "../harness/control-api.js";
import { bootstrapOf, portPerBrokerListener, startGatewayFromFile } from "../harness/gateway-from-file.js";
import { waitUntil } from "../harness/wait.js";

const ops = createToken();
const shopViewer = createToken();
/** Small enough that a producer sending in a loop keeps the bucket at its limit. */
const PRODUCE_RATE = 16 * 1024;

interface Reading {
  kind: string;
  scope?: string;
  cap?: string;
  direction?: string;
  used?: number | null;
  max: number;
  ratio: number | null;
}

describe("admin API: a tenant's usage against each limit", () => {
  const kafka = inject("kafka");
  const replicationFactor = Math.min(3, kafka.brokers.length);
  let gateway: Gateway;
  const call = controlApiCaller(() => gateway.controlAddress);
  const shop = "/api/v1/virtual-clusters/shop";
  const usage = async (token = ops.token): Promise<Reading[]> => {
    const answer = await call("GET", `${shop}/usage`, token);
    expect(answer.status).toBe(200);
    return answer.body.limits as Reading[];
  };

  beforeAll(async () => {
    const listener = () => portPerBrokerListener(kafka);
    const document = {
      clusters: [{ name: "shared", bootstrap: kafka.bootstrap }],
      virtualClusters: [
        {
          name: "shop",
          cluster: "shared",
          prefix: `${uniqueName("shop")}.`,
          listeners: [await listener()],
          limits: { tenantByteRate: { produce: PRODUCE_RATE }, maxTopics: 5, maxConnections: 100 },
        },
        { name: "other", cluster: "shared", prefix: `${uniqueName("other")}.`, listeners: [await listener()] },
      ],
      control: {
        tokens: [
          { name: "ops", sha256: ops.sha256, role: "admin" },
          { name: "shop-viewer", sha256: shopViewer.sha256, role: "viewer", virtualCluster: "shop" },
        ],
      },
    };
    ({ gateway } = await startGatewayFromFile(document, "limits-usage-api"));
  });

  afterAll(async () => {
    await call("DELETE", `${shop}/topics/orders`, ops.token).catch(() => undefined);
    await gateway?.close(0);
  });

  it("lists every configured limit, idle at first, and none for a virtual cluster without limits", async () => {
    expect(await usage()).toEqual(
      expect.arrayContaining([
        { kind: "byteRate", scope: "tenant", name: null, direction: "produce", ratio: 0, max: PRODUCE_RATE, pushedDown: false },
        { kind: "cap", cap: "connections", used: 0, max: 100, ratio: 0 },
        expect.objectContaining({ kind: "cap", cap: "topics", max: 5 }),
      ]),
    );
    expect(await call("GET", "/api/v1/virtual-clusters/other/usage", ops.token)).toMatchObject({ status: 200, body: { limits: [] } });
    expect((await call("GET", "/api/v1/virtual-clusters/nowhere/usage", ops.token)).status).toBe(404);
  });

  it("shows the produce rate in use while a kafkajs producer is held to it, and the topic counted against its cap", async () => {
    expect(await call("POST", `${shop}/topics`, ops.token, { name: "orders", partitions: 1, replicationFactor })).toMatchObject({ status: 201 });
    const producer = kafkajsClient(bootstrapOf(gateway, "shop"), "usage-producer").producer();
    await producer.connect();
    let done = false;
    const value = Buffer.alloc(4096, "u");
    const sending = (async () => {
      while (!done) await producer.send({ topic: "orders", messages: [{ value }, { value }], acks: -1 });
    })();
    try {
      const busy = await waitUntil(
        async () => {
          const readings = await usage(shopViewer.token);
          const produce = readings.find((r) => r.kind === "byteRate" && r.scope === "tenant" && r.direction === "produce");
          const connections = readings.find((r) => r.cap === "connections");
          return produce !== undefined && produce.ratio! > 0.5 && connections!.used! > 0 ? readings : undefined;
        },
        { what: "the tenant's produce rate in use through the usage route", timeoutMs: 30_000 },
      );
      expect(busy.find((r) => r.cap === "topics")).toEqual({ kind: "cap", cap: "topics", used: 1, max: 5, ratio: 0.2 });
    } finally {
      done = true;
      await sending.catch(() => undefined);
      await producer.disconnect();
    }
  });

  it("refuses a token scoped to another virtual cluster as every other per-tenant route does", async () => {
    const refused = await call("GET", "/api/v1/virtual-clusters/other/usage", shopViewer.token);
    const elsewhere = await call("GET", "/api/v1/virtual-clusters/other/connections", shopViewer.token);
    expect(refused).toMatchObject({ status: 404, body: { error: { code: "not_found" } } });
    expect(refused).toEqual(elsewhere);
  });
});
