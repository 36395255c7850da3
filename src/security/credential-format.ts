// The text form of a stored SCRAM credential, as Kafka writes it (ScramCredentialUtils):
// "salt=<base64>,stored_key=<base64>,server_key=<base64>,iterations=<n>". `bulkhead credentials hash` prints it.
import { MAX_ITERATIONS, MIN_ITERATIONS, type ScramCredential } from "./scram.js";

export function formatScramCredential(credential: ScramCredential): string {
  const b64 = (b: Buffer) => b.toString("base64");
  return `salt=${b64(credential.salt)},stored_key=${b64(credential.storedKey)},server_key=${b64(credential.serverKey)},iterations=${credential.iterations}`;
}

/** The credential, or the reason it isn't one (which never repeats the text: it is a secret). */
export function parseScramCredential(text: string, keyBytes: number): ScramCredential | string {
  const fields = new Map<string, string>();
  for (const part of text.trim().split(",")) {
    const eq = part.indexOf("=");
    if (eq > 0) fields.set(part.slice(0, eq), part.slice(eq + 1));
  }
  const expected = "expected salt=<base64>,stored_key=<base64>,server_key=<base64>,iterations=<n>";
  const [salt, storedKey, serverKey, iterations] = ["salt", "stored_key", "server_key", "iterations"].map((k) => fields.get(k));
  if (salt === undefined || storedKey === undefined || serverKey === undefined || iterations === undefined) return expected;
  const n = Number(iterations);
  if (!Number.isInteger(n) || n < MIN_ITERATIONS || n > MAX_ITERATIONS) return `iterations must be ${MIN_ITERATIONS}-${MAX_ITERATIONS}`;
  const decoded = [salt, storedKey, serverKey].map((b) => Buffer.from(b, "base64"));
  if (decoded[0]!.length === 0) return "the salt is empty";
  if (decoded[1]!.length !== keyBytes || decoded[2]!.length !== keyBytes) return `stored_key and server_key must be ${keyBytes} bytes for this mechanism`;
  return { salt: decoded[0]!, storedKey: decoded[1]!, serverKey: decoded[2]!, iterations: n };
}
