// The admin API, called with the token the user pasted (kept in sessionStorage: gone when the tab closes). Every error
// answers one body shape, { error: { code, message } }, kept here as an ApiError to show as it is.
const TOKEN_KEY = "bulkhead.token";

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
  try {
    res = await fetch(`/api/v1${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: signal ?? null });
  } catch (err) {
    if (signal?.aborted === true) throw err;
    throw new ApiError(0, "unreachable", "the gateway's control plane did not answer");
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
