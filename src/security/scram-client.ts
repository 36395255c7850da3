// SCRAM on the client side (RFC 5802), for the gateway's own logins to brokers: client-first, then client-final with
// the proof, then the server's signature checked so a broker that doesn't know the password can't pass for one.
import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from "node:crypto";
import { LRUCache } from "lru-cache";
import type { ScramMechanism } from "./scram.js";

const ALGORITHM = { "SCRAM-SHA-256": ["sha256", 32], "SCRAM-SHA-512": ["sha512", 64] } as const;

/**
 * SaltedPassword by (mechanism, password, salt, iterations). A broker's salt for a user stays the same, and PBKDF2 at
 * thousands of iterations costs milliseconds of the data plane's thread: without this, every upstream connection
 * (one per client connection) would pay it again. Keyed by a digest, so no password sits in a key.
 */
const saltedPasswords = new LRUCache<string, Buffer>({ max: 64 });

export function saltedPassword(mechanism: ScramMechanism, password: string, salt: Buffer, iterations: number): Buffer {
  const [hash, bytes] = ALGORITHM[mechanism];
  const key = createHash("sha256").update(`${mechanism}\0${iterations}\0${salt.toString("base64")}\0`).update(password).digest("base64");
  let salted = saltedPasswords.get(key);
  if (salted === undefined) {
    salted = pbkdf2Sync(Buffer.from(password.normalize("NFKC"), "utf8"), salt, iterations, bytes, hash);
    saltedPasswords.set(key, salted);
  }
  return salted;
}

export class ScramClientExchange {
  private readonly clientNonce = randomBytes(24).toString("base64url");
  private readonly clientFirstBare: string;
  private serverSignature: Buffer | undefined;

  constructor(
    private readonly mechanism: ScramMechanism,
    user: string,
    private readonly password: string,
  ) {
    this.clientFirstBare = `n=${user.replaceAll("=", "=3D").replaceAll(",", "=2C")},r=${this.clientNonce}`;
  }

  first(): Buffer {
    return Buffer.from(`n,,${this.clientFirstBare}`, "utf8");
  }

  /** The client-final message for the server-first message; throws on a server that doesn't follow the protocol. */
  final(serverFirstMessage: Buffer): Buffer {
    const serverFirst = serverFirstMessage.toString("utf8");
    const attrs = new Map(serverFirst.split(",").map((part) => [part.slice(0, 1), part.slice(2)] as const));
    const nonce = attrs.get("r") ?? "";
    const salt = Buffer.from(attrs.get("s") ?? "", "base64");
    const iterations = Number(attrs.get("i"));
    if (!nonce.startsWith(this.clientNonce) || nonce === this.clientNonce || salt.length === 0 || !Number.isInteger(iterations) || iterations < 1) {
      throw new Error("the broker's SCRAM server-first message is malformed");
    }
    const [hash, bytes] = ALGORITHM[this.mechanism];
    const salted = saltedPassword(this.mechanism, this.password, salt, iterations);
    const clientKey = createHmac(hash, salted).update("Client Key").digest();
    const storedKey = createHash(hash).update(clientKey).digest();
    const withoutProof = `c=biws,r=${nonce}`;
    const authMessage = `${this.clientFirstBare},${serverFirst},${withoutProof}`;
    const signature = createHmac(hash, storedKey).update(authMessage).digest();
    const proof = Buffer.alloc(bytes);
    for (let i = 0; i < bytes; i++) proof[i] = clientKey[i]! ^ signature[i]!;
    this.serverSignature = createHmac(hash, createHmac(hash, salted).update("Server Key").digest()).update(authMessage).digest();
    return Buffer.from(`${withoutProof},p=${proof.toString("base64")}`, "utf8");
  }

  /** Whether the server-final message proves the broker knows the credential. */
  verify(serverFinalMessage: Buffer): boolean {
    const match = /^v=([A-Za-z0-9+/=]+)$/.exec(serverFinalMessage.toString("utf8"));
    if (match === null || this.serverSignature === undefined) return false;
    const signature = Buffer.from(match[1]!, "base64");
    return signature.length === this.serverSignature.length && timingSafeEqual(signature, this.serverSignature);
  }
}
