// A real browser for the console's tests: Debian's Chromium (`apt-get install chromium`), driven by playwright-core
// (Playwright's own browser download is not used). Screenshots go to test-artifacts/ (gitignored) for review.
import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type Locator, type Page } from "playwright-core";
import type { HostPort } from "../../src/config/types.js";
import { waitUntil } from "./wait.js";

export const ARTIFACTS = fileURLToPath(new URL("../../test-artifacts/", import.meta.url));

function chromiumPath(): string {
  const fromEnv = process.env.BULKHEAD_TEST_CHROMIUM;
  if (fromEnv) return fromEnv;
  try {
    return execFileSync("sh", ["-c", "command -v chromium || command -v chromium-browser"], { encoding: "utf8" }).trim();
  } catch {
    throw new Error("Chromium not found: apt-get install chromium (or set BULKHEAD_TEST_CHROMIUM)");
  }
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), args: ["--no-sandbox"] });
}

/** A fresh page (its own sessionStorage) on a laptop-sized screen, in light or dark mode. */
export async function newPage(browser: Browser, colorScheme: "light" | "dark" = "light"): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme });
  // A locator action that finds nothing fails in seconds, not after Playwright's default half minute.
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  // Every destructive action asks first; a test accepts, as a user who read it would.
  page.on("dialog", (dialog) => void dialog.accept());
  return page;
}

/** The console on a gateway's control listener. */
export const consoleUrl = (control: HostPort): string => `http://${control.host}:${control.port}/ui/`;

/** A fresh page signed in to the console with `token`: it has shown who the token is. */
export async function signIn(browser: Browser, url: string, token: string, colorScheme: "light" | "dark" = "light"): Promise<Page> {
  const page = await newPage(browser, colorScheme);
  await page.goto(url);
  await page.getByPlaceholder("paste an admin API token").fill(token);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.locator("header .who").waitFor();
  return page;
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/** Waits until the element's text contains `expected` (or matches it), answering the text. */
export function shows(locator: Locator, expected: string | RegExp): Promise<string> {
  return waitUntil(
    async () => {
      const text = await locator.innerText({ timeout: 1000 });
      return (typeof expected === "string" ? text.includes(expected) : expected.test(text)) && text;
    },
    { what: `${String(locator)} to show ${String(expected)}`, timeoutMs: 30_000 },
  );
}

/** Waits until exactly `count` elements match. */
export async function countIs(locator: Locator, count: number): Promise<void> {
  await waitUntil(async () => (await locator.count()) === count, { what: `${count} of ${String(locator)}`, timeoutMs: 30_000 });
}
