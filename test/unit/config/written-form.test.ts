import { describe, expect, it } from "vitest";
import { z } from "zod";
import { virtualClusterLimits } from "../../../src/config/limits.js";
import { asWritten } from "../../../src/config/written-form.js";

describe("asWritten", () => {
  it("keeps what a transform takes and makes a default optional, where the reading schema can't encode either", () => {
    const written = { tenantByteRate: { produce: "10MiB/s" }, topicByteRates: { default: { fetch: 1000 } }, maxRetainedBytes: "10GiB" };
    expect(() => z.encode(virtualClusterLimits, written as never)).toThrow();
    expect(z.encode(asWritten(virtualClusterLimits), written)).toEqual(written);
  });

  it("keeps objects strict and leaves' checks, and drops refinements, which check what was read", () => {
    const schema = asWritten(z.strictObject({ port: z.int().min(1), rate: z.string().transform(Number) }).refine((o) => o.rate > 0));
    expect(z.safeEncode(schema, { port: 1, rate: "0" }).success).toBe(true);
    expect(z.safeEncode(schema, { port: 0, rate: "1" }).success).toBe(false);
    expect(z.safeEncode(schema, { port: 1, rate: "1", other: true } as never).success).toBe(false);
  });

  it("answers a value as written: an overwrite such as trim is left out", () => {
    expect(z.encode(asWritten(z.object({ host: z.string().trim().min(1) })), { host: "example.com " })).toEqual({ host: "example.com " });
  });

  it("keeps a nullable and a union, and refuses a schema it has no written form for", () => {
    const schema = asWritten(z.union([z.number(), z.string().transform(Number)]).nullable().default(null));
    for (const value of [undefined, null, 5, "5"]) expect(z.encode(schema, value)).toBe(value);
    expect(() => asWritten(z.tuple([z.string()]))).toThrow(/no written form for a zod tuple/);
  });
});
