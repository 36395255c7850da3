// Secrets in the config (TLS keys, SCRAM credentials) may be written inline or referenced, so the file itself can be
// committed: { env: NAME } reads an environment variable, { file: PATH } a file (relative to the config file's
// folder). A problem names the reference, never the secret.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { z } from "zod";
import { secretReference, type SecretField } from "./secret-reference.js";

/** A secret's text: inline, or from the environment or a file. */
export function secret(baseDir: string): SecretField {
  return secretReference.transform((ref, ctx) => {
    if (typeof ref === "string") return ref;
    if ("env" in ref) {
      const value = process.env[ref.env];
      if (value === undefined || value === "") {
        ctx.issues.push({ code: "custom", message: `the environment variable ${ref.env} is not set`, input: ref });
        return z.NEVER;
      }
      return value;
    }
    const path = resolve(baseDir, ref.file);
    try {
      return readFileSync(path, "utf8");
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code ?? "read failed";
      ctx.issues.push({ code: "custom", message: `cannot read the file ${path} (${reason})`, input: ref });
      return z.NEVER;
    }
  });
}
