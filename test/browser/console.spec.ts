// The console (ui/, served under /ui by the control server) in a real browser, Debian's Chromium, against real Kafka
// through a real gateway started from a config file with tokens: topics, messages (also read with kcat through the
// gateway), a consumer group reset and re-read, live bandwidth, connections, and what a tenant and a viewer may see.
// Screenshots of the main pages go to test-artifacts/.
import type { Consumer } from "kafkajs";
import { createToken } from "../../src/control/auth.js";
import type { Gateway } from "../../src/gateway.js";
import { kafkajsClient, subscribeWhenKnown, uniqueName } from "../harness/clients.js";
import { controlApiCaller } from "../harness/control-api.js";
import { bootstrapOf as bootstrapIn, portPerBrokerListener, startGatewayFromFile } from "../harness/gateway-from-file.js";
import { runKcat } from "../harness/kcat.js";
import { asShown, consoleUrl as consoleUrlOf, expect, screenshot, test } from "./fixtures.js";

const ops = createToken();
const team = createToken();
const viewer = createToken();

test.describe("console", () => {
  // One gateway for the file, and each test goes on from the last one's topic, messages and group: after a failure
  // the rest are skipped, not run against a state they don't expect.
  test.describe.configure({ mode: "serial" });
  const cleanups: (() => Promise<unknown>)[] = [];
  let gateway: Gateway;
  const call = controlApiCaller(() => gateway.controlAddress);
  const consoleUrl = () => consoleUrlOf(gateway.controlAddress);
  const bootstrapOf = (vc: string) => bootstrapIn(gateway, vc);

  test.beforeAll(async ({ kafka }) => {
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
    const replicationFactor = Math.min(3, kafka.brokers.length);
    expect(await call("POST", "/api/v1/virtual-clusters/other/topics", ops.token, { name: "other-secret", partitions: 1, replicationFactor })).toMatchObject({ status: 201 });
  });

  test.afterAll(async () => {
    for (const [vc, topic] of [["shop", "orders"], ["other", "other-secret"]]) await call("DELETE", `/api/v1/virtual-clusters/${vc}/topics/${topic}`, ops.token).catch(() => undefined);
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  });

  test("is served under /ui with revalidating cache headers, and needs a token for any data", async ({ page }) => {
    const index = await fetch(consoleUrl());
    expect(index.status).toBe(200);
    expect(index.headers.get("cache-control")).toBe("no-cache");
    const again = await fetch(consoleUrl(), { headers: { "if-none-match": index.headers.get("etag")! } });
    expect(again.status).toBe(304);
    expect((await fetch(`${consoleUrl()}console.js`)).headers.get("content-type")).toContain("javascript");

    await page.goto(consoleUrl());
    await page.getByPlaceholder("paste an admin API token").fill("not-a-token");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("alert")).toContainText("401 unauthenticated", asShown);
  });

  test("a platform token picks a virtual cluster from the list", async ({ signIn }) => {
    const page = await signIn(consoleUrl(), ops.token);
    // Highest usage: shop's only limit (every topic's produce rate) idle; other has none.
    await expect(page.locator("main table tbody tr")).toHaveText([/^shop\tshared\t127\.0\.0\.1:\d+\t0\t.*\t0 % produce, busiest other topic$/, /^other\tshared.*\tno limits$/], asShown);
    await screenshot(page, "virtual-clusters");
    await page.getByRole("link", { name: "shop" }).click();
    await expect(page.getByTestId("current-vc")).toHaveText("shop", asShown);
  });

  test("topics: create, add partitions, change retention.ms", async ({ signIn }) => {
    const page = await signIn(consoleUrl(), team.token);
    await expect(page.getByTestId("current-vc")).toHaveText("shop", asShown); // a tenant token goes straight to its own
    await page.locator("input[name=name]").fill("orders");
    await page.locator("input[name=partitions]").fill("1");
    await page.getByRole("button", { name: "Create topic" }).click();
    await expect(page.getByRole("heading", { name: "Topic orders" })).toBeVisible();

    await page.locator("input[name=count]").fill("3");
    await page.getByRole("button", { name: "Add partitions" }).click();
    await expect(page.getByTestId("topic-summary")).toContainText("3 partitions", asShown);

    await page.getByRole("button", { name: "edit retention.ms" }).click();
    await page.getByLabel("new retention.ms").fill("86400000");
    await page.getByRole("button", { name: "Save" }).click();
    const row = page.locator("tr", { has: page.getByText("retention.ms", { exact: true }) });
    await expect(row).toContainText("86400000", asShown);
    await expect(row).toContainText("DYNAMIC_TOPIC_CONFIG", asShown);
    await screenshot(page, "topic");
    // Through the API too: the change returned once every broker showed it, so any broker answers the new value.
    const configs = await call("GET", "/api/v1/virtual-clusters/shop/topics/orders/configs", ops.token);
    const retention = configs.body.configs.find((c: { name: string }) => c.name === "retention.ms");
    expect(retention).toMatchObject({ value: "86400000", source: "DYNAMIC_TOPIC_CONFIG" });

    await page.getByRole("link", { name: "← topics" }).click();
    await page.getByRole("searchbox", { name: "search topics" }).fill("ord");
    await expect(page.locator("main table tbody tr")).toHaveCount(1);
    // Messages per second in and out, sortable like the other columns (a first click sorts largest first).
    await page.getByRole("button", { name: "Messages in/s" }).click();
    await expect(page.getByRole("button", { name: "Messages in/s ▼" })).toBeVisible();
    await expect(page.getByRole("button", { name: "Messages out/s" })).toBeVisible();
    await expect(page.locator("main table tbody tr")).toContainText("0/s\t0/s", asShown);
    await screenshot(page, "topics");
  });

  test("messages: one sent in the console is in the message browser, in kcat through the gateway, and found by a search", async ({ signIn }) => {
    const page = await signIn(consoleUrl(), team.token);
    await page.getByRole("link", { name: "Messages" }).click();
    await page.locator("input[name=key]").fill("order-1");
    await page.locator("textarea[name=value]").fill('{"total":42,"items":["book"]}');
    await page.locator("textarea[name=headers]").fill("source: console");
    await page.getByRole("button", { name: "Send" }).click();
    await expect(page.getByText("sent: partition 0, offset 0")).toBeVisible();

    await page.getByRole("button", { name: "Read" }).click();
    const messages = page.getByTestId("messages");
    await expect(messages.locator("tbody tr")).toHaveCount(1);
    await expect(messages).toContainText("order-1", asShown);
    await expect(messages).toContainText("source: console", asShown);
    await page.locator("select[name=view]").selectOption("json");
    await expect(messages.locator("pre")).toContainText('"total": 42', asShown);
    await screenshot(page, "messages");

    const kcat = await runKcat(["-b", bootstrapOf("shop"), "-C", "-t", "orders", "-p", "0", "-o", "beginning", "-e", "-f", "%k|%s|%h\n"]);
    expect(kcat.code, kcat.stderr).toBe(0);
    expect(kcat.stdout.trim()).toBe('order-1|{"total":42,"items":["book"]}|source=console');

    // A second message, to partition 1, read from its offset on.
    await page.locator("select[name=produce-partition]").selectOption("1");
    await page.locator("input[name=key]").fill("order-2");
    await page.getByRole("button", { name: "Send" }).click();
    await expect(page.getByRole("group", { name: "Send a message to orders" })).toContainText("sent: partition 1, offset 0", asShown);
    await page.locator("select[name=partition]").selectOption("1");
    await page.locator("select[name=from]").selectOption("offset");
    await page.locator("input[name=offset]").fill("0");
    await page.getByRole("button", { name: "Read" }).click();
    await expect(messages.locator("tbody")).toContainText("order-2", asShown);
    await expect(messages.locator("tbody tr")).toHaveCount(1);

    // Search partition 0 for a text in a value: a scan in bounded steps up to the log's end.
    await page.locator("select[name=partition]").selectOption("0");
    await page.getByRole("searchbox", { name: "text to search for" }).fill("book");
    await page.getByRole("button", { name: "Search" }).click();
    await expect(page.getByTestId("search-progress")).toContainText("scanned 1 message of partition 0, to offset 1 of 1; 1 found · done", asShown);
    await expect(page.getByTestId("search-results")).toContainText("order-1", asShown);
    await screenshot(page, "message-search");
    const search = "/api/v1/virtual-clusters/shop/topics/orders/partitions/0/messages/search";
    expect(await call("GET", `${search}?contains=absent`, team.token)).toMatchObject({ status: 200, body: { matches: [], scanned: 1, nextOffset: 1, endOffset: 1 } });
    expect(await call("GET", `${search}?contains=book&fromOffset=1`, team.token)).toMatchObject({ status: 200, body: { matches: [], scanned: 0, nextOffset: 1 } });
    expect((await call("GET", `${search}?contains=book&maxScanned=100000`, team.token)).status).toBe(400);
  });

  test("consumer groups: stopped, reset to earliest after a preview, the group reads again", async ({ signIn }) => {
    const client = kafkajsClient(bootstrapOf("shop"), "console-test");
    const received: string[] = [];
    const runConsumer = async (): Promise<Consumer> => {
      const consumer = client.consumer({ groupId: "billing" });
      await consumer.connect();
      await subscribeWhenKnown(consumer, "orders");
      await consumer.run({ eachMessage: async ({ message }) => void received.push(String(message.key)) });
      return consumer;
    };
    let consumer = await runConsumer();
    cleanups.push(() => consumer.disconnect());
    const readAndCommitted = async () => ({ received: received.length, totalLag: (await call("GET", "/api/v1/virtual-clusters/shop/groups/billing", ops.token)).body.totalLag });
    await expect.poll(readAndCommitted, { message: "billing read and committed", timeout: 60_000 }).toEqual({ received: 2, totalLag: 0 });
    await consumer.disconnect();

    const page = await signIn(consoleUrl(), team.token);
    await page.getByRole("link", { name: "Consumer groups" }).click();
    await page.getByRole("link", { name: "billing" }).click();
    await expect(page.getByTestId("group-state")).toHaveText("Empty", asShown);
    await expect(page.getByTestId("total-lag")).toHaveText("0", asShown);
    await page.locator("select[name=reset-to]").selectOption("earliest");
    await page.getByRole("button", { name: "Preview" }).click();
    const preview = page.getByTestId("reset-preview").locator("tbody");
    await expect(preview).toContainText(/orders\s+0\s+1\s+0/, asShown);
    await expect(preview).toContainText(/orders\s+1\s+1\s+0/, asShown);
    await screenshot(page, "group-reset-preview");
    await page.getByRole("button", { name: "Apply reset" }).click();
    await expect(page.getByTestId("total-lag")).toHaveText("2", asShown);

    consumer = await runConsumer();
    await expect.poll(() => received.length, { message: "billing to read both messages again", timeout: 60_000 }).toBe(4);
    expect(received.sort()).toEqual(["order-1", "order-1", "order-2", "order-2"]);
  });

  test("live bandwidth against the limit, and the connections only the gateway sees", async ({ signIn }) => {
    const producer = kafkajsClient(bootstrapOf("shop"), "console-load").producer();
    await producer.connect();
    cleanups.push(() => producer.disconnect());
    const page = await signIn(consoleUrl(), ops.token);
    await page.getByRole("link", { name: "shop" }).click();
    await page.getByRole("link", { name: "Bandwidth" }).click();
    const row = page.locator("main table tbody tr", { hasText: "orders" });
    // Sends until the table shows a rate and the chart a few samples (the page polls every two seconds). The chart is a
    // canvas: it says how many samples it draws.
    const chart = page.getByRole("img", { name: "bytes per second per topic" });
    const rateCharted = async () => {
      await producer.send({ topic: "orders", messages: [{ value: "x".repeat(60_000) }] });
      const rate = (await row.innerText().catch(() => "")).split("\t")[2] ?? "";
      return /[1-9][\d.]* [KM]iB\/s/.test(rate) && Number(await chart.getAttribute("data-samples", { timeout: 1000 }).catch(() => null)) >= 5;
    };
    await expect.poll(rateCharted, { message: "a produce rate for orders, charted", timeout: 60_000 }).toBe(true);
    await expect(row).toContainText("1.0 MiB/s", asShown); // the topic's limit
    await screenshot(page, "bandwidth");

    await page.getByRole("link", { name: "Connections" }).click();
    await expect(page.locator("main table tbody")).toContainText("console-load", asShown);
    await screenshot(page, "connections");
    await page.getByRole("link", { name: "Events" }).click();
    await expect(page.getByRole("heading", { name: "Event log" })).toBeVisible();
    await page.getByRole("link", { name: "ACLs, users, limits" }).click();
    await expect(page.locator("textarea[name=limits]")).toHaveValue(/topicByteRates/);
    await screenshot(page, "access");
  });

  test("ACLs, users, limits: usage against the configured limit; an operator adds and deletes an ACL rule in the table, a viewer only sees it", async ({ signIn }) => {
    const shopAcls = "/api/v1/virtual-clusters/shop/acls";
    const page = await signIn(consoleUrl(), team.token);
    const asked: string[] = [];
    page.on("dialog", (dialog) => asked.push(dialog.message()));
    await page.getByRole("link", { name: "ACLs, users, limits" }).click();
    // The configured limit (every topic's produce rate, 1 MiB/s), in the table the page refreshes.
    await expect(page.locator(".usage table tbody tr")).toHaveText([/^produce, busiest other topic\t–\t1\.0 MiB\/s\s+\d+ %$/], asShown);

    const form = page.locator("fieldset", { hasText: "Add a rule" });
    await form.locator("input[name=acl-principal]").fill("User:analyst");
    await form.locator("select[name=acl-resource-type]").selectOption("topic");
    await form.locator("select[name=acl-pattern-type]").selectOption("prefixed");
    await form.locator("input[name=acl-name]").fill("orders");
    await form.locator("select[name=acl-operation]").selectOption("READ");
    await form.getByRole("button", { name: "Add rule" }).click();
    const rule = page.locator("main table tbody tr", { hasText: "User:analyst" });
    await expect(rule).toHaveText(/^User:analyst\t\*\ttopic\tprefixed\torders\tREAD\tallow\s+Delete/, asShown);
    expect(asked).toEqual([expect.stringContaining("has no ACLs yet")]); // turning ACLs on is asked first
    expect(await call("GET", shopAcls, ops.token)).toMatchObject({
      status: 200,
      body: { acls: { rules: [{ principal: "User:analyst", host: "*", resourceType: "topic", patternType: "prefixed", name: "orders", operations: ["READ"], permission: "allow" }] } },
    });
    await screenshot(page, "access-acls");

    // A viewer sees the rule, in dark mode, and no control to change it.
    const viewerPage = await signIn(consoleUrl(), viewer.token, "dark");
    await viewerPage.getByRole("link", { name: "ACLs, users, limits" }).click();
    await expect(viewerPage.locator("main table tbody tr", { hasText: "User:analyst" })).toHaveText(/^User:analyst\t\*\ttopic\tprefixed\torders\tREAD\tallow$/, asShown);
    await expect(viewerPage.locator(".usage table")).toContainText("1.0 MiB/s", asShown);
    await expect(viewerPage.getByRole("button", { name: /^(Delete|Add rule)$/ })).toHaveCount(0);
    await expect(viewerPage.locator("input[name=acl-principal]")).toHaveCount(0);
    await screenshot(viewerPage, "access-viewer-dark");

    await rule.getByRole("button", { name: "Delete" }).click();
    await expect(rule).toHaveCount(0);
    expect(asked[1]).toBe('Delete the ACL rule "allow User:analyst READ on topic orders (prefixed) from host *"? Requests it matched are decided by the remaining rules (no match: denied).');
    expect(await call("GET", shopAcls, ops.token)).toMatchObject({ status: 200, body: { acls: { rules: [] } } });
    // Back to no acls section at all, which the tests after this one count on (an empty one denies everything).
    expect(await call("DELETE", shopAcls, ops.token)).toMatchObject({ status: 200 });
  });

  test("a tenant token cannot see the other tenant", async ({ signIn }) => {
    const page = await signIn(consoleUrl(), team.token, "dark");
    await expect(page.locator("main table")).toContainText("orders", asShown);
    await screenshot(page, "topics-dark");
    // textContent, hidden elements included: the other tenant's topic is nowhere in the page, shown or not.
    await expect(page.locator("main")).not.toContainText("other-secret");
    await expect(page.getByRole("link", { name: "all virtual clusters" })).toHaveCount(0);
    await page.goto(`${consoleUrl()}#/vc/other/topics`);
    await expect(page.getByRole("alert")).toContainText('404 not_found: virtual cluster "other"', asShown);
    await page.goto(`${consoleUrl()}#/vc/other/connections`);
    await expect(page.getByRole("alert")).toContainText("404 not_found", asShown);
  });

  test("a viewer token sees no edit controls, and an edit it forces is refused with 403", async ({ signIn }) => {
    const page = await signIn(consoleUrl(), viewer.token);
    await expect(page.locator("main table")).toContainText("orders", asShown);
    await expect(page.getByRole("button", { name: "Create topic" })).toHaveCount(0);
    await page.getByRole("link", { name: "orders" }).click();
    await expect(page.getByRole("heading", { name: "Configs" })).toBeVisible();
    await expect(page.getByRole("button", { name: /^edit / })).toHaveCount(0);
    await expect(page.getByRole("button", { name: "Add partitions" })).toHaveCount(0);
    await page.getByRole("link", { name: "ACLs, users, limits" }).click();
    await expect(page.getByRole("heading", { name: "Limits", exact: true })).toBeVisible();
    await expect(page.locator("textarea")).toHaveCount(0);
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
