// The console (ui/, served under /ui by the control server) in a real browser, Debian's Chromium, against real Kafka
// through a real gateway started from a config file with tokens: topics, messages (also read with kcat through the
// gateway), a consumer group reset and re-read, live bandwidth, connections, and what a tenant and a viewer may see.
// Screenshots of the main pages go to test-artifacts/.
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createToken } from "../../src/control/auth.js";
import type { Gateway } from "../../src/gateway.js";
import { consoleUrl as consoleUrlOf, countIs, launchChromium, newPage, screenshot, shows, signIn as signInTo } from "../harness/browser.js";
import { kafkajsClient, runProcess, subscribeWhenKnown, uniqueName } from "../harness/clients.js";
import { controlApiCaller } from "../harness/control-api.js";
import { bootstrapOf as bootstrapIn, portPerBrokerListener, startGatewayFromFile } from "../harness/gateway-from-file.js";
import { runKcat } from "../harness/kcat.js";
import { waitUntil } from "../harness/wait.js";

const ops = createToken();
const team = createToken();
const viewer = createToken();

describe("console", () => {
  const kafka = inject("kafka");
  const replicationFactor = Math.min(3, kafka.brokers.length);
  const cleanups: (() => Promise<unknown>)[] = [];
  let gateway: Gateway;
  let browser: Browser;
  const call = controlApiCaller(() => gateway.controlAddress);
  const consoleUrl = () => consoleUrlOf(gateway.controlAddress);
  const bootstrapOf = (vc: string) => bootstrapIn(gateway, vc);
  const signIn = (token: string, colorScheme: "light" | "dark" = "light") => signInTo(browser, consoleUrl(), token, colorScheme);

  beforeAll(async () => {
    // The control server reads the built console when it starts.
    const built = await runProcess("npm", ["run", "--silent", "build:console"], { timeoutMs: 60_000 });
    expect(built.code, built.stderr).toBe(0);
    const document = {
      clusters: [{ name: "shared", bootstrap: kafka.bootstrap }],
      virtualClusters: [
        { name: "shop", cluster: "shared", prefix: `${uniqueName("shop")}.`, listeners: [await portPerBrokerListener(kafka)], limits: { topicByteRates: { default: { produce: "1MiB/s" } } } },
        { name: "other", cluster: "shared", prefix: `${uniqueName("other")}.`, listeners: [await portPerBrokerListener(kafka)] },
      ],
      control: {
        tokens: [
          { name: "ops", sha256: ops.sha256, role: "admin" },
          { name: "shop-team", sha256: team.sha256, role: "operator", virtualCluster: "shop" },
          { name: "shop-viewer", sha256: viewer.sha256, role: "viewer", virtualCluster: "shop" },
        ],
      },
    };
    ({ gateway } = await startGatewayFromFile(document, "console"));
    cleanups.push(() => gateway.close(0));
    browser = await launchChromium();
    cleanups.push(() => browser.close());
    expect(await call("POST", "/api/v1/virtual-clusters/other/topics", ops.token, { name: "other-secret", partitions: 1, replicationFactor })).toMatchObject({ status: 201 });
  });

  afterAll(async () => {
    for (const [vc, topic] of [["shop", "orders"], ["other", "other-secret"]]) await call("DELETE", `/api/v1/virtual-clusters/${vc}/topics/${topic}`, ops.token).catch(() => undefined);
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  });

  it("is served under /ui with revalidating cache headers, and needs a token for any data", async () => {
    const index = await fetch(consoleUrl());
    expect(index.status).toBe(200);
    expect(index.headers.get("cache-control")).toBe("no-cache");
    const again = await fetch(consoleUrl(), { headers: { "if-none-match": index.headers.get("etag")! } });
    expect(again.status).toBe(304);
    expect((await fetch(`${consoleUrl()}console.js`)).headers.get("content-type")).toContain("javascript");

    const page = await newPage(browser);
    await page.goto(consoleUrl());
    await page.getByPlaceholder("paste an admin API token").fill("not-a-token");
    await page.getByRole("button", { name: "Sign in" }).click();
    await shows(page.getByRole("alert"), "401 unauthenticated");
  });

  it("a platform token picks a virtual cluster from the list", async () => {
    const page = await signIn(ops.token);
    const rows = page.locator("main table tbody tr");
    await expect.poll(() => rows.allInnerTexts()).toEqual([expect.stringMatching(/^shop\tshared\t127\.0\.0\.1:\d+\t0\t/), expect.stringMatching(/^other\tshared/)]);
    await screenshot(page, "virtual-clusters");
    await page.getByRole("link", { name: "shop" }).click();
    await shows(page.getByTestId("current-vc"), /^shop$/);
  });

  it("topics: create, add partitions, change retention.ms", async () => {
    const page = await signIn(team.token);
    await shows(page.getByTestId("current-vc"), /^shop$/); // a tenant token goes straight to its own
    await page.locator("input[name=name]").fill("orders");
    await page.locator("input[name=partitions]").fill("1");
    await page.getByRole("button", { name: "Create topic" }).click();
    await page.getByRole("heading", { name: "Topic orders" }).waitFor();

    await page.locator("input[name=count]").fill("3");
    await page.getByRole("button", { name: "Add partitions" }).click();
    await shows(page.getByTestId("topic-summary"), "3 partitions");

    await page.getByRole("button", { name: "edit retention.ms" }).click();
    await page.getByLabel("new retention.ms").fill("86400000");
    await page.getByRole("button", { name: "Save" }).click();
    const row = page.locator("tr", { has: page.getByText("retention.ms", { exact: true }) });
    await shows(row, "86400000");
    await shows(row, "DYNAMIC_TOPIC_CONFIG");
    await screenshot(page, "topic");
    // Through the API too: the change returned once every broker showed it, so any broker answers the new value.
    const configs = await call("GET", "/api/v1/virtual-clusters/shop/topics/orders/configs", ops.token);
    const retention = configs.body.configs.find((c: { name: string }) => c.name === "retention.ms");
    expect(retention).toMatchObject({ value: "86400000", source: "DYNAMIC_TOPIC_CONFIG" });

    await page.getByRole("link", { name: "← topics" }).click();
    await page.getByRole("searchbox", { name: "search topics" }).fill("ord");
    await countIs(page.locator("main table tbody tr"), 1);
    await screenshot(page, "topics");
  });

  it("messages: one sent in the console is in the message browser, in kcat through the gateway, and found by a search", async () => {
    const page = await signIn(team.token);
    await page.getByRole("link", { name: "Messages" }).click();
    await page.locator("input[name=key]").fill("order-1");
    await page.locator("textarea[name=value]").fill('{"total":42,"items":["book"]}');
    await page.locator("textarea[name=headers]").fill("source: console");
    await page.getByRole("button", { name: "Send" }).click();
    await page.getByText("sent: partition 0, offset 0").waitFor();

    await page.getByRole("button", { name: "Read" }).click();
    const messages = page.getByTestId("messages");
    await countIs(messages.locator("tbody tr"), 1);
    await shows(messages, "order-1");
    await shows(messages, "source: console");
    await page.locator("select[name=view]").selectOption("json");
    await shows(messages.locator("pre"), '"total": 42');
    await screenshot(page, "messages");

    const kcat = await runKcat(["-b", bootstrapOf("shop"), "-C", "-t", "orders", "-p", "0", "-o", "beginning", "-e", "-f", "%k|%s|%h\n"]);
    expect(kcat.code, kcat.stderr).toBe(0);
    expect(kcat.stdout.trim()).toBe('order-1|{"total":42,"items":["book"]}|source=console');

    // A second message, to partition 1, read from its offset on.
    await page.locator("select[name=produce-partition]").selectOption("1");
    await page.locator("input[name=key]").fill("order-2");
    await page.getByRole("button", { name: "Send" }).click();
    await shows(page.getByRole("group", { name: "Send a message to orders" }), "sent: partition 1, offset 0");
    await page.locator("select[name=partition]").selectOption("1");
    await page.locator("select[name=from]").selectOption("offset");
    await page.locator("input[name=offset]").fill("0");
    await page.getByRole("button", { name: "Read" }).click();
    await shows(messages.locator("tbody"), "order-2");
    await countIs(messages.locator("tbody tr"), 1);

    // Search partition 0 for a text in a value: a scan in bounded steps up to the log's end.
    await page.locator("select[name=partition]").selectOption("0");
    await page.getByRole("searchbox", { name: "text to search for" }).fill("book");
    await page.getByRole("button", { name: "Search" }).click();
    await shows(page.getByTestId("search-progress"), "scanned 1 message of partition 0, to offset 1 of 1; 1 found · done");
    await shows(page.getByTestId("search-results"), "order-1");
    await screenshot(page, "message-search");
    const search = "/api/v1/virtual-clusters/shop/topics/orders/partitions/0/messages/search";
    expect(await call("GET", `${search}?contains=absent`, team.token)).toMatchObject({ status: 200, body: { matches: [], scanned: 1, nextOffset: 1, endOffset: 1 } });
    expect(await call("GET", `${search}?contains=book&fromOffset=1`, team.token)).toMatchObject({ status: 200, body: { matches: [], scanned: 0, nextOffset: 1 } });
    expect((await call("GET", `${search}?contains=book&maxScanned=100000`, team.token)).status).toBe(400);
  });

  it("consumer groups: stopped, reset to earliest after a preview, the group reads again", async () => {
    const client = kafkajsClient(bootstrapOf("shop"), "console-test");
    const received: string[] = [];
    const runConsumer = async () => {
      const consumer = client.consumer({ groupId: "billing" });
      await consumer.connect();
      await subscribeWhenKnown(consumer, "orders");
      await consumer.run({ eachMessage: async ({ message }) => void received.push(String(message.key)) });
      return consumer;
    };
    let consumer = await runConsumer();
    cleanups.push(() => consumer.disconnect());
    await waitUntil(async () => received.length === 2 && (await call("GET", "/api/v1/virtual-clusters/shop/groups/billing", ops.token)).body.totalLag === 0, { what: "billing read and committed" });
    await consumer.disconnect();

    const page = await signIn(team.token);
    await page.getByRole("link", { name: "Consumer groups" }).click();
    await page.getByRole("link", { name: "billing" }).click();
    await shows(page.getByTestId("group-state"), /^Empty$/);
    await shows(page.getByTestId("total-lag"), /^0$/);
    await page.locator("select[name=reset-to]").selectOption("earliest");
    await page.getByRole("button", { name: "Preview" }).click();
    const preview = page.getByTestId("reset-preview").locator("tbody");
    await shows(preview, /orders\s+0\s+1\s+0/);
    await shows(preview, /orders\s+1\s+1\s+0/);
    await screenshot(page, "group-reset-preview");
    await page.getByRole("button", { name: "Apply reset" }).click();
    await shows(page.getByTestId("total-lag"), /^2$/);

    consumer = await runConsumer();
    await waitUntil(() => received.length === 4, { what: "billing to read both messages again" });
    expect(received.sort()).toEqual(["order-1", "order-1", "order-2", "order-2"]);
  });

  it("live bandwidth against the limit, and the connections only the gateway sees", async () => {
    const producer = kafkajsClient(bootstrapOf("shop"), "console-load").producer();
    await producer.connect();
    cleanups.push(() => producer.disconnect());
    const page = await signIn(ops.token);
    await page.getByRole("link", { name: "shop" }).click();
    await page.getByRole("link", { name: "Bandwidth" }).click();
    const row = page.locator("main table tbody tr", { hasText: "orders" });
    // Sends until the table shows a rate and the chart a few samples (the page polls every two seconds). The chart is a
    // canvas: it says how many samples it draws.
    const chart = page.getByRole("img", { name: "bytes per second per topic" });
    await waitUntil(async () => {
      await producer.send({ topic: "orders", messages: [{ value: "x".repeat(60_000) }] });
      const rate = (await row.innerText().catch(() => "")).split("\t")[2] ?? "";
      return /[1-9][\d.]* [KM]iB\/s/.test(rate) && Number(await chart.getAttribute("data-samples", { timeout: 1000 }).catch(() => null)) >= 5;
    }, { what: "a produce rate for orders, charted" });
    await shows(row, "1.0 MiB/s"); // the topic's limit
    await screenshot(page, "bandwidth");

    await page.getByRole("link", { name: "Connections" }).click();
    await shows(page.locator("main table tbody"), "console-load");
    await screenshot(page, "connections");
    await page.getByRole("link", { name: "Events" }).click();
    await page.getByRole("heading", { name: "Event log" }).waitFor();
    await page.getByRole("link", { name: "ACLs, users, limits" }).click();
    expect(await page.locator("textarea[name=limits]").inputValue()).toMatch(/topicByteRates/);
    await screenshot(page, "access");
  });

  it("a tenant token cannot see the other tenant", async () => {
    const page = await signIn(team.token, "dark");
    await shows(page.locator("main table"), "orders");
    await screenshot(page, "topics-dark");
    expect(await page.locator("main").innerText()).not.toContain("other-secret");
    await countIs(page.getByRole("link", { name: "all virtual clusters" }), 0);
    await page.goto(`${consoleUrl()}#/vc/other/topics`);
    await shows(page.getByRole("alert"), '404 not_found: virtual cluster "other"');
    await page.goto(`${consoleUrl()}#/vc/other/connections`);
    await shows(page.getByRole("alert"), "404 not_found");
  });

  it("a viewer token sees no edit controls, and an edit it forces is refused with 403", async () => {
    const page = await signIn(viewer.token);
    await shows(page.locator("main table"), "orders");
    await countIs(page.getByRole("button", { name: "Create topic" }), 0);
    await page.getByRole("link", { name: "orders" }).click();
    await page.getByRole("heading", { name: "Configs" }).waitFor();
    await countIs(page.getByRole("button", { name: /^edit / }), 0);
    await countIs(page.getByRole("button", { name: "Add partitions" }), 0);
    await page.getByRole("link", { name: "ACLs, users, limits" }).click();
    await page.getByRole("heading", { name: "Limits", exact: true }).waitFor();
    await countIs(page.locator("textarea"), 0);
    const forced = await page.evaluate(async () => {
      const res = await fetch("/api/v1/virtual-clusters/shop/topics", {
        method: "POST",
        headers: { authorization: `Bearer ${sessionStorage.getItem("bulkhead.token")}`, "content-type": "application/json" },
        body: JSON.stringify({ name: "forced" }),
      });
      return { status: res.status, body: await res.json() };
    });
    expect(forced).toMatchObject({ status: 403, body: { error: { code: "forbidden" } } });
  });
});
