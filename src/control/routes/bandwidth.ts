// Live bandwidth per topic against its byte-rate limit, for the console's chart: record bytes per second through the
// gateway (its own per-topic counters, between two asks at least a second apart), each topic's limit for this gateway
// instance (byte-rate-plan.ts), and the throttle time the limits gave so far. Throttle time is a running total: the
// caller takes the difference between two answers.
import { TopicThroughputMeter } from "../../admin/topic-throughput.js";
import { ByteRatePlan, type DirectionRates } from "../../limits/byte-rate-plan.js";
import { metrics } from "../../observe/metrics.js";
import { notFound } from "../api-error.js";
import { requireInScope } from "../auth.js";
import type { BandwidthReadings, RouteGroup, ThrottleTotals } from "../control-api.js";
import { bandwidth } from "../schemas/bandwidth.js";
import { virtualClusterParams } from "../schemas/shared.js";

export const bandwidthRoutes: RouteGroup = (app, api) => {
  const read = api.bandwidth ?? bandwidthReader();

  app.get("/api/v1/virtual-clusters/:name/bandwidth", {
    config: { role: "viewer" },
    schema: {
      summary: "Bytes per second per topic through this gateway, against each topic's byte-rate limit, with throttle time",
      params: virtualClusterParams,
      response: { 200: bandwidth },
    },
  }, async (request) => {
    const name = request.params.name;
    requireInScope(request.caller, name);
    const config = api.configs.config;
    const vc = config.virtualClusters.find((v) => v.name === name);
    if (vc === undefined) throw notFound(`virtual cluster "${name}"`);
    const plan = new ByteRatePlan(vc.limits, config.limits.instances ?? 1);
    const { rates, throttled } = await read(name);
    const topics = [...rates].map(([topic, rate]) => ({
      topic,
      bytesPerSecond: { produce: rate.produceBytesPerSecond, fetch: rate.fetchBytesPerSecond },
      limit: nullable(plan.topic(topic)),
      throttleSecondsTotal: throttled.topics.get(topic) ?? { produce: 0, fetch: 0 },
    }));
    return { at: new Date().toISOString(), tenant: { limit: nullable(plan.tenant), throttleSecondsTotal: throttled.all }, topics };
  });
};

/**
 * The readings from this thread's metrics (the main thread's, where the data plane counts), with a meter of its own:
 * the topic listing's readings and these don't shorten each other's intervals.
 */
export function bandwidthReader(): (virtualCluster: string) => Promise<BandwidthReadings> {
  const meter = new TopicThroughputMeter(metrics.topicBytes, metrics.topicRecords);
  return async (virtualCluster) => ({ rates: await meter.rates(virtualCluster), throttled: await throttleTotals(virtualCluster) });
}

type Totals = ThrottleTotals;

async function throttleTotals(virtualCluster: string): Promise<{ all: Totals; topics: Map<string, Totals> }> {
  const all = { produce: 0, fetch: 0 };
  const topics = new Map<string, Totals>();
  for (const { labels, value } of (await metrics.throttleSeconds.get()).values) {
    if (labels.virtual_cluster !== virtualCluster) continue;
    const direction = labels.direction === "fetch" ? "fetch" : "produce";
    all[direction] += value;
    if (labels.limit !== "topic" || typeof labels.topic !== "string") continue;
    const totals = topics.get(labels.topic) ?? { produce: 0, fetch: 0 };
    totals[direction] += value;
    topics.set(labels.topic, totals);
  }
  return { all, topics };
}

function nullable(rates: DirectionRates): { produce: number | null; fetch: number | null } {
  return { produce: rates.produce ?? null, fetch: rates.fetch ?? null };
}
