// A limit's use as the console words it: which limit ("produce, tenant"), what it is measured against, and how much
// of it is used ("92 %"). The usage table and the virtual-cluster list both say it this way.
import type { LimitUsage } from "./api-types.js";
import { bytes, rate } from "./format.js";

const CAPS: Record<Extract<LimitUsage, { kind: "cap" }>["cap"], string> = {
  connections: "open connections",
  connection_rate: "new connections per second",
  request_rate: "requests per second",
  topics: "topics",
  partitions: "partitions",
  retained_bytes: "retained bytes",
};

/** "produce, tenant", "fetch, topic orders", "produce, busiest other topic", "open connections". */
export function limitName(limit: LimitUsage): string {
  if (limit.kind === "cap") return CAPS[limit.cap];
  if (limit.name !== null) return `${limit.direction}, ${limit.scope} ${limit.name}`;
  const whose = { tenant: "tenant", topic: "busiest other topic", principal: "each principal" }[limit.scope];
  return `${limit.direction}, ${whose}`;
}

/** The limit itself, in its unit. */
export function limitMax(limit: LimitUsage): string {
  if (limit.kind === "byteRate") return rate(limit.max);
  if (limit.cap === "retained_bytes") return bytes(limit.max);
  return limit.cap.endsWith("_rate") ? `${limit.max}/s` : String(limit.max);
}

/** What is used, where it is a count or bytes; a rate's use is its ratio only. */
export function limitUsed(limit: LimitUsage): string {
  if (limit.kind === "byteRate") return limit.pushedDown ? "enforced by the brokers" : "–";
  if (limit.cap.endsWith("_rate")) return "–";
  if (limit.used === null) return "not measured yet";
  return limit.cap === "retained_bytes" ? bytes(limit.used) : String(limit.used);
}

export const percent = (ratio: number): string => `${Math.round(ratio * 100)} %`;

/** The limit with the largest use, or undefined when none is measured. */
export function highest(limits: readonly LimitUsage[]): LimitUsage | undefined {
  let top: LimitUsage | undefined;
  for (const limit of limits) if (limit.ratio !== null && (top === undefined || limit.ratio > top.ratio!)) top = limit;
  return top;
}
