// How a secret is written in the config: inline, { env: NAME } or { file: PATH }. Apart from secrets.ts, which reads
// them (Node), so that the sections holding secrets can be described in modules that import zod only.
import { z } from "zod";

export const secretReference = z.union([
  z.string().min(1, "must not be empty"),
  z.strictObject({ env: z.string().min(1) }),
  z.strictObject({ file: z.string().min(1) }),
]);

/** A secret field: written as a reference, read as the secret's text (secrets.ts). */
export type SecretField = z.ZodType<string, z.input<typeof secretReference>>;

/** A secret field that reads nothing, for schemas that only describe a section as written (written-form.ts). */
export const unreadSecret: SecretField = secretReference.pipe(z.never());
