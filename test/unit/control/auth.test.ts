import { describe, expect, it } from "vitest";
import type { ControlToken } from "../../../src/config/control.js";
import { ApiError } from "../../../src/control/api-error.js";
import { authenticate, createToken, requireInScope, requireRole, requireUnscoped, tokenDigest } from "../../../src/control/auth.js";

const ops = createToken();
const team = createToken();
const tokens: ControlToken[] = [
  { name: "ops", sha256: ops.sha256, role: "admin" },
  { name: "team", sha256: team.sha256, role: "viewer", virtualCluster: "payments" },
];

const status = (fn: () => unknown) => {
  try {
    fn();
    return 200;
  } catch (error) {
    return (error as ApiError).status;
  }
};

describe("admin API tokens", () => {
  it("makes 32 random bytes and stores only their SHA-256", () => {
    expect(Buffer.from(ops.token, "base64url")).toHaveLength(32);
    expect(ops.sha256).toBe(tokenDigest(ops.token).toString("hex"));
    expect(ops.sha256).not.toContain(ops.token);
  });

  it("finds the caller by its token, and refuses a missing, malformed or unknown one with 401", () => {
    expect(authenticate(`Bearer ${team.token}`, tokens)).toEqual({ name: "team", role: "viewer", virtualCluster: "payments" });
    for (const header of [undefined, "", team.token, `Basic ${team.token}`, `Bearer ${team.token}x`, `Bearer ${team.sha256}`]) {
      expect(status(() => authenticate(header, tokens)), String(header)).toBe(401);
    }
  });

  it("orders roles and keeps a scoped token to its virtual cluster, answering 404 outside it", () => {
    const caller = authenticate(`Bearer ${team.token}`, tokens);
    expect(status(() => requireRole(caller, "viewer"))).toBe(200);
    expect(status(() => requireRole(caller, "operator"))).toBe(403);
    expect(status(() => requireInScope(caller, "payments"))).toBe(200);
    expect(status(() => requireInScope(caller, "analytics"))).toBe(404);
    expect(status(() => requireUnscoped(caller))).toBe(403);
    expect(status(() => requireRole(authenticate(`Bearer ${ops.token}`, tokens), "admin"))).toBe(200);
  });
});
