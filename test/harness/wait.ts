/** Waiting for a condition instead of sleeping: what integration tests do wherever a real cluster moves at its own pace. */

type Truthy<T> = Exclude<T, false | 0 | "" | null | undefined>;

export interface WaitOptions {
  /** What is awaited, for the timeout message; a function is asked at the timeout (e.g. to report progress). */
  what: string | (() => string);
  timeoutMs?: number;
  intervalMs?: number;
}

/**
 * Polls `condition` until it returns a truthy value (which is returned) or the time is up.
 * A throwing condition counts as "not yet"; its last error is named in the timeout message.
 */
export async function waitUntil<T>(condition: () => T | Promise<T>, opts: WaitOptions): Promise<Truthy<T>> {
  const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
  const intervalMs = opts.intervalMs ?? 200;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await condition();
      if (value) return value as Truthy<T>;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      const why = lastError instanceof Error ? ` (last error: ${lastError.message})` : "";
      const what = typeof opts.what === "function" ? opts.what() : opts.what;
      throw new Error(`timed out after ${opts.timeoutMs ?? 60_000} ms waiting for ${what}${why}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
