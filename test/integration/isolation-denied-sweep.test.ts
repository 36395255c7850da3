/**
 * Default deny, swept: every API the codec knows and the broker offers, but the tenant allowlist lacks, is sent
 * by a tenant as a sample request (one item in every list, so a response mirroring items has one to answer). The
 * gateway must answer CLUSTER_AUTHORIZATION_FAILED in every error code of it, or close the connection where it can
 * build no answer; the physical cluster runs without an authorizer, so that code can only come from the gateway.
 * And directly: the gateway's upstream request tap never sees one of them, while it sees the allowed control
 * request sent after each.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { ErrorCode } from "../../src/protocol/error-codes.js";
import { API_BY_KEY, ApiKey } from "../../src/protocol/messages/index.js";
import { TENANT_API_ALLOWLIST } from "../../src/tenancy/api-policy.js";
import { ConnectionClosedError, sampleRequest, type VersionRange } from "../harness/raw-client.js";
import { openTenantsSession, upstreamSinceWithControl, type TenantsSession } from "../harness/tenants.js";
import { errorCodes, stringify } from "./isolation-probes.table.js";

/** Ids nothing has, so that should a request ever get through it can't unregister or remove a live node. */
const NO_SUCH_NODE = 99_999;
const HARMLESS: Partial<Record<string, object>> = {
  UnregisterBroker: { brokerId: NO_SUCH_NODE },
  UnregisterController: { controllerId: NO_SUCH_NODE },
  AddRaftVoter: { voterId: NO_SUCH_NODE },
  RemoveRaftVoter: { voterId: NO_SUCH_NODE },
};

describe("default deny, every API off the allowlist", () => {
  const kafka = inject("kafka");
  let session: TenantsSession;
  let brokerVersions: Map<number, VersionRange>;

  beforeAll(async () => {
    session = await openTenantsSession(kafka, "denied-sweep");
    brokerVersions = await (await session.physical.raw()).apiVersions();
  });

  afterAll(async () => {
    await session?.close();
  });

  it("answers every other API missing from the allowlist with CLUSTER_AUTHORIZATION_FAILED or a closed connection, never sending it upstream", async () => {
    const tried: string[] = [];
    const triedKeys = new Set<number>();
    let closed = 0;
    const wrong: string[] = [];
    for (const api of API_BY_KEY.values()) {
      // DescribeAcls is answered by the gateway from the virtual cluster's rules (acl.test.ts), not refused.
      if (TENANT_API_ALLOWLIST.has(api.apiKey) || api.apiKey === ApiKey.DescribeAcls || !brokerVersions.has(api.apiKey)) continue;
      const own = await session.payments.raw();
      const mark = session.upstreamRequests().length;
      const version = Math.min(brokerVersions.get(api.apiKey)!.max, api.maxVersion);
      const outcome = await own.send(api.apiKey, version, sampleRequest(api.apiKey, version, { ...HARMLESS[api.name] })).then((response: unknown) => ({ response }), (err: unknown) => ({ err }));
      if ("err" in outcome) {
        if (!(outcome.err instanceof ConnectionClosedError)) wrong.push(`${api.name} v${version}: ${String(outcome.err)}`);
      } else {
        const codes = errorCodes(outcome.response);
        if (codes.length === 0 || codes.some((c) => c !== ErrorCode.CLUSTER_AUTHORIZATION_FAILED)) wrong.push(`${api.name} v${version}: ${stringify(outcome.response)}`);
      }
      // The gateway closed the connection in answer to this request, so a new one serves for the control.
      if (!own.isOpen) closed++;
      const upstream = await upstreamSinceWithControl(session, own.isOpen ? own : await session.payments.raw(), mark);
      if (upstream.some((r) => r.apiKey === api.apiKey)) wrong.push(`${api.name} v${version}: sent upstream`);
      tried.push(api.name);
      triedKeys.add(api.apiKey);
    }
    expect(wrong).toEqual([]);
    expect(tried).toContain("CreateAcls");
    const upstream = session.upstreamRequests();
    expect(upstream.filter((r) => triedKeys.has(r.apiKey))).toEqual([]);
    const controls = upstream.filter((r) => r.apiKey === ApiKey.DescribeCluster && r.virtualCluster === "payments").length;
    expect(controls).toBe(tried.length);
    console.log(`[denied-sweep] ${tried.length} denied APIs (${closed} closed), upstream tap: ${upstream.length} requests forwarded, ${controls} controls, none denied`);
  });
});
