// The admin API, called with the token the user pasted (kept in sessionStorage: gone when the tab closes). Every error
// answers one body shape, { error: { code, message } }, kept here as an ApiError to show as it is. A 429 is not an
// answer but "come back": one page asks for several things at once (the virtual-cluster list: three per row), and
// when their answers take a while (e.g. asked of the data plane's thread) more than the token's
// control.maxInFlightPerToken are in flight, so a refused request is sent again after its Retry-After.
const TOKEN_KEY = "bulkhead.token";
/** How many times a request refused with 429 is sent again before the 429 is shown. */
const BUSY_RETRIES = 5;

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export const token = {
  get: (): string | null => sessionStorage.getItem(TOKEN_KEY),
  set: (value: string) => sessionStorage.setItem(TOKEN_KEY, value),
  clear: () => sessionStorage.removeItem(TOKEN_KEY),
};

export async function call<T>(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
  const headers: Record<string, string> = { authorization: `Bearer ${token.get() ?? ""}` };
  if (body !== undefined) headers["content-type"] = "application/json";
  let res: Response;
  for (let retries = 0; ; retries++) {
    try {
      res = await fetch(`/api/v1${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: signal ?? null });
      // Refused before anything was done (the token's requests in flight), so sending it again is safe, a change too.
      if (res.status !== 429 || retries === BUSY_RETRIES) break;
      await pause(retryAfterMs(res), signal);
    } catch (err) {
      if (signal?.aborted === true) throw err;
      throw new ApiError(0, "unreachable", "the gateway's control plane did not answer");
    }
  }
  const text = await res.text();
  const parsed: unknown = text === "" ? undefined : JSON.parse(text);
  if (!res.ok) {
    const error = (parsed as { error?: { code?: string; message?: string } } | undefined)?.error;
    throw new ApiError(res.status, error?.code ?? `http_${res.status}`, error?.message ?? res.statusText);
  }
  return parsed as T;
}

export const get = <T>(path: string, signal?: AbortSignal) => call<T>("GET", path, undefined, signal);
export const enc = encodeURIComponent;

/** Retry-After in ms (its delay-seconds form, the one the admin API sends); 1 s without one. */
function retryAfterMs(res: Response): number {
  const seconds = Number(res.headers.get("retry-after") ?? "1");
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : 1000;
}

/** Waits `ms`; rejects at once if `signal` aborts (the query was cancelled, e.g. its page left). */
function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const abort = () => {
      clearTimeout(timer);
      reject(signal?.reason as Error);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", abort);
      resolve();
    }, ms);
    if (signal?.aborted === true) abort();
    else signal?.addEventListener("abort", abort, { once: true });
  });
}
