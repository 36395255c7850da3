// DescribeConfigs, AlterConfigs and IncrementalAlterConfigs name a topic, a broker, a group... depending on
// resourceType, so resourceName carries no entityType. Topic resources are namespaced; any other type makes the
// gateway refuse the whole request (admin clients send broker resources in a request of their own). Alters may
// only set the topic configs of the tenant's allowlist.
import { ErrorCode } from "../protocol/error-codes.js";
import { ApiKey } from "../protocol/messages/index.js";
import { buildErrorResponse } from "./error-response.js";
import type { IrregularRewrite, RequestOutcome, TenantContext } from "./tenant-context.js";

/** ConfigResource.Type.TOPIC */
const TOPIC = 2;

interface ConfigResource {
  resourceType: number;
  resourceName: string;
  configs?: { name: string }[];
}

function respond(apiKey: number, version: number, request: object, errorCode: number, message: string): RequestOutcome | undefined {
  const response = buildErrorResponse(apiKey, version, request, errorCode, message);
  return response === undefined ? undefined : { kind: "respond", response };
}

/** Config names outside the allowlist, in request order, without repeats. */
export function disallowedConfigs(ctx: TenantContext, names: Iterable<string>): string[] {
  const refused = new Set<string>();
  for (const name of names) if (!ctx.topicConfigAllowlist.has(name)) refused.add(name);
  return [...refused];
}

export function policyViolationMessage(refused: readonly string[]): string {
  return `Topic config${refused.length > 1 ? "s" : ""} ${refused.join(", ")} may not be set in this virtual cluster`;
}

function configResources(apiKey: number, resultsField: "results" | "responses"): IrregularRewrite {
  return {
    request(ctx: TenantContext, version: number, request: { resources: ConfigResource[] }): RequestOutcome | undefined {
      const resources = request.resources;
      if (resources.some((r) => r.resourceType !== TOPIC)) {
        return respond(apiKey, version, request, ErrorCode.CLUSTER_AUTHORIZATION_FAILED, "Only topic configs are available in this virtual cluster");
      }
      if (apiKey !== ApiKey.DescribeConfigs) {
        const refused = disallowedConfigs(ctx, resources.flatMap((r) => (r.configs ?? []).map((c) => c.name)));
        if (refused.length > 0) return respond(apiKey, version, request, ErrorCode.POLICY_VIOLATION, policyViolationMessage(refused));
      }
      for (const r of resources) r.resourceName = ctx.ns.add(r.resourceName);
      return undefined;
    },

    response(ctx: TenantContext, _version: number, response: Record<string, { resourceType: number; resourceName: string }[]>): void {
      const results = response[resultsField];
      if (results === undefined) return;
      response[resultsField] = results.filter((r) => {
        if (r.resourceType !== TOPIC) return false;
        const name = ctx.ns.strip(r.resourceName);
        if (name === undefined) return false;
        r.resourceName = name;
        return true;
      });
    },
  };
}

export const describeConfigsRewrite = configResources(ApiKey.DescribeConfigs, "results");
export const alterConfigsRewrite = configResources(ApiKey.AlterConfigs, "responses");
export const incrementalAlterConfigsRewrite = configResources(ApiKey.IncrementalAlterConfigs, "responses");
