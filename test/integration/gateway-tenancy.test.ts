// The data path with tenancy on, end to end (the full isolation probe suite is isolation-probes.test.ts): two
// tenants use the same topic and group names and each sees only its own; the gateway answers ApiVersions newer
// than it knows with Kafka's fallback and denied APIs itself; the topic id map refreshes through the gateway's own
// Metadata request.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { ErrorCode } from "../../src/protocol/error-codes.js";
import { decodeResponseHeader } from "../../src/protocol/headers.js";
import { decodeApiVersionsResponse } from "../../src/protocol/messages/api-versions.js";
import { ApiKey } from "../../src/protocol/messages/index.js";
import { Reader } from "../../src/protocol/reader.js";
import { UpstreamConnector } from "../../src/upstream/connector.js";
import { fetchTopicIds } from "../../src/upstream/metadata-fetch.js";
import { TENANT_VERSION_RANGES } from "../../src/tenancy/api-policy.js";
import { subscribeWhenKnown } from "../harness/clients.js";
import { createTopicsAndWait } from "../harness/topic-propagation.js";
import { waitUntil } from "../harness/wait.js";
import { parseHostPorts } from "../harness/gateway.js";
import { openTenantsSession, waitConsumedToEnd, type Tenant, type TenantsSession } from "../harness/tenants.js";

describe("gateway with tenancy", () => {
  const kafka = inject("kafka");
  let session: TenantsSession;

  beforeAll(async () => {
    session = await openTenantsSession(kafka, "gateway-tenancy");
  });
  afterAll(async () => {
    await session?.close();
  });

  async function roundTrip(tenant: Tenant, values: string[]): Promise<string[]> {
    // Idempotent: kafkajs retries a whole send when one partition's write fails (a new topic not yet on every
    // broker, common on 3.9), and without idempotence the partitions that succeeded get the messages twice.
    const producer = session.track(tenant.client.producer({ idempotent: true, maxInFlightRequests: 1 }));
    await producer.connect();
    await producer.send({ topic: "orders", messages: values.map((value) => ({ value })) });
    const consumer = session.track(tenant.client.consumer({ groupId: "g", maxWaitTimeInMs: 200 }));
    await consumer.connect();
    await subscribeWhenKnown(consumer, "orders");
    const seen: string[] = [];
    const next = new Map<number, bigint>();
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        seen.push(message.value!.toString());
        next.set(partition, BigInt(message.offset) + 1n);
      },
    });
    await waitUntil(() => seen.length >= values.length, { what: `${tenant.name}'s messages`, timeoutMs: 60_000 });
    // Read to the end of the tenant's physical topic: a duplicate write, or anything else in it, is in `seen` now.
    await waitConsumedToEnd(session, tenant.physical("orders"), next);
    await consumer.stop();
    return seen;
  }

  it("two tenants, same topic and group names: each sees only its own", async () => {
    const { payments, analytics, physical } = session;
    await createTopicsAndWait(payments.admin, [{ topic: "orders", numPartitions: 2, replicationFactor: 3 }]);
    await createTopicsAndWait(analytics.admin, [{ topic: "orders", numPartitions: 3, replicationFactor: 3 }]);
    const [p, a] = await Promise.all([roundTrip(payments, ["p1", "p2", "p3"]), roundTrip(analytics, ["a1", "a2"])]);
    expect(p.sort()).toEqual(["p1", "p2", "p3"]);
    expect(a.sort()).toEqual(["a1", "a2"]);

    expect(await payments.admin.listTopics()).toEqual(["orders"]);
    const described = await payments.admin.fetchTopicMetadata({ topics: ["orders"] });
    expect(described.topics[0]!.partitions).toHaveLength(2);
    const physicalTopics = await physical.admin.listTopics();
    expect(physicalTopics).toEqual(expect.arrayContaining([payments.physical("orders"), analytics.physical("orders")]));
    expect((await payments.admin.listGroups()).groups.map((g) => g.groupId)).toEqual(["g"]);
    const offsets = await analytics.admin.fetchOffsets({ groupId: "g", topics: ["orders"] });
    expect(offsets[0]!.partitions).toHaveLength(3);
    expect(session.upstreamLeaks()).toEqual([]);
  });

  it("answers an ApiVersions request newer than it knows with the v0 fallback", async () => {
    const raw = await session.payments.raw();
    const frame = await raw.sendRaw(ApiKey.ApiVersions, 99, [Buffer.from([0, 0, 0])]);
    const reader = new Reader(frame.chunks);
    decodeResponseHeader(reader, 0);
    const response = decodeApiVersionsResponse(reader, 0);
    expect(response.errorCode).toBe(ErrorCode.UNSUPPORTED_VERSION);
    expect(response.apiKeys).toEqual([{ apiKey: ApiKey.ApiVersions, minVersion: 0, maxVersion: TENANT_VERSION_RANGES.get(ApiKey.ApiVersions)!.maxVersion }]);
    expect((await raw.apiVersions()).has(ApiKey.CreateAcls)).toBe(false); // the connection carries on
  });

  it("answers a denied API itself", async () => {
    const raw = await session.payments.raw();
    const response = await raw.send(ApiKey.DeleteAcls, 3, { filters: [{ resourceTypeFilter: 1, resourceNameFilter: null, patternTypeFilter: 1, principalFilter: null, hostFilter: null, operation: 1, permissionType: 1 }] });
    expect(response.filterResults[0].errorCode).toBe(ErrorCode.CLUSTER_AUTHORIZATION_FAILED);
  });

  it("the topic id refresh (the gateway's own Metadata request) returns every topic's id and physical name", async () => {
    const ids = await fetchTopicIds(new UpstreamConnector({ name: "shared", bootstrap: parseHostPorts(kafka.bootstrap) }, 10_000));
    const names = new Set(ids.map((x) => x.name));
    expect(names.has(session.payments.physical("orders"))).toBe(true);
    expect(ids.every((x) => x.id.length === 22)).toBe(true);
  });
});
