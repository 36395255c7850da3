// SCRAM (RFC 5802, RFC 7677) on the server side, as Kafka speaks it (KIP-84): the stored credential, the two-round
// exchange, and PLAIN checked against the same stored credential. Only salted hashes are ever stored; every
// comparison of secret-derived bytes is constant-time.
import { createHash, createHmac, pbkdf2, pbkdf2Sync, randomBytes, timingSafeEqual } from "node:crypto";
import { promisify } from "node:util";
import { MIN_ITERATIONS } from "./scram-iterations.js";

export { MAX_ITERATIONS, MIN_ITERATIONS } from "./scram-iterations.js";

export const SCRAM_MECHANISMS = ["SCRAM-SHA-256", "SCRAM-SHA-512"] as const;
export type ScramMechanism = (typeof SCRAM_MECHANISMS)[number];

/** A stored SCRAM credential: what the config holds instead of a password. */
export interface ScramCredential {
  readonly salt: Buffer;
  readonly iterations: number;
  readonly storedKey: Buffer;
  readonly serverKey: Buffer;
}

const HASH: Record<ScramMechanism, { name: "sha256" | "sha512"; bytes: number }> = {
  "SCRAM-SHA-256": { name: "sha256", bytes: 32 },
  "SCRAM-SHA-512": { name: "sha512", bytes: 64 },
};

const hmac = (mechanism: ScramMechanism, key: Buffer, text: string | Buffer) => createHmac(HASH[mechanism].name, key).update(text).digest();
const hash = (mechanism: ScramMechanism, data: Buffer) => createHash(HASH[mechanism].name).update(data).digest();

function saltedPassword(mechanism: ScramMechanism, password: string, salt: Buffer, iterations: number): Buffer {
  const { name, bytes } = HASH[mechanism];
  return pbkdf2Sync(Buffer.from(password.normalize("NFKC"), "utf8"), salt, iterations, bytes, name);
}

const pbkdf2Async = promisify(pbkdf2);

/** The stored credential for a password (a fresh random salt unless one is given). */
export function scramCredential(mechanism: ScramMechanism, password: string, iterations = MIN_ITERATIONS, salt = randomBytes(32)): ScramCredential {
  return credentialFrom(mechanism, saltedPassword(mechanism, password, salt, iterations), salt, iterations);
}

/**
 * scramCredential with the key stretching (10-20 ms) on libuv's thread pool, for the admin API: a user created
 * through it must not stall the data plane's event loop.
 */
export async function scramCredentialAsync(mechanism: ScramMechanism, password: string, iterations = MIN_ITERATIONS, salt = randomBytes(32)): Promise<ScramCredential> {
  const { name, bytes } = HASH[mechanism];
  const salted = await pbkdf2Async(Buffer.from(password.normalize("NFKC"), "utf8"), salt, iterations, bytes, name);
  return credentialFrom(mechanism, salted, salt, iterations);
}

function credentialFrom(mechanism: ScramMechanism, salted: Buffer, salt: Buffer, iterations: number): ScramCredential {
  return {
    salt,
    iterations,
    storedKey: hash(mechanism, hmac(mechanism, salted, "Client Key")),
    serverKey: hmac(mechanism, salted, "Server Key"),
  };
}

/** Whether `password` is the one `credential` was made from (PLAIN against stored SCRAM hashes). */
export function passwordMatches(mechanism: ScramMechanism, credential: ScramCredential, password: string): boolean {
  const salted = saltedPassword(mechanism, password, credential.salt, credential.iterations);
  const storedKey = hash(mechanism, hmac(mechanism, salted, "Client Key"));
  return timingSafeEqual(storedKey, credential.storedKey);
}

/** Why an exchange failed: for logs and metrics only; the client always gets the same neutral answer. */
export type ScramFailure = "malformed" | "unknown-user" | "bad-proof" | "nonce-mismatch" | "channel-binding";

export type ScramStep =
  | { readonly kind: "challenge"; readonly message: Buffer }
  | { readonly kind: "done"; readonly user: string; readonly message: Buffer }
  | { readonly kind: "failed"; readonly reason: ScramFailure; readonly user: string | undefined };

/**
 * One SCRAM exchange on the server side: client-first → server-first, client-final → server-final. An unknown user
 * gets a made-up salt (stable per user name, from `fakeSaltKey`) and fails only at the proof, so a client can't
 * tell whether a user exists.
 */
export class ScramServerExchange {
  private state: "first" | "final" | "ended" = "first";
  private user: string | undefined;
  private credential: ScramCredential | undefined;
  private nonce = "";
  private clientFirstBare = "";
  private serverFirst = "";
  private gs2Header = "";

