import { describe, expect, it } from "vitest";
import { MetricsObserver } from "../../../src/observe/metrics-observer.js";
import { metrics } from "../../../src/observe/metrics.js";
import { ObserverSet, type GatewayObserver } from "../../../src/observe/observer.js";
import { testEndpoint, testSession } from "../../harness/session.js";

const request = { apiKey: 0, apiVersion: 9, correlationId: 1 };

describe("ObserverSet", () => {
  it("fans each event out to the observers that listen to it, in order", () => {
    const seen: string[] = [];
    const a: GatewayObserver = { requestForwarded: () => seen.push("a forwarded"), sessionOpened: () => seen.push("a opened") };
    const b: GatewayObserver = { requestForwarded: () => seen.push("b forwarded") };
    const set = new ObserverSet([a, b]);
    set.sessionOpened(testSession());
    set.requestForwarded(testSession(), request);
    set.requestAnswered(testSession(), request, undefined); // nobody listens: nothing happens
    expect(seen).toEqual(["a opened", "a forwarded", "b forwarded"]);
  });

  it("hands response bodies only to observers that asked for them", () => {
    const bodies: (readonly Buffer[] | undefined)[] = [];
    const set = new ObserverSet([
      { responseSent: (_s, _r, body) => bodies.push(body) },
      { wantsResponseBodies: true, responseSent: (_s, _r, body) => bodies.push(body) },
    ]);
    expect(set.wantsResponseBodies).toBe(true);
    set.responseSent(testSession(), request, [Buffer.from("x")]);
    expect(bodies.map((b) => b?.length)).toEqual([undefined, 1]);
    expect(new ObserverSet([{ responseSent: () => undefined }]).wantsResponseBodies).toBe(false);
  });
});

describe("MetricsObserver", () => {
  const value = async (name: keyof typeof metrics, labels: Record<string, string>) => {
    const metric = metrics[name] as { get(): Promise<{ values: { labels: Record<string, unknown>; value: number }[] }> };
    const found = (await metric.get()).values.find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l));
    return found?.value ?? 0;
  };

  it("counts sessions, requests by API and refusals by reason, per virtual cluster", async () => {
    const observer = new MetricsObserver();
    const session = testSession(testEndpoint("observed-vc"));
    observer.sessionOpened(session);
    expect(await value("connections", { virtual_cluster: "observed-vc", listener: "plain" })).toBe(1);
    observer.requestForwarded(session, request);
    observer.requestAnswered(session, { ...request, apiKey: 32 }, "denied");
    observer.requestClosed(session, { ...request, apiKey: 999 }, "refused", "denied");
    observer.bytesFromClient(session, 100);
    observer.bytesToClient(session, 40);
    observer.sessionClosed(session);
    expect(await value("connections", { virtual_cluster: "observed-vc", listener: "plain" })).toBe(0);
    expect(await value("connectionsTotal", { virtual_cluster: "observed-vc", listener: "plain" })).toBe(1);
    expect(await value("requests", { virtual_cluster: "observed-vc", api: "Produce" })).toBe(1);
    expect(await value("requestsRefused", { virtual_cluster: "observed-vc", api: "DescribeConfigs", reason: "denied" })).toBe(1);
    expect(await value("requestsRefused", { virtual_cluster: "observed-vc", api: "unknown", reason: "denied" })).toBe(1);
    expect(await value("bytesFromClients", { virtual_cluster: "observed-vc" })).toBe(100);
    expect(await value("bytesToClients", { virtual_cluster: "observed-vc" })).toBe(40);
  });

  it("adds the bytes read and written since the last scrape at each scrape, once", async () => {
    const observer = new MetricsObserver();
    const session = testSession(testEndpoint("scraped-vc"));
    observer.bytesFromClient(session, 10);
    observer.bytesFromClient(session, 5);
    observer.bytesToClient(session, 7);
    expect(await value("bytesFromClients", { virtual_cluster: "scraped-vc" })).toBe(15);
    expect(await value("bytesToClients", { virtual_cluster: "scraped-vc" })).toBe(7);
    expect(await value("bytesFromClients", { virtual_cluster: "scraped-vc" })).toBe(15);
    observer.bytesToClient(session, 3);
    expect(await metrics.registry.metrics()).toMatch(/bulkhead_bytes_to_clients_total\{virtual_cluster="scraped-vc"\} 10\n/);
  });
});
