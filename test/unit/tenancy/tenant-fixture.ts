// A tenant ("payments.") on a cluster it shares with "analytics.", with a topic id map the test can fill.
import { TenantNamespace } from "../../../src/tenancy/namespace.js";
import type { TenantContext } from "../../../src/tenancy/rewrite.js";
import { TopicIdMap } from "../../../src/tenancy/topic-ids.js";

export const OUR_ID = "AAAAAAAAAAAAAAAAAAAAAQ"; // payments.orders
export const FOREIGN_ID = "AAAAAAAAAAAAAAAAAAAAAg"; // analytics.orders
export const INTERNAL_ID = "AAAAAAAAAAAAAAAAAAAAAw"; // __consumer_offsets
export const ABSENT_ID = "AAAAAAAAAAAAAAAAAAAABA"; // no topic at all

export interface TestTenant extends TenantContext {
  refreshes: number;
}

/** `upstream`: what the cluster's Metadata would answer on a refresh. */
export function tenant(upstream: { id: string; name: string }[] = [], known = true): TestTenant {
  const t: TestTenant = {
    ns: new TenantNamespace("payments", "payments."),
    topicIds: new TopicIdMap(async () => {
      t.refreshes++;
      return upstream;
    }),
    topicConfigAllowlist: new Set(["retention.ms", "cleanup.policy"]),
    refreshes: 0,
  };
  if (known) {
    t.topicIds.learn(OUR_ID, "payments.orders");
    t.topicIds.learn(FOREIGN_ID, "analytics.orders");
    t.topicIds.learn(INTERNAL_ID, "__consumer_offsets");
  }
  return t;
}
