// FindCoordinator names a group or a transactional id depending on keyType, so its key fields carry no entityType.
// Group (0) and transaction (1) keys are namespaced; share-group keys (2) belong to the denied share-group APIs,
// and any other type is one the broker would reject: both are answered by the gateway.
import { ErrorCode } from "../protocol/error-codes.js";
import type { FindCoordinatorRequest, FindCoordinatorResponse } from "../protocol/messages/find-coordinator.js";
import { ApiKey } from "../protocol/messages/index.js";
import { buildErrorResponse } from "./error-response.js";
import type { IrregularRewrite, RequestOutcome, TenantContext } from "./tenant-context.js";

const GROUP = 0;
const TRANSACTION = 1;
const SHARE = 2;

export const findCoordinatorRewrite: IrregularRewrite = {
  request(ctx: TenantContext, version: number, request: FindCoordinatorRequest): RequestOutcome | undefined {
    const keyType = request.keyType ?? GROUP;
    if (keyType !== GROUP && keyType !== TRANSACTION) {
      const error = keyType === SHARE ? ErrorCode.CLUSTER_AUTHORIZATION_FAILED : ErrorCode.INVALID_REQUEST;
      const response = buildErrorResponse(ApiKey.FindCoordinator, version, request, error, `Coordinator key type ${keyType} is not available`);
      return response === undefined ? undefined : { kind: "respond", response };
    }
    if (request.key !== undefined) request.key = ctx.ns.add(request.key);
    if (request.coordinatorKeys !== undefined) request.coordinatorKeys = request.coordinatorKeys.map((key) => ctx.ns.add(key));
    return undefined;
  },

  response(ctx: TenantContext, _version: number, response: FindCoordinatorResponse): void {
    if (response.coordinators === undefined) return;
    response.coordinators = response.coordinators.filter((coordinator) => {
      const key = ctx.ns.strip(coordinator.key);
      if (key === undefined) return false;
      coordinator.key = key;
      return true;
    });
  },
};
