// DescribeAcls from a tenant, answered from its virtual cluster's rules (unprefixed, as the config states them),
// with Kafka's filter semantics: ANY matches everything, MATCH a name's literal, wildcard and prefixed rules.
// It needs DESCRIBE on the cluster, as on a broker; without an `acls` section the answer is SECURITY_DISABLED.
import { ErrorCode } from "../protocol/error-codes.js";
import type { DescribeAclsRequest, DescribeAclsResponse } from "../protocol/messages/describe-acls.js";
import type { Authorizer } from "./authorizer.js";
import { CLUSTER_NAME, Operation, PatternType, ResourceType, WILDCARD } from "./operations.js";
import type { AclRule, Requester } from "./rule.js";

/** AclOperation / AclPermissionType / ResourceType / PatternType "ANY", and PatternType "MATCH". */
const ANY = 1;
const MATCH = 2;

export function describeAcls(authorizer: Authorizer, who: Requester, request: DescribeAclsRequest): DescribeAclsResponse {
  const answer = (errorCode: number, errorMessage: string | null, resources: DescribeAclsResponse["resources"] = []) => ({
    throttleTimeMs: 0,
    errorCode,
    errorMessage,
    resources,
  });
  if (!authorizer.enabled) return answer(ErrorCode.SECURITY_DISABLED, "this virtual cluster has no ACLs: every principal may do what its API policy allows");
  if (!authorizer.authorize(who, Operation.Describe, ResourceType.Cluster, CLUSTER_NAME)) {
    return answer(ErrorCode.CLUSTER_AUTHORIZATION_FAILED, "DescribeAcls needs DESCRIBE on the cluster");
  }
  const byResource = new Map<string, DescribeAclsResponse["resources"][number]>();
  for (const rule of authorizer.rules) {
    if (!matches(rule, request)) continue;
    const key = `${rule.resourceType}\n${rule.patternType}\n${rule.name}`;
    let resource = byResource.get(key);
    if (resource === undefined) {
      resource = { resourceType: rule.resourceType, resourceName: rule.name, patternType: rule.patternType, acls: [] };
      byResource.set(key, resource);
    }
    resource.acls.push({ principal: rule.principal, host: rule.host, operation: rule.operation, permissionType: rule.permission });
  }
  return answer(ErrorCode.NONE, null, [...byResource.values()]);
}

function matches(rule: AclRule, f: DescribeAclsRequest): boolean {
  if (f.resourceTypeFilter !== ANY && f.resourceTypeFilter !== rule.resourceType) return false;
  if (f.principalFilter !== null && f.principalFilter !== rule.principal) return false;
  if (f.hostFilter !== null && f.hostFilter !== rule.host) return false;
  if (f.operation !== ANY && f.operation !== rule.operation) return false;
  if (f.permissionType !== ANY && f.permissionType !== rule.permission) return false;
  const name = f.resourceNameFilter;
  switch (f.patternTypeFilter) {
    case ANY:
      return name === null || name === rule.name;
    case MATCH:
      if (name === null) return true;
      if (rule.patternType === PatternType.Prefixed) return name.startsWith(rule.name);
      return rule.name === name || rule.name === WILDCARD;
    default:
      return f.patternTypeFilter === rule.patternType && (name === null || name === rule.name);
  }
}
