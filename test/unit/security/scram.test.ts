// SCRAM on the server side: RFC 7677's SCRAM-SHA-256 example byte for byte, SHA-512 against an independent client
// computation, and every way an exchange fails.
import { createHash, createHmac, pbkdf2Sync, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { formatScramCredential, parseScramCredential } from "../../../src/security/credential-format.js";
import { SaslAuthenticator, type SaslStep } from "../../../src/security/sasl-authenticator.js";
import { passwordMatches, scramCredential, scramCredentialAsync, ScramServerExchange, type ScramCredential, type ScramMechanism } from "../../../src/security/scram.js";

const RFC_SALT = Buffer.from("W22ZaJ0SNY7soEsUEjb6gQ==", "base64");

describe("ScramServerExchange", () => {
  it("reproduces RFC 7677's SCRAM-SHA-256 example", () => {
    const credential = scramCredential("SCRAM-SHA-256", "pencil", 4096, RFC_SALT);
    const exchange = new ScramServerExchange("SCRAM-SHA-256", (u) => (u === "user" ? credential : undefined), randomBytes(32), () => "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0");
    const first = exchange.step(Buffer.from("n,,n=user,r=rOprNGfwEbeRWgbNEkqO"));
    expect(first.kind === "challenge" && first.message.toString()).toBe("r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096");
    const final = exchange.step(Buffer.from("c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ="));
    expect(final).toMatchObject({ kind: "done", user: "user" });
    expect(final.kind === "done" && final.message.toString()).toBe("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=");
  });

  it.each(["SCRAM-SHA-256", "SCRAM-SHA-512"] as const)("%s: the admin API's asynchronous hashing makes the same credential as the synchronous one", async (mechanism) => {
    const pending = scramCredentialAsync(mechanism, "pencil", 8192, RFC_SALT);
    expect(pending).toBeInstanceOf(Promise);
    expect(await pending).toEqual(scramCredential(mechanism, "pencil", 8192, RFC_SALT));
    expect(passwordMatches(mechanism, await scramCredentialAsync(mechanism, "s3cret"), "s3cret")).toBe(true);
  });

  /** A client's side of the exchange, computed here from the password (independently of the server code). */
  function clientRun(
    mechanism: ScramMechanism,
    credential: ScramCredential | undefined,
    user: string,
    password: string,
    tamper?: (final: string) => string,
    finalNonce: (nonce: string) => string = (nonce) => nonce,
  ) {
    const algo = mechanism === "SCRAM-SHA-256" ? "sha256" : "sha512";
    const exchange = new ScramServerExchange(mechanism, (u) => (u === "alice" ? credential : undefined), randomBytes(32));
    const clientFirstBare = `n=${user},r=clientnonce123`;
    const first = exchange.step(Buffer.from(`n,,${clientFirstBare}`));
    if (first.kind !== "challenge") return first;
    const serverFirst = first.message.toString();
    const attrs = Object.fromEntries(serverFirst.split(",").map((p) => [p[0], p.slice(2)]));
    const salted = pbkdf2Sync(password, Buffer.from(attrs.s!, "base64"), Number(attrs.i), algo === "sha256" ? 32 : 64, algo);
    const clientKey = createHmac(algo, salted).update("Client Key").digest();
    const storedKey = createHash(algo).update(clientKey).digest();
    const withoutProof = `c=biws,r=${finalNonce(attrs.r!)}`;
    const signature = createHmac(algo, storedKey).update(`${clientFirstBare},${serverFirst},${withoutProof}`).digest();
    const proof = Buffer.from(clientKey.map((b, i) => b ^ signature[i]!));
    const final = `${withoutProof},p=${proof.toString("base64")}`;
    return exchange.step(Buffer.from(tamper ? tamper(final) : final));
  }

  it.each(["SCRAM-SHA-256", "SCRAM-SHA-512"] as const)("%s: the right password succeeds, a wrong one fails at the proof", (mechanism) => {
    const credential = scramCredential(mechanism, "s3cret", 4096);
    expect(clientRun(mechanism, credential, "alice", "s3cret")).toMatchObject({ kind: "done", user: "alice" });
    expect(clientRun(mechanism, credential, "alice", "wrong")).toMatchObject({ kind: "failed", reason: "bad-proof" });
  });

  it("an unknown user gets a challenge like any user (a stable made-up salt) and fails only at the proof", () => {
    const key = randomBytes(32);
    const challenge = () => {
      const exchange = new ScramServerExchange("SCRAM-SHA-256", () => undefined, key);
      const step = exchange.step(Buffer.from("n,,n=mallory,r=abc"));
      return step.kind === "challenge" ? step.message.toString().split(",").slice(1).join(",") : "";
    };
    expect(challenge()).toMatch(/^s=[A-Za-z0-9+/=]+,i=4096$/);
    expect(challenge()).toBe(challenge());
    expect(clientRun("SCRAM-SHA-256", undefined, "mallory", "x")).toMatchObject({ kind: "failed", reason: "unknown-user" });
  });

  it("accepts librdkafka's final nonce (its client nonce again in front of the whole nonce), as Kafka does", () => {
    const credential = scramCredential("SCRAM-SHA-512", "s3cret", 4096);
    const librdkafka = (nonce: string) => `clientnonce123${nonce}`;
    expect(clientRun("SCRAM-SHA-512", credential, "alice", "s3cret", undefined, librdkafka)).toMatchObject({ kind: "done", user: "alice" });
    expect(clientRun("SCRAM-SHA-512", credential, "alice", "s3cret", undefined, (nonce) => `${nonce}x`)).toMatchObject({ reason: "nonce-mismatch" });
  });

  it("refuses a changed nonce, a channel binding it didn't offer, and malformed messages", () => {
    const credential = scramCredential("SCRAM-SHA-256", "s3cret", 4096);
    expect(clientRun("SCRAM-SHA-256", credential, "alice", "s3cret", (f) => f.replace(/r=clientnonce123/, "r=othernonce"))).toMatchObject({ reason: "nonce-mismatch" });
    expect(clientRun("SCRAM-SHA-256", credential, "alice", "s3cret", (f) => f.replace("c=biws", "c=eSws"))).toMatchObject({ reason: "channel-binding" });
    const exchange = () => new ScramServerExchange("SCRAM-SHA-256", () => credential, randomBytes(32));
    for (const bad of ["", "p=tls-unique,,n=alice,r=x", "n,,n=al=ice,r=x", "n,,r=x", "n,,n=alice,r="]) {
      expect(exchange().step(Buffer.from(bad)), bad).toMatchObject({ kind: "failed", reason: "malformed" });
    }
  });
});

describe("stored credentials", () => {
  it("round-trip through Kafka's text form, and PLAIN checks a password against them", () => {
    const credential = scramCredential("SCRAM-SHA-512", "s3cret", 8192);
    const parsed = parseScramCredential(formatScramCredential(credential), 64);
    expect(parsed).toEqual(credential);
    expect(passwordMatches("SCRAM-SHA-512", credential, "s3cret")).toBe(true);
    expect(passwordMatches("SCRAM-SHA-512", credential, "s3cret ")).toBe(false);
  });

  it("says what is wrong with a credential without repeating it", () => {
    const text = formatScramCredential(scramCredential("SCRAM-SHA-256", "pw"));
    expect(parseScramCredential(text, 64)).toBe("stored_key and server_key must be 64 bytes for this mechanism");
    expect(parseScramCredential(text.replace("iterations=4096", "iterations=100"), 32)).toBe("iterations must be 4096-16384");
    expect(parseScramCredential("hunter2", 32)).not.toContain("hunter2");
  });
});

describe("SaslAuthenticator PLAIN", () => {
  const alice = { name: "alice", scramSha256: scramCredential("SCRAM-SHA-256", "s3cret") };
  const plain = (token: string) => new SaslAuthenticator([alice]).start("PLAIN").step(Buffer.from(token)) as SaslStep; // PLAIN is synchronous

  it("accepts the right password, and an authorization id only when it is the user", () => {
    expect(plain("\0alice\0s3cret")).toMatchObject({ kind: "done", user: "alice" });
    expect(plain("alice\0alice\0s3cret")).toMatchObject({ kind: "done", user: "alice" });
    expect(plain("bob\0alice\0s3cret")).toMatchObject({ kind: "failed" });
  });

  it("fails a wrong password, an unknown user and a malformed message alike", () => {
    for (const token of ["\0alice\0nope", "\0bob\0s3cret", "alice", "\0\0"]) expect(plain(token).kind, token).toBe("failed");
  });
});

describe("ScramClientExchange against the server side", () => {
  it.each(["SCRAM-SHA-256", "SCRAM-SHA-512"] as const)("%s: logs in, and checks the server's signature", async (mechanism) => {
    const { ScramClientExchange } = await import("../../../src/security/scram-client.js");
    const credential = scramCredential(mechanism, "s3cret");
    const server = new ScramServerExchange(mechanism, () => credential, randomBytes(32));
    const client = new ScramClientExchange(mechanism, "alice", "s3cret");
    const first = server.step(client.first());
    if (first.kind !== "challenge") throw new Error(first.kind);
    const done = server.step(client.final(first.message));
    if (done.kind !== "done") throw new Error(done.kind);
    expect(client.verify(done.message)).toBe(true);
    expect(client.verify(Buffer.from("v=AAAA"))).toBe(false);
    const wrong = new ScramClientExchange(mechanism, "alice", "nope");
    const server2 = new ScramServerExchange(mechanism, () => credential, randomBytes(32));
    const challenge = server2.step(wrong.first());
    expect(challenge.kind === "challenge" && server2.step(wrong.final(challenge.message))).toMatchObject({ kind: "failed", reason: "bad-proof" });
  });
});

describe("the gateway's SaltedPassword for its own upstream logins", () => {
  it("is computed once per (mechanism, password, salt, iterations) and reused by later logins", async () => {
    const { saltedPassword } = await import("../../../src/security/scram-client.js");
    const salt = randomBytes(32);
    const first = saltedPassword("SCRAM-SHA-512", "s3cret", salt, 4096);
    expect(saltedPassword("SCRAM-SHA-512", "s3cret", salt, 4096)).toBe(first); // the same buffer: not derived again
    // Any other input derives anew, and the stored credential agrees with what was derived.
    expect(saltedPassword("SCRAM-SHA-512", "other", salt, 4096).equals(first)).toBe(false);
    expect(saltedPassword("SCRAM-SHA-512", "s3cret", randomBytes(32), 4096).equals(first)).toBe(false);
    expect(saltedPassword("SCRAM-SHA-512", "s3cret", salt, 4097).equals(first)).toBe(false);
    expect(saltedPassword("SCRAM-SHA-256", "s3cret", salt, 4096)).toHaveLength(32);
    const clientKey = createHmac("sha512", first).update("Client Key").digest();
    expect(createHash("sha512").update(clientKey).digest()).toEqual(scramCredential("SCRAM-SHA-512", "s3cret", 4096, salt).storedKey);
  });
});
