// InitProducerId: a null transactional id is an idempotent producer (it stays null: the generic walk skips nulls).
// An empty one is refused by Kafka's transaction coordinator (INVALID_REQUEST); prefixed it would become the bare
// prefix, a valid id, and the tenant would get a transactional producer Kafka never grants. The gateway answers it.
import { ErrorCode } from "../protocol/error-codes.js";
import type { InitProducerIdRequest, InitProducerIdResponse } from "../protocol/messages/init-producer-id.js";
import { ApiKey } from "../protocol/messages/index.js";
import { buildErrorResponse } from "./error-response.js";
import type { IrregularRewrite, RequestOutcome, TenantContext } from "./tenant-context.js";

export const initProducerIdRewrite: IrregularRewrite = {
  request(_ctx: TenantContext, version: number, request: InitProducerIdRequest): RequestOutcome | undefined {
    if (request.transactionalId !== "") return undefined;
    const response = buildErrorResponse(ApiKey.InitProducerId, version, request, ErrorCode.INVALID_REQUEST) as InitProducerIdResponse | undefined;
    if (response === undefined) return undefined;
    // As the coordinator answers: no producer id (-1, from buildErrorResponse), no epoch.
    response.producerEpoch = -1;
    if (response.ongoingTxnProducerEpoch !== undefined) response.ongoingTxnProducerEpoch = -1;
    return { kind: "respond", response };
  },
};
