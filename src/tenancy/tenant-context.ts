// The types shared by the tenancy rewriting (re-exported by rewrite.ts, the entry point).
import type { TenantNamespace } from "./namespace.js";
import type { RewriteState } from "./rewrite-state.js";
import type { TopicIdMap } from "./topic-ids.js";

/** One tenant on one physical cluster: built once per config by the GatewayRuntime, shared by its listeners and sessions. */
export interface TenantContext {
  ns: TenantNamespace;
  /** Shared by all tenants of the physical cluster. */
  topicIds: TopicIdMap;
  /** Topic config names the tenant may set (CreateTopics, AlterConfigs, IncrementalAlterConfigs). */
  topicConfigAllowlist: ReadonlySet<string>;
  /**
   * The one client id all the tenant's requests carry upstream, instead of `<tenant>/<client id>`: set while its
   * byte rate is pushed down to the brokers as a client-id quota (src/limits/quota-push-down.ts).
   */
  upstreamClientId?: string | undefined;
}

export type RequestOutcome =
  /** Forward the request, mutated in place; hand `state` to rewriteResponse with the broker's answer. */
  | { kind: "forward"; state?: unknown }
  /** Answer the client with this response message (same api key and version); nothing reaches a broker. */
  | { kind: "respond"; response: object };

/**
 * The hand-written part of one API's rewrite, for fields whose meaning the schema can't express. Method syntax on
 * purpose: each implementation takes its API's own message types.
 */
export interface IrregularRewrite {
  /** Runs before the generic prefixing. An outcome decides the request; undefined continues with the generic walk. */
  request?(ctx: TenantContext, version: number, request: object, state: RewriteState): RequestOutcome | undefined;
  /** Runs before the generic stripping, so it sees physical names. */
  response?(ctx: TenantContext, version: number, response: object, state: RewriteState | undefined): void;
}
