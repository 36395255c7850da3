import { defineConfig } from "vitest/config";

// Two projects: fast unit tests, and integration tests that share one real Kafka cluster
// started once by the global setup (see test/global-setup.ts). The console's browser specs (test/browser/*.spec.ts)
// are Playwright's: see playwright.config.ts.
// BULKHEAD_TEST_REPORT=FILE also writes vitest's JSON report there (CI adds up the counts of its test legs).
const report = process.env.BULKHEAD_TEST_REPORT;

export default defineConfig({
  test: {
    ...(report ? { reporters: ["default", "json"], outputFile: { json: report } } : {}),
    projects: [
      {
        test: {
          name: "unit",
          include: ["test/unit/**/*.test.ts"],
          // CI machines have 2 cores shared with JVMs: a test that takes 1 s alone can take 8 under load.
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: "integration",
          include: ["test/integration/**/*.test.ts"],
          globalSetup: ["test/global-setup.ts"],
          // Gateways in these tests log every connection at info; warnings and errors are what a failed run needs.
          env: { BULKHEAD_LOG_LEVEL: process.env.BULKHEAD_LOG_LEVEL ?? "warn" },
          // Tests share one 3-broker cluster and a 2-core machine: run files one at a time.
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
