// A physical Kafka cluster (`clusters[]`): where its brokers are, and how the gateway itself connects and logs in to
// them. Imports zod only, so the admin API's console can type the clusters it lists; secrets.ts supplies `secret`.
import { z } from "zod";
import { hostPort, name } from "./fields.js";
import type { SecretField } from "./secret-reference.js";

/** A list of "host:port", or one comma-separated string (the form Kafka tools and our harness print). */
const bootstrap = z.preprocess(
  (value: string | string[]) => (typeof value === "string" ? value.split(",").map((part) => part.trim()) : value),
  z.array(hostPort).min(1, "needs at least one host:port"),
);

export const physicalCluster = (secret: SecretField) =>
  z
    .strictObject({
      name,
      bootstrap,
      tls: z
        .strictObject({
          ca: secret.optional(),
          certificate: secret.optional(),
          privateKey: secret.optional(),
          verifyHostname: z.boolean().default(true),
        })
        .refine((t) => (t.certificate === undefined) === (t.privateKey === undefined), "certificate and privateKey go together")
        .optional(),
      sasl: z.strictObject({ mechanism: z.enum(["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"]), username: z.string().min(1), password: secret }).optional(),
    });
