// Secrets never leave the control plane: config documents and audit entries are redacted before they are served or
// written. A secret is the value under one of these keys; an { env } or { file } reference only names where it is,
// so it stays readable.
import { isMap, isScalar, parseDocument, visit } from "yaml";

export const REDACTED = "[REDACTED]";

/** Passwords, SCRAM hashes, token digests, TLS private keys, and the keys of an inline JWKS. */
const SECRET_KEYS = new Set(["password", "scramSha256", "scramSha512", "sha256", "privateKey", "jwks"]);

/** A copy of a JSON-like value with every secret replaced. */
export function redact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redact);
  if (typeof value !== "object" || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, child]) => [key, SECRET_KEYS.has(key) && typeof child !== "object" ? REDACTED : redact(child)]),
  );
}

/** The YAML text with every inline secret replaced, comments and layout kept. */
export function redactYaml(text: string): string {
  const doc = parseDocument(text);
  visit(doc, {
    Pair(_key, pair) {
      if (isScalar(pair.key) && SECRET_KEYS.has(String(pair.key.value)) && !isMap(pair.value) && pair.value !== null) {
        pair.value = doc.createNode(REDACTED);
      }
    },
  });
  return doc.toString();
}
