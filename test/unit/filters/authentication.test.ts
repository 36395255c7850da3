// The authentication gate through a FilterChain, without sockets: what is answered before authentication, how each
// failure is answered, the principal, the session lifetime and re-authentication.
import { describe, expect, it } from "vitest";
import { AuthenticationFilter, SASL_ANSWERED } from "../../../src/filters/authentication.js";
import { FilterChain } from "../../../src/filters/chain.js";
import { logger } from "../../../src/log.js";
import { ErrorCode } from "../../../src/protocol/error-codes.js";
import { encodeRequestHeader, decodeResponseHeader } from "../../../src/protocol/headers.js";
import { API_BY_KEY, ApiKey } from "../../../src/protocol/messages/index.js";
import { Reader } from "../../../src/protocol/reader.js";
import { Writer } from "../../../src/protocol/writer.js";
import { SaslAuthenticator } from "../../../src/security/sasl-authenticator.js";
import { ScramClientExchange } from "../../../src/security/scram-client.js";
import { scramCredential } from "../../../src/security/scram.js";
import { TENANT_VERSION_RANGES } from "../../../src/tenancy/api-policy.js";
import type { Frame } from "../../../src/protocol/frame-splitter.js";
import { Session } from "../../../src/session/session.js";
import { decide, testEndpoint, testSession } from "./chain-fixture.js";

const outcomes: string[] = [];
function gate(sessionLifetimeMs = 0, failureDelayMs = 100) {
  const filter = new AuthenticationFilter({
    mechanisms: ["PLAIN", "SCRAM-SHA-512"],
    authenticator: new SaslAuthenticator([{ name: "alice", scramSha512: scramCredential("SCRAM-SHA-512", "pw") }]),
    settings: { sessionLifetimeMs, failureDelayMs, timeoutMs: 60_000 },
    forwardable: TENANT_VERSION_RANGES,
    answered: SASL_ANSWERED,
    brokerApiVersions: async () => [{ apiKey: ApiKey.Metadata, minVersion: 0, maxVersion: 13 }, { apiKey: ApiKey.ApiVersions, minVersion: 0, maxVersion: 4 }],
    observer: { authentication: (_s, mechanism, outcome) => outcomes.push(`${mechanism} ${outcome}`) },
    log: logger,
  });
  return { filter, chain: new FilterChain([filter]) };
}

function frame(apiKey: number, version: number, message: object): Frame {
  const writer = new Writer();
  encodeRequestHeader(writer, { apiKey, apiVersion: version, correlationId: 5, clientId: "c" });
  API_BY_KEY.get(apiKey)!.encodeRequest(writer, version, message as never);
  const chunks = writer.toChunks();
  return { size: chunks.reduce((n, c) => n + c.length, 0), chunks };
}

function responseOf<T>(apiKey: number, version: number, body: Buffer): T {
  const reader = new Reader(body);
  decodeResponseHeader(reader, apiKey === ApiKey.ApiVersions ? 0 : version >= (API_BY_KEY.get(apiKey)!.responseFlexibleFrom ?? 99) ? 1 : 0);
  return API_BY_KEY.get(apiKey)!.decodeResponse(reader, version) as T;
}

const handshake = (mechanism: string) => frame(ApiKey.SaslHandshake, 1, { mechanism });
const plain = (password: string, user = "alice") => frame(ApiKey.SaslAuthenticate, 2, { authBytes: Buffer.from(`\0${user}\0${password}`) });
const metadata = frame(ApiKey.Metadata, 12, { topics: [], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });

async function authenticate(chain: FilterChain, session: ReturnType<typeof testSession>, password = "pw") {
  await decide(chain, handshake("PLAIN"), session);
  return decide(chain, plain(password), session);
}

