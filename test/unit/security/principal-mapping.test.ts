import { describe, expect, it } from "vitest";
import { mapPrincipal, parsePrincipalRule, type PrincipalRule } from "../../../src/security/principal-mapping.js";

const rules = (...texts: string[]) => texts.map((t) => parsePrincipalRule(t) as PrincipalRule);

describe("principal mapping rules (Kafka's ssl.principal.mapping.rules)", () => {
  it("takes the first rule that matches the whole subject, with $1 replacements and case changes", () => {
    const r = rules("RULE:^CN=(.*?),OU=ServiceUsers.*$/$1/L", "RULE:^CN=(.*?),OU=(.*?),.*$/$1@$2/", "DEFAULT");
    expect(mapPrincipal(r, "CN=Billing,OU=ServiceUsers,O=Example")).toBe("billing");
    expect(mapPrincipal(r, "CN=alice,OU=people,O=Example")).toBe("alice@people");
    expect(mapPrincipal(r, "CN=bare")).toBe("CN=bare"); // DEFAULT: the whole name
    expect(mapPrincipal(rules("RULE:^CN=(.*)$/$1/U"), "CN=x,O=y")).toBe("X,O=Y");
    expect(mapPrincipal(rules("RULE:^CN=([a-z]+)$/$1/"), "CN=x,O=y")).toBeUndefined(); // no rule matched
  });

  it("explains a rule that doesn't parse", () => {
    expect(parsePrincipalRule("RULE:^CN=(.*$/$1/")).toMatch(/^not a valid pattern/);
    expect(parsePrincipalRule("CN=(.*)")).toMatch(/^expected "DEFAULT"/);
  });
});
