// A user of a virtual cluster (`virtualClusters[].users[]`): its name, and the stored SCRAM credentials it logs in with.
// Imports zod only, so the admin API's console can type the users it shows; schema.ts supplies the credential field.
import { z } from "zod";

/** A SASL user name: printable, no spaces or commas (they would need escaping in SCRAM messages). */
export const userName = z.string().regex(/^[\x21-\x2b\x2d-\x7e]+$/, "must be printable ASCII without spaces or ','");

/** Without a credential, a user can't log in with SASL, only be a client certificate's principal (mTLS). */
export const user = <C extends z.ZodType>(credential: (keyBytes: number) => C) =>
  z.strictObject({
    name: userName,
    scramSha256: credential(32).optional(),
    scramSha512: credential(64).optional(),
  });
