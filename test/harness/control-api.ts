// Calls to the admin API of a control server, with a bearer token, answering status and parsed JSON body.
import type { HostPort } from "../../src/config/types.js";

export interface ApiAnswer {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any route's JSON body; tests read the fields they know
  body: any;
}

export type ApiCall = (method: string, path: string, token: string | undefined, body?: unknown) => Promise<ApiAnswer>;

/** `address` is asked for on every call, so a test may build the caller before its server is up. */
export function controlApiCaller(address: () => HostPort): ApiCall {
  return async (method, path, token, body) => {
    const headers: Record<string, string> = token === undefined ? {} : { authorization: `Bearer ${token}` };
    if (body !== undefined) headers["content-type"] = "application/json";
    const { host, port } = address();
    const res = await fetch(`http://${host}:${port}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    return { status: res.status, body: text === "" ? undefined : JSON.parse(text) };
  };
}
