// What the console's specs share: Playwright's `test` with the run's Kafka cluster as a fixture, a sign-in that opens
// a fresh browser context (its own sessionStorage; closed after the test), and screenshots kept for review.
import { test as base, type BrowserContext, type Page } from "@playwright/test";
import { fileURLToPath } from "node:url";
import type { HostPort } from "../../src/config/types.js";
import type { ProvidedKafka } from "../harness/provided.js";
import { KAFKA_ENV } from "./global-setup.js";

/** Where the specs' screenshots go (gitignored), beside what Playwright keeps of a failed test. */
const ARTIFACTS = fileURLToPath(new URL("../../test-artifacts/", import.meta.url));

/** The console on a gateway's control listener. */
export const consoleUrl = (control: HostPort): string => `http://${control.host}:${control.port}/ui/`;

export type SignIn = (url: string, token: string, colorScheme?: "light" | "dark") => Promise<Page>;

export const test = base.extend<{ signIn: SignIn }, { kafka: ProvidedKafka }>({
  kafka: [
    // eslint-disable-next-line no-empty-pattern -- Playwright reads a fixture's dependencies from this pattern
    async ({}, use) => {
      const provided = process.env[KAFKA_ENV];
      if (!provided) throw new Error(`${KAFKA_ENV} is not set: run the specs with playwright.config.ts, whose global setup sets it`);
      await use(JSON.parse(provided) as ProvidedKafka);
    },
    { scope: "worker" },
  ],

  /** A fresh page signed in to the console at `url` with `token`: it has shown who the token is. */
  signIn: async ({ browser }, use) => {
    const contexts: BrowserContext[] = [];
    await use(async (url, token, colorScheme = "light") => {
      const context = await browser.newContext({ colorScheme });
      contexts.push(context);
      const page = await context.newPage();
      // Every destructive action asks first; a test accepts, as a user who read it would.
      page.on("dialog", (dialog) => void dialog.accept());
      await page.goto(url);
      await page.getByPlaceholder("paste an admin API token").fill(token);
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.locator("header .who").waitFor();
      return page;
    });
    for (const context of contexts) await context.close();
  },
});

export { expect } from "@playwright/test";

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `${ARTIFACTS}${name}.png`, fullPage: true });
}

/** Text assertions read what a user sees, as innerText does: table cells apart by tabs, hidden elements left out. */
export const asShown = { useInnerText: true } as const;
