// The main thread's side of what the admin worker shares with the data plane: it answers the worker's questions from
// the runtime's live state and passes what the worker's chains report to the observer (metrics, event log). An admin
// read or send is charged here to the virtual cluster's byte-rate buckets (topic, principal, tenant), the same ones
// its clients' connections take from, and the answer is the throttle, so the admin client waits as a client would.
import { LRUCache } from "lru-cache";
import type { LogDirSizes } from "../limits/log-dir-sizes.js";
import type { TenantByteRates } from "../limits/tenant-byte-rates.js";
import { Throttle } from "../limits/throttle.js";
import type { GatewayObserver } from "../observe/observer.js";
import { ListenerEndpoint } from "../session/endpoint.js";
import { Session } from "../session/session.js";
import { ADMIN_CLIENT_ID } from "./tenant-client.js";
import type { TopicThroughputMeter } from "./topic-throughput.js";
import type { Question, WorkerEvent } from "./worker-protocol.js";

/** The runtime's live state the worker's questions read. */
export interface DataPlaneState {
  byteRates(virtualCluster: string): TenantByteRates | undefined;
  logDirs(cluster: string): LogDirSizes | undefined;
  readonly throughput: TopicThroughputMeter;
  readonly observer: GatewayObserver;
}

/** The listener an admin session names in what observers see (they read its virtual cluster). */
const ADMIN_LISTENER = { name: "admin", bind: "127.0.0.1", bootstrapPort: 0, nodeIdBase: 0 };
const NO_TRANSPORT = { muteUntil: () => {}, close: () => {} };

export class AdminWorkerHost {
  /** Stand-ins for the worker's admin sessions, for observers, by virtual cluster and principal. */
  private readonly sessions = new LRUCache<string, Session>({ max: 256 });

  constructor(private readonly state: DataPlaneState) {}

  answer(question: Question): unknown {
    switch (question.kind) {
      case "topicSizes": {
        const logDirs = this.state.logDirs(question.cluster);
        if (logDirs === undefined) throw new Error(`physical cluster ${question.cluster} is not in the config`);
        return logDirs.get(question.maxAgeMs);
      }
      case "throughput":
        return this.state.throughput.rates(question.virtualCluster);
      case "charge":
        return this.charge(question);
    }
  }

  report(event: WorkerEvent): void {
    const { observer } = this.state;
    if (event.kind === "capRefused") observer.capRefused?.(event.virtualCluster, event.cap);
    else observer.authorizationDenied?.(this.session(event.virtualCluster, event.principal), event.api, event.resourceType);
  }

  /** Takes the bytes from the buckets the worker's session would take them from: the longest wait is the throttle. */
  private charge({ virtualCluster, principal, topic, direction, bytes, records }: Extract<Question, { kind: "charge" }>): number {
    const rates = this.state.byteRates(virtualCluster);
    if (rates === undefined) return 0;
    const session = this.session(virtualCluster, principal);
    this.state.observer.topicBytes?.(session, topic, direction, bytes, records);
    const nowMs = performance.now();
    const throttle = new Throttle();
    throttle.take(rates.topic(topic, nowMs)[direction], bytes, nowMs, "topic", topic);
    throttle.take(rates.principal(principal, nowMs)[direction], bytes, nowMs, "principal", undefined);
    throttle.take(rates.tenant[direction], bytes, nowMs, "tenant", undefined);
    if (throttle.ms > 0) this.state.observer.throttled?.(session, direction, throttle.scope, throttle.topic, throttle.ms);
    return throttle.ms;
  }

  private session(virtualCluster: string, principal: string | undefined): Session {
    const key = `${virtualCluster}\n${principal ?? ""}`;
    let session = this.sessions.get(key);
    if (session === undefined) {
      session = new Session(new ListenerEndpoint(virtualCluster, ADMIN_LISTENER), { kind: "bootstrap" }, "127.0.0.1", 0, undefined, NO_TRANSPORT);
      session.principal = principal === undefined ? undefined : { type: "User", name: principal };
      session.clientId = ADMIN_CLIENT_ID;
      this.sessions.set(key, session);
    }
    return session;
  }
}