describe("AuthenticationFilter", () => {
  it("answers ApiVersions itself before authentication: the broker's ranges for what may be forwarded, plus SASL", async () => {
    const { filter, chain } = gate();
    const session = testSession();
    filter.sessionOpened(session);
    const decision = await decide(chain, frame(ApiKey.ApiVersions, 3, { clientSoftwareName: "x", clientSoftwareVersion: "1" }), session);
    if (decision.kind !== "respond") throw new Error(decision.kind);
    const { apiKeys } = responseOf<{ apiKeys: { apiKey: number }[] }>(ApiKey.ApiVersions, 3, decision.body);
    expect(apiKeys.map((k) => k.apiKey)).toEqual([ApiKey.Metadata, ApiKey.ApiVersions, ApiKey.SaslHandshake, ApiKey.SaslAuthenticate].sort((a, b) => a - b));
    expect(filter.sessionReady(session)).toBe(false);
    filter.sessionClosed(session);
  });

  it("closes on any other request before authentication", async () => {
    const { filter, chain } = gate();
    const session = testSession();
    filter.sessionOpened(session);
    expect(await decide(chain, metadata, session)).toMatchObject({ kind: "close", refusal: "unauthenticated" });
    filter.sessionClosed(session);
  });

  it("authenticates PLAIN: principal set, session ready, no lifetime", async () => {
    const { filter, chain } = gate();
    const session = testSession();
    filter.sessionOpened(session);
    const done = await authenticate(chain, session);
    if (done.kind !== "respond") throw new Error(done.kind);
    expect(responseOf(ApiKey.SaslAuthenticate, 2, done.body)).toMatchObject({ errorCode: 0, sessionLifetimeMs: 0n });
    expect(session.principal).toEqual({ type: "User", name: "alice" });
    expect(filter.sessionReady(session)).toBe(true);
    expect(await decide(chain, metadata, session)).toMatchObject({ kind: "forward" });
    filter.sessionClosed(session);
  });

  it("answers a wrong password after the failure delay, doubled for each failure in a row from one address, then closes", async () => {
    const { filter, chain } = gate(0, 100);
    const delays: number[] = [];
    for (let i = 0; i < 3; i++) {
      const session = testSession(undefined, "10.9.9.9");
      filter.sessionOpened(session);
      const failed = await authenticate(chain, session, "nope");
      if (failed.kind !== "respond") throw new Error(failed.kind);
      expect(responseOf(ApiKey.SaslAuthenticate, 2, failed.body)).toMatchObject({ errorCode: ErrorCode.SASL_AUTHENTICATION_FAILED, errorMessage: "Authentication failed: invalid username or password" });
      delays.push(failed.delayMs);
      filter.sessionClosed(session);
    }
    expect(delays).toEqual([100, 200, 400]);
    const other = testSession(undefined, "10.1.1.1");
    filter.sessionOpened(other);
    const first = await authenticate(chain, other, "nope");
    expect(first.kind === "respond" && first.delayMs).toBe(100); // another address starts afresh
  });

  it("refuses a mechanism the listener doesn't offer, and SaslAuthenticate without a handshake", async () => {
    const { filter, chain } = gate();
    const session = testSession();
    filter.sessionOpened(session);
    const refused = await decide(chain, handshake("SCRAM-SHA-256"), session);
    if (refused.kind !== "respond") throw new Error(refused.kind);
    expect(responseOf(ApiKey.SaslHandshake, 1, refused.body)).toEqual({ errorCode: ErrorCode.UNSUPPORTED_SASL_MECHANISM, mechanisms: ["PLAIN", "SCRAM-SHA-512"] });
    const other = testSession();
    filter.sessionOpened(other);
    const early = await decide(chain, plain("pw"), other);
    if (early.kind !== "respond") throw new Error(early.kind);
    expect(responseOf(ApiKey.SaslAuthenticate, 2, early.body)).toMatchObject({ errorCode: ErrorCode.ILLEGAL_SASL_STATE });
  });

  it("gives the session lifetime, lets the same principal re-authenticate, and closes an expired session", async () => {
    const { filter, chain } = gate(50);
    const session = testSession();
    filter.sessionOpened(session);
    const done = await authenticate(chain, session);
    expect(done.kind === "respond" && responseOf(ApiKey.SaslAuthenticate, 2, done.body)).toMatchObject({ sessionLifetimeMs: 50n });
    expect((await authenticate(chain, session)).kind).toBe("respond"); // re-authentication
    const started = Date.now();
    while (Date.now() - started <= 60) await new Promise((r) => setImmediate(r)); // the lifetime is the condition
    outcomes.length = 0;
    expect(await decide(chain, metadata, session)).toMatchObject({ kind: "close" });
    expect(outcomes).toEqual(["PLAIN expired"]);
  });

  it("closes a session that is not authenticated in time", async () => {
    const filter = new AuthenticationFilter({
      mechanisms: ["PLAIN"],
      authenticator: new SaslAuthenticator([]),
      settings: { sessionLifetimeMs: 0, failureDelayMs: 0, timeoutMs: 20 },
      forwardable: TENANT_VERSION_RANGES,
      answered: SASL_ANSWERED,
      brokerApiVersions: async () => [],
      observer: {},
      log: logger,
    });
    // The deadline's timer is what is tested: the session's close is awaited, not polled.
    const closed = new Promise<string>((resolve) => {
      filter.sessionOpened(new Session(testEndpoint(), { kind: "bootstrap" }, "127.0.0.1", 50000, undefined, { muteUntil: () => undefined, close: resolve }));
    });
    expect(await closed).toBe("not authenticated in time");
  });
  it("the legacy flow: SaslHandshake v0, then raw SCRAM tokens (no request header) until the exchange ends; then requests", async () => {
    const { filter, chain } = gate();
    const session = testSession();
    filter.sessionOpened(session);
    const shake = await decide(chain, frame(ApiKey.SaslHandshake, 0, { mechanism: "SCRAM-SHA-512" }), session);
    if (shake.kind !== "respond") throw new Error(shake.kind);
    expect(responseOf<{ errorCode: number }>(ApiKey.SaslHandshake, 0, shake.body).errorCode).toBe(0);
    const client = new ScramClientExchange("SCRAM-SHA-512", "alice", "pw");
    const raw = (token: Buffer): Frame => ({ size: token.length, chunks: [token] });
    const serverFirst = await decide(chain, raw(client.first()), session);
    if (serverFirst.kind !== "respond") throw new Error(serverFirst.kind);
    const serverFinal = await decide(chain, raw(client.final(serverFirst.body)), session);
    if (serverFinal.kind !== "respond") throw new Error(serverFinal.kind);
    expect(client.verify(serverFinal.body)).toBe(true); // the raw server-final token, no response header
    expect(session.principal).toEqual({ type: "User", name: "alice" });
    expect(filter.sessionReady(session)).toBe(true);
    expect(filter.takesRawToken(session)).toBe(false); // back to Kafka requests
    expect((await decide(chain, metadata, session)).kind).toBe("forward");
    filter.sessionClosed(session);
  });

  it("the legacy flow with a wrong password closes the connection after the failure delay (v0 has no error answer)", async () => {
    const { filter, chain } = gate(0, 20);
    const session = testSession();
    filter.sessionOpened(session);
    await decide(chain, frame(ApiKey.SaslHandshake, 0, { mechanism: "PLAIN" }), session);
    const started = Date.now();
    const decision = await decide(chain, { size: 8, chunks: [Buffer.from("\0alice\0x")] }, session);
    expect(decision).toMatchObject({ kind: "close", refusal: "authentication_failed" });
    expect(Date.now() - started).toBeGreaterThanOrEqual(15);
    expect(session.principal).toBeUndefined();
    filter.sessionClosed(session);
  });
});
