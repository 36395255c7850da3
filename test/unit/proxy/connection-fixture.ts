// A ConnectionContext for the transport tests: a filter chain of the test's own filters, an upstream connector to a
// local fake broker, and a recording observer.
import { FilterChain } from "../../../src/filters/chain.js";
import type { Filter } from "../../../src/filters/filter.js";
import { logger } from "../../../src/log.js";
import { ObserverSet, type GatewayObserver } from "../../../src/observe/observer.js";
import type { ConnectionContext } from "../../../src/proxy/client-connection.js";
import { LogThrottle } from "../../../src/proxy/log-throttle.js";
import { ListenerEndpoint } from "../../../src/session/endpoint.js";
import { UpstreamConnector } from "../../../src/upstream/connector.js";

export interface ObservedEvents {
  events: string[];
}

/** Records every event as "<kind> <correlation id>[ <refusal>]" (sessions as "opened"/"closed <reason>"). */
export function recordingObserver(): GatewayObserver & ObservedEvents {
  const events: string[] = [];
  return {
    events,
    sessionOpened: () => events.push("opened"),
    sessionClosed: (_s, reason) => events.push(`closed ${reason}`),
    requestForwarded: (_s, r) => events.push(`forwarded ${r.correlationId}`),
    requestAnswered: (_s, r, refusal) => events.push(`answered ${r.correlationId}${refusal ? ` ${refusal}` : ""}`),
    requestClosed: (_s, r, _reason, refusal) => events.push(`refused ${r.correlationId}${refusal ? ` ${refusal}` : ""}`),
    responseSent: (_s, r) => events.push(`sent ${r.correlationId}`),
  };
}

export function connectionContext(
  port: number,
  upstreamPort: number,
  options: { maxFrameBytes?: number; filters?: readonly Filter[]; observer?: GatewayObserver; brokerPorts?: number } = {},
): ConnectionContext {
  const endpoint = new ListenerEndpoint("vc", {
    name: "plain",
    bind: "127.0.0.1",
    bootstrapPort: port,
    brokerPorts: { first: port + 1, last: port + (options.brokerPorts ?? 0) }, // default: no broker ports, bootstrap only
    nodeIdBase: 0,
    advertisedHost: "127.0.0.1",
  });
  return {
    endpoint,
    virtualCluster: { name: "vc", physicalCluster: "fake" },
    chain: new FilterChain(options.filters ?? []),
    connector: new UpstreamConnector({ name: "fake", bootstrap: [{ host: "127.0.0.1", port: upstreamPort }] }, 1_000),
    maxFrameBytes: options.maxFrameBytes ?? 1024,
    observer: new ObserverSet(options.observer ? [options.observer] : []),
    log: logger.child({ test: "client-connection" }),
    unreachableLog: new LogThrottle(),
  };
}
