// DescribeTopicPartitions with no topics lists every topic of the cluster in name order, a page at a time. The
// tenant's topics share the prefix, so they are one contiguous run: start the listing at the namespace's first
// possible name, and end it (no next cursor) once the broker's cursor leaves the namespace.
import type {
  DescribeTopicPartitionsRequest,
  DescribeTopicPartitionsResponse,
} from "../protocol/messages/describe-topic-partitions.js";
import type { IrregularRewrite, TenantContext } from "./tenant-context.js";

export const describeTopicPartitionsRewrite: IrregularRewrite = {
  request(_ctx: TenantContext, _version: number, request: DescribeTopicPartitionsRequest): undefined {
    // "" is prefixed by the generic walk into the bare prefix, the first name of the namespace.
    if (request.topics.length === 0 && request.cursor === null) request.cursor = { topicName: "", partitionIndex: 0 };
    return undefined;
  },

  response(ctx: TenantContext, _version: number, response: DescribeTopicPartitionsResponse): void {
    if (response.nextCursor !== null && !ctx.ns.owns(response.nextCursor.topicName)) response.nextCursor = null;
  },
};
