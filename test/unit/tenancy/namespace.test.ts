import { describe, expect, it } from "vitest";
import { TenantNamespace } from "../../../src/tenancy/namespace.js";

const payments = new TenantNamespace("payments", "payments.");

describe("TenantNamespace: add, strip, owns", () => {
  it.each([
    ["orders", "payments.orders"],
    ["__consumer_offsets", "payments.__consumer_offsets"], // internal-looking: an ordinary name inside the namespace
    ["analytics.orders", "payments.analytics.orders"], // another tenant's physical name lands in ours
    ["payments.orders", "payments.payments.orders"],
    ["", "payments."], // empty: still namespaced, never a name shared with other tenants
    ["ümlaut groupe/1", "payments.ümlaut groupe/1"], // group and transactional ids may hold any character
  ])("%j <-> %j", (name, physical) => {
    expect(payments.add(name)).toBe(physical);
    expect(payments.owns(physical)).toBe(true);
    expect(payments.strip(physical)).toBe(name);
  });

  it.each([
    "analytics.orders",
    "__consumer_offsets",
    "__transaction_state",
    "payments", // the tenant name without the separator
    "paymentsx.orders",
    "Payments.orders", // names are case-sensitive
    "xpayments.orders",
    "",
  ])("%j is not the tenant's", (physical) => {
    expect(payments.owns(physical)).toBe(false);
    expect(payments.strip(physical)).toBeUndefined();
  });

  it("owns the name equal to the prefix: the tenant's empty name", () => {
    expect(payments.owns("payments.")).toBe(true);
    expect(payments.strip("payments.")).toBe("");
  });

  it("works with a prefix that has no separator and with regex metacharacters", () => {
    const bare = new TenantNamespace("t", "t_");
    expect(bare.add("x")).toBe("t_x");
    expect(bare.strip("t_x")).toBe("x");
    expect(bare.owns("t.x")).toBe(false);
    const odd = new TenantNamespace("odd", "a+b.(c)");
    expect(odd.scrub("topic a+b.(c)x and aab.(c)y")).toBe("topic x and aab.(c)y");
  });

  it("refuses an empty prefix, which would own every name on the cluster", () => {
    expect(() => new TenantNamespace("payments", "")).toThrow(/must not be empty/);
  });
});

describe("TenantNamespace.scrub", () => {
  it.each([
    ["Topic 'payments.orders' already exists.", "Topic 'orders' already exists."],
    ["Topic payments.orders not present in metadata", "Topic orders not present in metadata"],
    ["partitions [payments.a-0, payments.b-1]", "partitions [a-0, b-1]"],
    ["payments.orders", "orders"],
    ["payments.payments.orders", "payments.orders"], // the tenant's own name that starts with the prefix stays
    ["payments.", ""],
    ["The group payments.g1 has an unknown member", "The group g1 has an unknown member"],
    ["unrelated message", "unrelated message"],
    ["", ""],
    ["payments are fine", "payments are fine"], // the tenant name alone is not the prefix
  ])("%j -> %j", (text, scrubbed) => {
    expect(payments.scrub(text)).toBe(scrubbed);
  });

  it("removes the prefix only where a name starts, not inside another word", () => {
    const a = new TenantNamespace("a", "a.");
    expect(a.scrub("Topic a.data.x is invalid")).toBe("Topic data.x is invalid");
    expect(a.scrub("Topic a.mega.x and a.y")).toBe("Topic mega.x and y");
    expect(a.scrub("xa.y _a.y -a.y")).toBe("xa.y _a.y -a.y");
  });

  it("leaves no trace of the prefix in a message naming only the tenant's own topics", () => {
    const topics = ["orders", "data.x", "a.b", "payments"].map((t) => payments.add(t));
    const message = `Failed: ${topics.map((t) => `'${t}'`).join(", ")}`;
    expect(payments.scrub(message)).toBe("Failed: 'orders', 'data.x', 'a.b', 'payments'");
  });
});

describe("TenantNamespace.upstreamClientId", () => {
  it("is <tenant>/<client id>", () => {
    expect(payments.upstreamClientId("orders-service")).toBe("payments/orders-service");
    expect(new TenantNamespace("analytics", "an.").upstreamClientId("orders-service")).toBe("analytics/orders-service");
  });

  it("is <tenant>/ for a null or empty client id", () => {
    expect(payments.upstreamClientId(null)).toBe("payments/");
    expect(payments.upstreamClientId("")).toBe("payments/");
  });

  it("answers each id right when ids alternate (the last answer is cached)", () => {
    const ns = new TenantNamespace("t", "t.");
    expect(["a", "b", "a", null, "a", ""].map((id) => ns.upstreamClientId(id))).toEqual(["t/a", "t/b", "t/a", "t/", "t/a", "t/"]);
  });

  it("fits the int16-length header field, cutting at a character boundary", () => {
    const long = "x".repeat(32_767);
    const upstream = payments.upstreamClientId(long);
    expect(Buffer.byteLength(upstream)).toBe(32_767);
    expect(upstream.startsWith("payments/xxx")).toBe(true);
    const wide = payments.upstreamClientId("€".repeat(11_000)); // 3 bytes each
    expect(Buffer.byteLength(wide)).toBeLessThanOrEqual(32_767);
    expect(wide).toBe(`payments/${"€".repeat(Math.floor((32_767 - 9) / 3))}`);
    expect(wide).not.toContain("\uFFFD");
  });
});
