// One ACL decision against a virtual cluster with 1,000 rules (literal and prefixed topics, groups, transactional
// ids, for 100 principals): cached (the common case: a client names the same few topics in every request) and
// uncached (the first request after a reload, which clears the cache); then a Produce through the whole chain with
// ACLs off and on. Run alone: npx tsx bench/acl-decision.bench.ts
import assert from "node:assert/strict";
import { Authorizer } from "../src/acl/authorizer.js";
import { Operation, PatternType, Permission, ResourceType } from "../src/acl/operations.js";
import type { AclRule, AclSettings } from "../src/acl/rule.js";
import type { RequestSink } from "../src/filters/chain.js";
import { createFilterChain } from "../src/filters/index.js";
import { logger } from "../src/log.js";
import { encodeRequestHeader } from "../src/protocol/headers.js";
import { ApiKey } from "../src/protocol/messages/index.js";
import { encodeProduceRequest } from "../src/protocol/messages/produce.js";
import { Writer } from "../src/protocol/writer.js";
import { TENANT_VERSION_RANGES } from "../src/tenancy/api-policy.js";
import { BrokerAddressMap } from "../src/upstream/broker-address-map.js";
import { testEndpoint, testSession } from "../test/harness/session.js";
import { runCases } from "./lib/report.js";
import { benchTenantContext, benchTopics } from "./lib/tenancy.js";
import { receivedFrame } from "./lib/zero-copy.js";

const RULES = 1_000;
const rules: AclRule[] = Array.from({ length: RULES }, (_, i) => ({
  principal: `User:user-${i % 100}`,
  host: "*",
  resourceType: [ResourceType.Topic, ResourceType.Topic, ResourceType.Group, ResourceType.TransactionalId][i % 4]!,
  patternType: i % 3 === 0 ? PatternType.Prefixed : PatternType.Literal,
  name: i % 3 === 0 ? `team-${i % 50}.` : `resource-${i}`,
  operation: [Operation.Read, Operation.Write, Operation.Describe][i % 3]!,
  permission: i % 17 === 0 ? Permission.Deny : Permission.Allow,
}));
const settings: AclSettings = { rules, superUsers: [], allowIfNoAclFound: false };
const authorizer = new Authorizer(settings);
// user-1 writes resource-1 (rule 1: literal topic WRITE); a name under a prefix rule too.
const who = { principal: "User:user-1", host: "10.0.0.1" };
assert.equal(authorizer.authorize(who, Operation.Write, ResourceType.Topic, "resource-1"), true);
assert.equal(authorizer.authorize(who, Operation.Read, ResourceType.Topic, "resource-1"), false);

await runCases(`ACL decision, ${RULES} rules`, [
  { name: "cached decision", fn: () => void authorizer.authorize(who, Operation.Write, ResourceType.Topic, "resource-1") },
  {
    name: "uncached decision (cache cleared before each)",
    fn: () => void authorizer.authorize(who, Operation.Write, ResourceType.Topic, "resource-1"),
    beforeEach: () => authorizer.update(settings),
  },
]);

// The same rules in the hot path: one Produce v11 of two topics (~30 KiB) through the listener's chain (API policy,
// ACL, broker addresses, tenancy) with ACLs off, and on with the producer's WRITE among the 1,000 rules.
const topics = benchTopics(2);
const tenant = benchTenantContext(topics);
const endpoint = testEndpoint(tenant.ns.tenant);
const producerRules: AclRule[] = topics.map((t) => ({ ...rules[0]!, principal: "User:ANONYMOUS", name: t.name, patternType: PatternType.Literal, operation: Operation.Write, permission: Permission.Allow }));
const chainWith = (acls: AclSettings | undefined) =>
  createFilterChain({
    endpoint,
    addressMap: new BrokerAddressMap(async () => []),
    tenant,
    forwardable: TENANT_VERSION_RANGES,
    acl: { authorizer: new Authorizer(acls), observer: {} },
    log: logger,
  });
const off = chainWith(undefined);
const on = chainWith({ ...settings, rules: [...producerRules, ...rules] });
const session = testSession(endpoint);
const sink: RequestSink = {
  forward: () => undefined,
  respond: () => assert.fail("answered instead of forwarded"),
  closeConnection: (reason) => assert.fail(`closed: ${reason}`),
};
const writer = new Writer();
encodeRequestHeader(writer, { apiKey: ApiKey.Produce, apiVersion: 11, correlationId: 7, clientId: "producer-1" });
encodeProduceRequest(writer, 11, {
  transactionalId: null,
  acks: -1,
  timeoutMs: 30_000,
  topicData: topics.map((t, i) => ({ name: t.name, partitionData: [{ index: 0, records: [Buffer.alloc(15 * 1024, i + 1)] }] })),
});
const size = Buffer.alloc(4);
size.writeInt32BE(writer.length, 0);
const frame = receivedFrame(Buffer.concat([size, ...writer.toChunks()]), 64 * 1024);
await runCases("Produce v11 (2 topics, ~30 KiB) through the chain", [
  { name: "ACLs off", fn: () => void off.onRequest(session, frame, sink), bytesPerOp: frame.size },
  { name: `ACLs on (${RULES + producerRules.length} rules, allowed)`, fn: () => void on.onRequest(session, frame, sink), bytesPerOp: frame.size },
]);
