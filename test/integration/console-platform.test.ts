// The console's platform pages in a real browser (Debian's Chromium), against real Kafka through a real gateway
// started from a config file: config history with a diff and a rollback made in the UI, the audit log filtered, the
// event log of every tenant, the physical clusters; and who sees none of it (a tenant's token) or no rollback (a
// platform viewer or operator). Screenshots go to test-artifacts/.
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createToken } from "../../src/control/auth.js";
import type { Gateway } from "../../src/gateway.js";
import { consoleUrl as consoleUrlOf, countIs, launchChromium, screenshot, shows, signIn as signInTo } from "../harness/browser.js";
import { kafkajsClient, runProcess, uniqueName } from "../harness/clients.js";
import { controlApiCaller } from "../harness/control-api.js";
import { bootstrapOf, portPerBrokerListener, startGatewayFromFile } from "../harness/gateway-from-file.js";
import { waitUntil } from "../harness/wait.js";

const ops = createToken();
const platformViewer = createToken();
const platformOperator = createToken();
const team = createToken();
const SLOW = { topicByteRates: { default: { produce: "16KiB/s" } } };
const FAST = { topicByteRates: { default: { produce: "2MiB/s" } } };

/** A time as a datetime-local input takes it: the browser runs on this machine, in its time zone. */
function localInput(ms: number): string {
  const d = new Date(ms);
  const two = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}T${two(d.getHours())}:${two(d.getMinutes())}`;
}

describe("console: platform pages", () => {
  const kafka = inject("kafka");
  const cleanups: (() => Promise<unknown>)[] = [];
  let gateway: Gateway;
  let browser: Browser;
  const call = controlApiCaller(() => gateway.controlAddress);
  const consoleUrl = () => consoleUrlOf(gateway.controlAddress);
  const signIn = (token: string) => signInTo(browser, consoleUrl(), token);
  const topics = { shop: uniqueName("load"), other: uniqueName("load") };

  beforeAll(async () => {
    // The control server reads the built console when it starts.
    const built = await runProcess("npm", ["run", "--silent", "build:console"], { timeoutMs: 60_000 });
    expect(built.code, built.stderr).toBe(0);
    const document = {
      clusters: [
        { name: "shared", bootstrap: kafka.bootstrap },
        { name: "standby", bootstrap: "127.0.0.1:1", sasl: { mechanism: "SCRAM-SHA-512", username: "gateway", password: "standby-secret" } },
      ],
      virtualClusters: [
        { name: "shop", cluster: "shared", prefix: `${uniqueName("shop")}.`, listeners: [await portPerBrokerListener(kafka)], limits: structuredClone(SLOW) },
        { name: "other", cluster: "shared", prefix: `${uniqueName("other")}.`, listeners: [await portPerBrokerListener(kafka)], limits: structuredClone(SLOW) },
      ],
      control: {
        tokens: [
          { name: "ops", sha256: ops.sha256, role: "admin" },
          { name: "platform-viewer", sha256: platformViewer.sha256, role: "viewer" },
          { name: "platform-operator", sha256: platformOperator.sha256, role: "operator" },
          { name: "shop-team", sha256: team.sha256, role: "operator", virtualCluster: "shop" },
        ],
      },
    };
    ({ gateway } = await startGatewayFromFile(document, "console-platform"));
    cleanups.push(() => gateway.close(0));
    browser = await launchChromium();
    cleanups.push(() => browser.close());
  });

  afterAll(async () => {
    for (const [vc, topic] of Object.entries(topics)) await call("DELETE", `/api/v1/virtual-clusters/${vc}/topics/${topic}`, ops.token).catch(() => undefined);
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  });

  it("the event log across tenants: both tenants' throttling, filtered by virtual cluster and type", async () => {
    for (const vc of ["shop", "other"] as const) {
      const producer = kafkajsClient(bootstrapOf(gateway, vc), `${vc}-load`).producer({ allowAutoTopicCreation: true });
      await producer.connect();
      cleanups.push(() => producer.disconnect());
      // Over the 16 KiB/s limit until the gateway throttles (and logs it).
      await waitUntil(async () => {
        await producer.send({ topic: topics[vc], messages: [{ value: "x".repeat(40_000) }] });
        const { body } = await call("GET", `/api/v1/events?virtualCluster=${vc}&type=throttled`, ops.token);
        return body.events.length > 0;
      }, { what: `a throttled event for ${vc}`, timeoutMs: 60_000 });
    }

    const page = await signIn(ops.token);
    await page.getByRole("link", { name: "Event log" }).click();
    await page.getByRole("heading", { name: "Event log, all virtual clusters" }).waitFor();
    const clusterColumn = page.locator("main table tbody td:nth-child(3)");
    await shows(page.locator("main table tbody"), /shop\s+throttled/);
    await shows(page.locator("main table tbody"), /other\s+throttled/);
    await screenshot(page, "platform-events");

    await page.locator("select[name=virtual-cluster]").selectOption("other");
    await page.getByRole("button", { name: "Filter" }).click();
    await waitUntil(async () => {
      const shown = await clusterColumn.allInnerTexts();
      return shown.length > 0 && shown.every((vc) => vc === "other");
    }, { what: "only other's events" });
    await page.locator("select[name=type]").selectOption("config_rejected");
    await page.getByRole("button", { name: "Filter" }).click();
    await shows(page.locator("main"), "no events match");
  });

  it("a change made in the console is in the history and the audit log, diffed, and rolled back in the console", async () => {
    // The tenant's operator raises its limits in the console (version 2); ops changes the other tenant's (version 3).
    const tenantPage = await signIn(team.token);
    await tenantPage.getByRole("link", { name: "ACLs, users, limits" }).click();
    await tenantPage.locator("textarea[name=limits]").fill(JSON.stringify(FAST));
    await tenantPage.getByRole("button", { name: "Save Limits" }).click();
    await shows(tenantPage.locator("main"), "saved as config version 2");
    expect(await call("PUT", "/api/v1/virtual-clusters/other/limits", ops.token, FAST)).toMatchObject({ status: 200, body: { version: { version: 3, by: "ops" } } });

    const page = await signIn(ops.token);
    await page.getByRole("link", { name: "Config history" }).click();
    const history = page.locator("main table tbody");
    await shows(history, /#3\s.*\sops\s+PUT \/api\/v1\/virtual-clusters\/other\/limits\s+in force/);
    await shows(history, /#2\s.*\sshop-team\s+PUT \/api\/v1\/virtual-clusters\/shop\/limits/);
    await countIs(history.locator("tr"), 3);

    // The diff between version 1 and 2: the tenant's limit, and nothing of the other tenant's.
    await page.locator("select[name=diff-from]").selectOption("1");
    await page.locator("select[name=diff-to]").selectOption("2");
    await page.getByRole("button", { name: "Show diff" }).click();
    const diff = page.getByTestId("diff");
    await shows(diff.locator(".removed"), "produce: 16KiB/s");
    expect(await diff.locator(".added").innerText()).toContain("produce: 2MiB/s");
    expect(await diff.locator(".removed, .added").count()).toBe(2);
    await screenshot(page, "platform-history-diff");

    // The audit log, by who, what and time.
    await page.getByRole("link", { name: "Audit log" }).click();
    const audit = page.locator("main table tbody tr");
    await countIs(audit, 2);
    await page.locator("input[name=who]").fill("shop-team");
    await page.locator("input[name=since]").fill(localInput(Date.now() - 3_600_000));
    await page.getByRole("button", { name: "Filter" }).click();
    await countIs(audit, 1);
    await shows(audit, /shop-team\s+PUT \/api\/v1\/virtual-clusters\/shop\/limits\s+shop\s+#2/);
    await audit.getByText("before → after").click();
    await shows(audit.locator(".change"), "2MiB/s");
    await screenshot(page, "platform-audit");
    await page.locator("input[name=who]").fill("");
    await page.locator("input[name=action]").fill("other");
    await page.getByRole("button", { name: "Filter" }).click();
    await shows(audit, /ops\s+PUT \/api\/v1\/virtual-clusters\/other\/limits/);
    await countIs(audit, 1);
    await page.locator("input[name=since]").fill(localInput(Date.now() + 3_600_000));
    await page.getByRole("button", { name: "Filter" }).click();
    await shows(page.locator("main"), "no changes match");

    // Roll back to version 1: both tenants' limits are back, as version 4, and the rollback is audited.
    await page.getByRole("link", { name: "Config history" }).click();
    await history.getByRole("button", { name: "Roll back to #1" }).click();
    await shows(history, /#4\s.*\sops\s+rollback to 1\s+in force/);
    await screenshot(page, "platform-history");
    for (const vc of ["shop", "other"]) expect(await call("GET", `/api/v1/virtual-clusters/${vc}/limits`, ops.token)).toMatchObject({ status: 200, body: { limits: SLOW } });
    expect(gateway.runtime.config.virtualClusters.find((vc) => vc.name === "shop")!.limits?.topicByteRates?.default?.produce).toBe(16 * 1024);
    const { body } = await call("GET", "/api/v1/audit?action=rollback", ops.token);
    expect(body.entries).toMatchObject([{ who: "ops", action: "rollback", version: 4, before: { version: 3 }, after: { version: 1 } }]);

    // One version's document, linked from the history.
    await history.getByRole("link", { name: "#1", exact: true }).click();
    await shows(page.getByTestId("version-info"), "by ");
    await shows(page.getByTestId("version-document"), "16KiB/s");
  });

  it("physical clusters: as configured, credentials redacted, with the virtual clusters on each", async () => {
    const page = await signIn(ops.token);
    await page.getByRole("link", { name: "Physical clusters" }).click();
    const rows = page.locator("main table tbody tr");
    await countIs(rows, 2);
    await shows(rows.filter({ hasText: "shared" }), /plaintext\s+none\s+shop, other/);
    await shows(rows.filter({ hasText: "standby" }), /127\.0\.0\.1:1\s+plaintext\s+SCRAM-SHA-512\s+none/);
    await rows.filter({ hasText: "standby" }).getByText("as configured").click();
    expect(await page.locator("main").innerText()).not.toContain("standby-secret");
    await screenshot(page, "platform-physical-clusters");
  });

  it("a platform viewer or operator sees the history but no rollback, and a forced one is refused", async () => {
    for (const token of [platformViewer, platformOperator]) {
      const page = await signIn(token.token);
      await countIs(page.getByRole("link", { name: "Physical clusters" }), 0);
      await page.getByRole("link", { name: "Config history" }).click();
      await shows(page.locator("main table tbody"), "rollback to 1");
      await countIs(page.getByRole("button", { name: /^Roll back/ }), 0);
      expect(await call("POST", "/api/v1/config/rollback", token.token, { version: 2 })).toMatchObject({ status: 403, body: { error: { code: "forbidden" } } });
      await page.close();
    }
  });

  it("a tenant's token sees none of the platform pages, and the API refuses them", async () => {
    const page = await signIn(team.token);
    await shows(page.getByTestId("current-vc"), /^shop$/);
    for (const label of ["Config history", "Audit log", "Event log", "Physical clusters", "Virtual clusters"]) await countIs(page.getByRole("link", { name: label }), 0);
    for (const platformPage of ["history", "audit", "events", "physical-clusters"]) {
      await page.goto(`${consoleUrl()}#/platform/${platformPage}`);
      await waitUntil(() => page.url().endsWith("#/vc/shop/topics"), { what: `#/platform/${platformPage} to lead to the tenant's own topics` });
      await page.getByRole("heading", { name: /^Topics/ }).waitFor();
    }
    for (const path of ["/api/v1/config/versions", "/api/v1/config/diff?from=1&to=2", "/api/v1/physical-clusters"]) expect((await call("GET", path, team.token)).status).toBe(403);
    const { body } = await call("GET", "/api/v1/audit", team.token);
    expect(body.entries.every((e: { virtualCluster?: string }) => e.virtualCluster === "shop")).toBe(true);
  });
});
