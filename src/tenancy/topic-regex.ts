// Regexes match physical names (KIP-848 subscribedTopicRegex, KIP-1152 transactionalIdPattern): the broker
// compiles them with RE2J and tests whole names (Matcher.matches). A tenant's regex is confined to its namespace as
// \Q<prefix>\E(?:<regex>); one that could leave the group (an unbalanced ")", a trailing "\", an open \Q) is
// refused with INVALID_REGULAR_EXPRESSION, as the broker refuses a regex it can't compile.
import { ErrorCode } from "../protocol/error-codes.js";
import type { ConsumerGroupDescribeResponse } from "../protocol/messages/consumer-group-describe.js";
import type { ConsumerGroupHeartbeatRequest } from "../protocol/messages/consumer-group-heartbeat.js";
import { ApiKey } from "../protocol/messages/index.js";
import type { ListTransactionsRequest } from "../protocol/messages/list-transactions.js";
import { buildErrorResponse } from "./error-response.js";
import type { TenantNamespace } from "./namespace.js";
import type { RewriteState } from "./rewrite-state.js";
import type { IrregularRewrite, RequestOutcome, TenantContext } from "./tenant-context.js";

/** The regex confined to the namespace, or undefined when it could escape the group it is wrapped in. */
export function confineRegex(ns: TenantNamespace, regex: string): string | undefined {
  return isSelfContained(regex) ? `${quotedPrefix(ns)}(?:${regex})` : undefined;
}

/** The tenant's regex back from a confined one; other text unchanged. */
export function unconfineRegex(ns: TenantNamespace, sent: string): string {
  const head = `${quotedPrefix(ns)}(?:`;
  return sent.startsWith(head) && sent.endsWith(")") ? sent.slice(head.length, -1) : sent;
}

// Prefixes hold topic-name characters only (config validation), so no "\E" can end the quote early.
const quotedPrefix = (ns: TenantNamespace): string => `\\Q${ns.prefix}\\E`;

/** True when every ")" closes a "(" of the regex itself, read with RE2's lexical rules (escapes, \Q…\E, classes). */
function isSelfContained(regex: string): boolean {
  let depth = 0;
  let i = 0;
  while (i < regex.length) {
    const c = regex[i];
    if (c === "\\") {
      const next = regex[i + 1];
      if (next === undefined) return false; // would escape the closing ")"
      if (next === "Q") {
        const end = regex.indexOf("\\E", i + 2);
        if (end < 0) return false; // an open quote would swallow the closing ")"
        i = end + 2;
      } else i += 2;
      continue;
    }
    if (c === "[") {
      i = endOfClass(regex, i);
      if (i < 0) return false;
      continue;
    }
    if (c === "(") depth++;
    else if (c === ")" && --depth < 0) return false;
    i++;
  }
  return depth === 0;
}

/** Index after the character class starting at `start`, or -1 when it is not closed. */
function endOfClass(regex: string, start: number): number {
  let i = start + 1;
  if (regex[i] === "^") i++;
  if (regex[i] === "]") i++; // a leading "]" is a literal
  while (i < regex.length) {
    const c = regex[i];
    if (c === "\\") i += 2;
    else if (c === "[" && regex[i + 1] === ":") {
      const end = regex.indexOf(":]", i + 2);
      if (end < 0) return -1;
      i = end + 2;
    } else if (c === "]") return i + 1;
    else i++;
  }
  return -1;
}

function invalidRegex(apiKey: number, version: number, request: object, message: string): RequestOutcome | undefined {
  const response = buildErrorResponse(apiKey, version, request, ErrorCode.INVALID_REGULAR_EXPRESSION, message);
  return response === undefined ? undefined : { kind: "respond", response };
}

export const consumerGroupHeartbeatRewrite: IrregularRewrite = {
  request(ctx: TenantContext, version: number, request: ConsumerGroupHeartbeatRequest, state: RewriteState): RequestOutcome | undefined {
    const regex = request.subscribedTopicRegex;
    // null: unchanged since the last heartbeat; "": no regex subscription. Neither matches a name.
    if (regex === undefined || regex === null || regex === "") return undefined;
    const sent = confineRegex(ctx.ns, regex);
    if (sent === undefined) {
      return invalidRegex(ApiKey.ConsumerGroupHeartbeat, version, request, `SubscribedTopicRegex \`${regex}\` is not a valid regular expression.`);
    }
    request.subscribedTopicRegex = sent;
    state.regex = { sent, original: regex };
    return undefined;
  },
};

export const consumerGroupDescribeRewrite: IrregularRewrite = {
  response(ctx: TenantContext, _version: number, response: ConsumerGroupDescribeResponse): void {
    for (const group of response.groups) {
      for (const member of group.members) {
        if (member.subscribedTopicRegex !== null) member.subscribedTopicRegex = unconfineRegex(ctx.ns, member.subscribedTopicRegex);
      }
    }
  },
};

export const listTransactionsRewrite: IrregularRewrite = {
  request(ctx: TenantContext, version: number, request: ListTransactionsRequest, state: RewriteState): RequestOutcome | undefined {
    const pattern = request.transactionalIdPattern;
    // Empty or absent: no filter (the response is filtered to the namespace anyway).
    if (pattern === undefined || pattern === null || pattern === "") return undefined;
    const sent = confineRegex(ctx.ns, pattern);
    if (sent === undefined) {
      return invalidRegex(ApiKey.ListTransactions, version, request, `Transaction ID pattern \`${pattern}\` is not a valid regular expression.`);
    }
    request.transactionalIdPattern = sent;
    state.regex = { sent, original: pattern };
    return undefined;
  },
};
