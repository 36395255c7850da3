import { execFileSync } from "node:child_process";
import { defineConfig, type ReporterDescription } from "@playwright/test";

// The console's tests in a real browser (test/browser/*.spec.ts, `npx playwright test`): Debian's Chromium
// (`apt-get install chromium`, or BULKHEAD_TEST_CHROMIUM=path; Playwright's own browser download is not used), against
// the Kafka cluster test/browser/global-setup.ts starts, or the one BULKHEAD_TEST_BOOTSTRAP=host:port,... names.
// The specs' screenshots, and a screenshot and trace of every failed test, go to test-artifacts/.
// BULKHEAD_TEST_REPORT=DIR/NAME.json (CI's test legs) also writes Playwright's JSON report, to DIR/NAME.browser.json.
const report = process.env.BULKHEAD_TEST_REPORT;
// Gateways in the specs log every connection at info; warnings and errors are what a failed run needs.
process.env.BULKHEAD_LOG_LEVEL ??= "warn";

function chromiumPath(): string {
  const fromEnv = process.env.BULKHEAD_TEST_CHROMIUM;
  if (fromEnv) return fromEnv;
  try {
    return execFileSync("sh", ["-c", "command -v chromium || command -v chromium-browser"], { encoding: "utf8" }).trim();
  } catch {
    throw new Error("Chromium not found: apt-get install chromium (or set BULKHEAD_TEST_CHROMIUM)");
  }
}

const reporters: ReporterDescription[] = [["list"]];
if (report) reporters.push(["json", { outputFile: report.replace(/\.json$/, ".browser.json") }]);

export default defineConfig({
  testDir: "test/browser",
  testMatch: "*.spec.ts",
  globalSetup: "./test/browser/global-setup.ts",
  // Each spec file runs its tests in order against one gateway; the machine has 2 cores shared with Kafka's JVMs.
  workers: 1,
  retries: 0,
  forbidOnly: true,
  reporter: reporters,
  // CI machines have 2 cores shared with JVMs: what takes a second alone can take several under load.
  timeout: 120_000,
  expect: { timeout: 30_000 },
  outputDir: "test-artifacts/playwright",
  use: {
    browserName: "chromium",
    launchOptions: { executablePath: chromiumPath() },
    viewport: { width: 1280, height: 800 },
    // A locator action that finds nothing fails in seconds, not after the test's whole timeout.
    actionTimeout: 10_000,
    screenshot: "only-on-failure",
    trace: "retain-on-failure",
  },
});
