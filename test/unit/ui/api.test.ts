// The console's API client (ui/api.ts) against a stand-in fetch: a request the admin API refused with 429 (the token's
// requests in flight at control.maxInFlightPerToken) is sent again after its Retry-After, the 429 shown only once
// the retries are used up, and a cancelled query stops waiting at once.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ApiError, get } from "../../../ui/api.js";

const busy = () => new Response(JSON.stringify({ error: { code: "too_many_requests", message: "4 in flight" } }), { status: 429, headers: { "retry-after": "1" } });
const ok = () => new Response(JSON.stringify({ versions: [] }), { status: 200 });

let fetchMock: ReturnType<typeof vi.fn<typeof fetch>>;

beforeEach(() => {
  vi.useFakeTimers();
  fetchMock = vi.fn<typeof fetch>();
  vi.stubGlobal("fetch", fetchMock);
  vi.stubGlobal("sessionStorage", { getItem: () => "the-token", setItem: () => undefined, removeItem: () => undefined });
});

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe("the console's API client", () => {
  it("sends a request refused with 429 again after its Retry-After, and answers with what that got", async () => {
    fetchMock.mockResolvedValueOnce(busy()).mockResolvedValueOnce(ok());
    const answer = get<{ versions: unknown[] }>("/config/versions");
    await vi.advanceTimersByTimeAsync(999);
    expect(fetchMock).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    await expect(answer).resolves.toEqual({ versions: [] });
    expect(fetchMock).toHaveBeenCalledTimes(2);
    expect(fetchMock.mock.calls[1]![1]!.headers).toEqual({ authorization: "Bearer the-token" });
  });

  it("shows the 429 once its retries are used up", async () => {
    fetchMock.mockImplementation(async () => busy());
    const answer = get("/config/versions").catch((err: unknown) => err);
    await vi.advanceTimersByTimeAsync(10_000);
    const error = await answer;
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 429, code: "too_many_requests" });
    expect(fetchMock).toHaveBeenCalledTimes(6);
  });

  it("stops waiting to send again when its query is cancelled", async () => {
    fetchMock.mockImplementation(async () => busy());
    const abort = new AbortController();
    const answer = get("/config/versions", abort.signal).catch((err: unknown) => err);
    await vi.advanceTimersByTimeAsync(500);
    abort.abort(new DOMException("left the page", "AbortError"));
    expect(await answer).toMatchObject({ name: "AbortError" });
    await vi.advanceTimersByTimeAsync(10_000);
    expect(fetchMock).toHaveBeenCalledTimes(1);
  });
});
