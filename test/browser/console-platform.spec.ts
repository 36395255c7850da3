// The console's platform pages in a real browser (Debian's Chromium), against real Kafka through a real gateway
// started from a config file: config history with a diff and a rollback made in the UI, the audit log filtered, the
// event log of every tenant, the physical clusters; and who sees none of it (a tenant's token) or no rollback (a
// platform viewer or operator). Screenshots go to test-artifacts/.
import { createToken } from "../../src/control/auth.js";
import type { Gateway } from "../../src/gateway.js";
import { kafkajsClient, uniqueName } from "../harness/clients.js";
import { controlApiCaller } from "../harness/control-api.js";
import { bootstrapOf, portPerBrokerListener, startGatewayFromFile } from "../harness/gateway-from-file.js";
import { asShown, consoleUrl as consoleUrlOf, expect, screenshot, test } from "./fixtures.js";

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

test.describe("console: platform pages", () => {
  // One gateway for the file, whose config versions the tests count on in order: after a failure the rest are skipped.
  test.describe.configure({ mode: "serial" });
  const cleanups: (() => Promise<unknown>)[] = [];
  let gateway: Gateway;
  const call = controlApiCaller(() => gateway.controlAddress);
  const consoleUrl = () => consoleUrlOf(gateway.controlAddress);
  const topics = { shop: uniqueName("load"), other: uniqueName("load") };

  test.beforeAll(async ({ kafka }) => {
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
  });

  test.afterAll(async () => {
    for (const [vc, topic] of Object.entries(topics)) await call("DELETE", `/api/v1/virtual-clusters/${vc}/topics/${topic}`, ops.token).catch(() => undefined);
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  });

  test("the event log across tenants: both tenants' throttling, filtered by virtual cluster and type", async ({ signIn }) => {
    for (const vc of ["shop", "other"] as const) {
      const producer = kafkajsClient(bootstrapOf(gateway, vc), `${vc}-load`).producer({ allowAutoTopicCreation: true });
      await producer.connect();
      cleanups.push(() => producer.disconnect());
      // Over the 16 KiB/s limit until the gateway throttles (and logs it).
      const throttledEvents = async () => {
        await producer.send({ topic: topics[vc], messages: [{ value: "x".repeat(40_000) }] });
        return (await call("GET", `/api/v1/events?virtualCluster=${vc}&type=throttled`, ops.token)).body.events.length;
      };
      await expect.poll(throttledEvents, { message: `a throttled event for ${vc}`, timeout: 60_000 }).toBeGreaterThan(0);
    }

    const page = await signIn(consoleUrl(), ops.token);
    await page.getByRole("link", { name: "Event log" }).click();
    await expect(page.getByRole("heading", { name: "Event log, all virtual clusters" })).toBeVisible();
    const clusterColumn = page.locator("main table tbody td:nth-child(3)");
    await expect(page.locator("main table tbody")).toContainText(/shop\s+throttled/, asShown);
    await expect(page.locator("main table tbody")).toContainText(/other\s+throttled/, asShown);
    await screenshot(page, "platform-events");

    await page.locator("select[name=virtual-cluster]").selectOption("other");
    await page.getByRole("button", { name: "Filter" }).click();
    // Some events, and every one of them other's.
    await expect.poll(async () => [...new Set(await clusterColumn.allInnerTexts())], { message: "only other's events" }).toEqual(["other"]);
    await page.locator("select[name=type]").selectOption("config_rejected");
    await page.getByRole("button", { name: "Filter" }).click();
    await expect(page.locator("main")).toContainText("no events match", asShown);
  });

  test("a change made in the console is in the history and the audit log, diffed, and rolled back in the console", async ({ signIn }) => {
    // The tenant's operator raises its limits in the console (version 2); ops changes the other tenant's (version 3).
    const tenantPage = await signIn(consoleUrl(), team.token);
    await tenantPage.getByRole("link", { name: "ACLs, users, limits" }).click();
    await tenantPage.locator("textarea[name=limits]").fill(JSON.stringify(FAST));
    await tenantPage.getByRole("button", { name: "Save Limits" }).click();
    await expect(tenantPage.locator("main")).toContainText("saved as config version 2", asShown);
    expect(await call("PUT", "/api/v1/virtual-clusters/other/limits", ops.token, FAST)).toMatchObject({ status: 200, body: { version: { version: 3, by: "ops" } } });

    const page = await signIn(consoleUrl(), ops.token);
    await page.getByRole("link", { name: "Config history" }).click();
    const history = page.locator("main table tbody");
    await expect(history).toContainText(/#3\s.*\sops\s+PUT \/api\/v1\/virtual-clusters\/other\/limits\s+in force/, asShown);
    await expect(history).toContainText(/#2\s.*\sshop-team\s+PUT \/api\/v1\/virtual-clusters\/shop\/limits/, asShown);
    await expect(history.locator("tr")).toHaveCount(3);

    // The diff between version 1 and 2: the tenant's limit, and nothing of the other tenant's.
    await page.locator("select[name=diff-from]").selectOption("1");
    await page.locator("select[name=diff-to]").selectOption("2");
    await page.getByRole("button", { name: "Show diff" }).click();
    const diff = page.getByTestId("diff");
    await expect(diff.locator(".removed")).toContainText("produce: 16KiB/s", asShown);
    await expect(diff.locator(".added")).toContainText("produce: 2MiB/s", asShown);
    await expect(diff.locator(".removed, .added")).toHaveCount(2);
    await screenshot(page, "platform-history-diff");

    // The audit log, by who, what and time (one matching row each time).
    await page.getByRole("link", { name: "Audit log" }).click();
    const audit = page.locator("main table tbody tr");
    await expect(audit).toHaveCount(2);
    await page.locator("input[name=who]").fill("shop-team");
    await page.locator("input[name=since]").fill(localInput(Date.now() - 3_600_000));
    await page.getByRole("button", { name: "Filter" }).click();
    await expect(audit).toHaveText([/shop-team\s+PUT \/api\/v1\/virtual-clusters\/shop\/limits\s+shop\s+#2/], asShown);
    await audit.getByText("before → after").click();
    await expect(audit.locator(".change")).toContainText("2MiB/s", asShown);
    await screenshot(page, "platform-audit");
    await page.locator("input[name=who]").fill("");
    await page.locator("input[name=action]").fill("other");
    await page.getByRole("button", { name: "Filter" }).click();
    await expect(audit).toHaveText([/ops\s+PUT \/api\/v1\/virtual-clusters\/other\/limits/], asShown);
    await page.locator("input[name=since]").fill(localInput(Date.now() + 3_600_000));
    await page.getByRole("button", { name: "Filter" }).click();
    await expect(page.locator("main")).toContainText("no changes match", asShown);

    // Roll back to version 1: both tenants' limits are back, as version 4, and the rollback is audited.
    await page.getByRole("link", { name: "Config history" }).click();
    await history.getByRole("button", { name: "Roll back to #1" }).click();
    await expect(history).toContainText(/#4\s.*\sops\s+rollback to 1\s+in force/, asShown);
    await screenshot(page, "platform-history");
    for (const vc of ["shop", "other"]) expect(await call("GET", `/api/v1/virtual-clusters/${vc}/limits`, ops.token)).toMatchObject({ status: 200, body: { limits: SLOW } });
    expect(gateway.runtime.config.virtualClusters.find((vc) => vc.name === "shop")!.limits?.topicByteRates?.default?.produce).toBe(16 * 1024);
    const { body } = await call("GET", "/api/v1/audit?action=rollback", ops.token);
    expect(body.entries).toMatchObject([{ who: "ops", action: "rollback", version: 4, before: { version: 3 }, after: { version: 1 } }]);

    // One version's document, linked from the history.
    await history.getByRole("link", { name: "#1", exact: true }).click();
    await expect(page.getByTestId("version-info")).toContainText(/by /, asShown);
    await expect(page.getByTestId("version-document")).toContainText("16KiB/s", asShown);
  });

  test("physical clusters: as configured, credentials redacted, with the virtual clusters on each", async ({ signIn }) => {
    const page = await signIn(consoleUrl(), ops.token);
    await page.getByRole("link", { name: "Physical clusters" }).click();
    const rows = page.locator("main table tbody tr");
    await expect(rows).toHaveCount(2);
    const standby = rows.filter({ hasText: "standby" });
    await expect(rows.filter({ hasText: "shared" })).toContainText(/plaintext\s+none\s+shop, other/, asShown);
    await expect(standby).toContainText(/127\.0\.0\.1:1\s+plaintext\s+SCRAM-SHA-512\s+none/, asShown);
    await standby.getByText("as configured").click();
    await expect(standby.locator("pre")).toContainText('"mechanism": "SCRAM-SHA-512"', asShown);
    // textContent, hidden elements included: the password is nowhere in the page, shown or not.
    await expect(page.locator("main")).not.toContainText("standby-secret");
    await screenshot(page, "platform-physical-clusters");
  });

  test("a platform viewer or operator sees the history but no rollback, and a forced one is refused", async ({ signIn }) => {
    for (const token of [platformViewer, platformOperator]) {
      const page = await signIn(consoleUrl(), token.token);
      await expect(page.getByRole("link", { name: "Physical clusters" })).toHaveCount(0);
      await page.getByRole("link", { name: "Config history" }).click();
      await expect(page.locator("main table tbody")).toContainText("rollback to 1", asShown);
      await expect(page.getByRole("button", { name: /^Roll back/ })).toHaveCount(0);
      expect(await call("POST", "/api/v1/config/rollback", token.token, { version: 2 })).toMatchObject({ status: 403, body: { error: { code: "forbidden" } } });
      await page.close();
    }
  });

  test("a tenant's token sees none of the platform pages, and the API refuses them", async ({ signIn }) => {
    const page = await signIn(consoleUrl(), team.token);
    await expect(page.getByTestId("current-vc")).toHaveText("shop", asShown);
    for (const label of ["Config history", "Audit log", "Event log", "Physical clusters", "Virtual clusters"]) await expect(page.getByRole("link", { name: label })).toHaveCount(0);
    for (const platformPage of ["history", "audit", "events", "physical-clusters"]) {
      await page.goto(`${consoleUrl()}#/platform/${platformPage}`);
      await expect(page, `#/platform/${platformPage} leads to the tenant's own topics`).toHaveURL(/#\/vc\/shop\/topics$/);
      await expect(page.getByRole("heading", { name: /^Topics/ })).toBeVisible();
    }
    for (const path of ["/api/v1/config/versions", "/api/v1/config/diff?from=1&to=2", "/api/v1/physical-clusters"]) expect((await call("GET", path, team.token)).status).toBe(403);
    const { body } = await call("GET", "/api/v1/audit", team.token);
    expect(body.entries.every((e: { virtualCluster?: string }) => e.virtualCluster === "shop")).toBe(true);
  });
});
