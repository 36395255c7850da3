import { describe, expect, it } from "vitest";
import { parseDocument } from "yaml";
import { withoutAliases } from "../../../src/control/config-service.js";

describe("an API edit of a config that shares a section through a YAML anchor", () => {
  const text = `# the platform's config
virtualClusters:
  - name: shop
    limits: &limits
      topicByteRates: { default: { produce: 1MiB/s } } # per topic
  - name: other
    limits: *limits
`;

  it("changes only the place it edits: every alias became a copy of what it named, comments kept", () => {
    const doc = withoutAliases(parseDocument(text));
    doc.setIn(["virtualClusters", 0, "limits"], doc.createNode({ topicByteRates: { default: { produce: "2MiB/s" } } }));
    const out = doc.toString();
    expect(out).not.toMatch(/[&*]limits/);
    expect(out).toContain("# the platform's config");
    const plain = parseDocument(out).toJS() as { virtualClusters: { limits: unknown }[] };
    expect(plain.virtualClusters[0]!.limits).toEqual({ topicByteRates: { default: { produce: "2MiB/s" } } });
    expect(plain.virtualClusters[1]!.limits).toEqual({ topicByteRates: { default: { produce: "1MiB/s" } } });
  });

  it("without the expansion, the same edit leaves an alias naming nothing (the failure it prevents)", () => {
    const doc = parseDocument(text);
    doc.setIn(["virtualClusters", 0, "limits"], doc.createNode({ topicByteRates: {} }));
    expect(() => parseDocument(doc.toString()).toJS()).toThrow(/alias|anchor/i);
  });
});