  constructor(
    readonly mechanism: ScramMechanism,
    private readonly lookup: (user: string) => ScramCredential | undefined,
    private readonly fakeSaltKey: Buffer,
    /** The server's part of the nonce (tests pass RFC 7677's to check its exchange byte for byte). */
    private readonly serverNonce: () => string = () => randomBytes(24).toString("base64url"),
  ) {}

  step(message: Buffer): ScramStep {
    const text = message.toString("utf8");
    if (this.state === "first") return this.first(text);
    if (this.state === "final") return this.final(text);
    return this.fail("malformed");
  }

  private first(text: string): ScramStep {
    // gs2-header: "n," or "y," (no channel binding; "p=" would ask for one we don't offer), optional "a=authzid", ","
    const match = /^([ny]),(a=[^,]*)?,(.*)$/s.exec(text);
    if (match === null) return this.fail("malformed");
    this.gs2Header = `${match[1]},${match[2] ?? ""},`;
    this.clientFirstBare = match[3]!;
    const attrs = attributes(this.clientFirstBare);
    const name = attrs.get("n");
    const clientNonce = attrs.get("r");
    if (name === undefined || clientNonce === undefined || clientNonce === "" || !/^[\x21-\x2b\x2d-\x7e]+$/.test(clientNonce)) {
      return this.fail("malformed");
    }
    const user = unescapeSaslName(name);
    if (user === undefined) return this.fail("malformed");
    const authzid = match[2]?.slice(2);
    // Kafka accepts an authorization id only when it names the user itself.
    if (authzid !== undefined && authzid !== "" && unescapeSaslName(authzid) !== user) return this.fail("malformed");
    this.user = user;
    this.credential = this.lookup(user);
    const salt = this.credential?.salt ?? hmac(this.mechanism, this.fakeSaltKey, user);
    const iterations = this.credential?.iterations ?? MIN_ITERATIONS;
    this.nonce = clientNonce + this.serverNonce();
    this.serverFirst = `r=${this.nonce},s=${salt.toString("base64")},i=${iterations}`;
    this.state = "final";
    return { kind: "challenge", message: Buffer.from(this.serverFirst, "utf8") };
  }

  private final(text: string): ScramStep {
    const proofAt = text.lastIndexOf(",p=");
    if (proofAt < 0) return this.fail("malformed");
    const withoutProof = text.slice(0, proofAt);
    const attrs = attributes(withoutProof);
    const proof = Buffer.from(text.slice(proofAt + 3), "base64");
    if (attrs.get("c") !== Buffer.from(this.gs2Header, "utf8").toString("base64")) return this.fail("channel-binding");
    // Kafka checks that the final nonce ends with its nonce, not that it equals it: librdkafka sends the client nonce
    // again in front of the whole nonce. The proof covers the message as sent either way.
    if (!(attrs.get("r") ?? "").endsWith(this.nonce)) return this.fail("nonce-mismatch");
    const credential = this.credential;
    if (credential === undefined) return this.fail("unknown-user");
    if (proof.length !== HASH[this.mechanism].bytes) return this.fail("bad-proof");
    const authMessage = `${this.clientFirstBare},${this.serverFirst},${withoutProof}`;
    const clientSignature = hmac(this.mechanism, credential.storedKey, authMessage);
    const clientKey = Buffer.alloc(proof.length);
    for (let i = 0; i < proof.length; i++) clientKey[i] = proof[i]! ^ clientSignature[i]!;
    if (!timingSafeEqual(hash(this.mechanism, clientKey), credential.storedKey)) return this.fail("bad-proof");
    this.state = "ended";
    const serverSignature = hmac(this.mechanism, credential.serverKey, authMessage);
    return { kind: "done", user: this.user!, message: Buffer.from(`v=${serverSignature.toString("base64")}`, "utf8") };
  }

  private fail(reason: ScramFailure): ScramStep {
    this.state = "ended";
    return { kind: "failed", reason, user: this.user };
  }
}

/** "a=1,b=2" → {a: "1", b: "2"} (the first occurrence of each; values may contain "="). */
function attributes(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of text.split(",")) {
    const eq = part.indexOf("=");
    if (eq === 1 && !out.has(part[0]!)) out.set(part[0]!, part.slice(2));
  }
  return out;
}

/** RFC 5802's saslname: "=2C" is ",", "=3D" is "="; any other "=" is malformed. */
function unescapeSaslName(name: string): string | undefined {
  if (/=(?!2C|3D)/.test(name)) return undefined;
  return name.replaceAll("=2C", ",").replaceAll("=3D", "=");
}

/** Checks a SASL/PLAIN message ("authzid\0user\0password"); the password never leaves this function. */
export function parsePlain(message: Buffer): { authzid: string; user: string; password: string } | undefined {
  const parts = message.toString("utf8").split("\0");
  if (parts.length !== 3 || parts[1] === "" || parts[2] === "") return undefined;
  return { authzid: parts[0]!, user: parts[1]!, password: parts[2]! };
}
