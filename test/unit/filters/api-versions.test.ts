import { describe, expect, it } from "vitest";
import { intersectApiVersions } from "../../../src/filters/api-versions.js";
import { createResponseFilter } from "../../../src/filters/index.js";
import { logger } from "../../../src/log.js";
import { encodeResponseHeader } from "../../../src/protocol/headers.js";
import { decodeApiVersionsResponse, encodeApiVersionsResponse } from "../../../src/protocol/messages/api-versions.js";
import { API_BY_KEY } from "../../../src/protocol/messages/index.js";
import { Reader } from "../../../src/protocol/reader.js";
import { Writer } from "../../../src/protocol/writer.js";
import { BrokerAddressMap } from "../../../src/proxy/broker-address-map.js";
import { ListenerEndpoint } from "../../../src/proxy/endpoint.js";
import { TENANT_VERSION_RANGES } from "../../../src/tenancy/api-policy.js";
import { tenant } from "../tenancy/tenant-fixture.js";

const codec = new Map([
  [0, { minVersion: 3, maxVersion: 11 }],
  [1, { minVersion: 4, maxVersion: 17 }],
  [3, { minVersion: 0, maxVersion: 12 }],
]);
const range = (apiKey: number, minVersion: number, maxVersion: number) => ({ apiKey, minVersion, maxVersion });

describe("intersectApiVersions", () => {
  it.each([
    { what: "broker range inside ours: kept as is", broker: [range(3, 1, 11)], want: [range(3, 1, 11)] },
    { what: "broker newer than the codec: capped at our max", broker: [range(3, 0, 13)], want: [range(3, 0, 12)] },
    { what: "broker older minimum than ours: raised", broker: [range(1, 0, 17)], want: [range(1, 4, 17)] },
    { what: "api the codec doesn't know: dropped", broker: [range(3, 0, 11), range(99, 0, 1)], want: [range(3, 0, 11)] },
    { what: "no overlap: dropped", broker: [range(1, 0, 3)], want: [] },
  ])("$what", ({ broker, want }) => {
    expect(intersectApiVersions(broker, codec)).toEqual(want);
  });

  it("never raises the broker's Produce minimum (librdkafka compression, KAFKA-18659), still caps its maximum", () => {
    expect(intersectApiVersions([range(0, 0, 13)], codec)).toEqual([range(0, 0, 11)]);
  });

  it("keeps the broker's Produce v0 with the real codec and tenant ranges, which cover v0-2 (no special case needed)", () => {
    for (const served of [API_BY_KEY, TENANT_VERSION_RANGES]) {
      expect(served.get(0)!.minVersion).toBe(0);
      expect(intersectApiVersions([range(0, 0, 13)], served)).toEqual([range(0, 0, Math.min(13, served.get(0)!.maxVersion))]);
    }
  });
});

describe("ApiVersions response filter", () => {
  const filter = createResponseFilter(
    new ListenerEndpoint("vc", {
      name: "plain",
      bind: "127.0.0.1",
      bootstrapPort: 9,
      brokerPorts: { first: 10, last: 12 },
      nodeIdBase: 0,
      advertisedHost: "h",
    }),
    new BrokerAddressMap(async () => []),
    tenant(),
    logger,
  );

  function respond(requestVersion: number, bodyVersion: number, message: Parameters<typeof encodeApiVersionsResponse>[2]) {
    const writer = new Writer();
    encodeResponseHeader(writer, 0, 5); // ApiVersions responses always use header v0
    encodeApiVersionsResponse(writer, bodyVersion, message);
    const chunks = writer.toChunks();
    const out = filter.onResponse(
      { apiKey: 18, apiVersion: requestVersion, correlationId: 5, rewrite: true },
      { size: chunks.reduce((n, c) => n + c.length, 0), chunks },
    );
    expect(out).toBeDefined();
    const reader = new Reader(out!);
    expect(reader.readInt32()).toBe(5);
    return decodeApiVersionsResponse(reader, bodyVersion);
  }

  const metadataMax = API_BY_KEY.get(3)!.maxVersion;

  it("offers clients only versions the gateway can decode", () => {
    const decoded = respond(3, 3, {
      errorCode: 0,
      apiKeys: [range(3, 0, metadataMax + 5), range(32_000, 0, 1)],
      throttleTimeMs: 0,
    });
    expect(decoded.apiKeys.map((k) => [k.apiKey, k.minVersion, k.maxVersion])).toEqual([[3, 0, metadataMax]]);
  });

  it("offers tenants only allowlisted APIs, up to the policy's version, and the broker's own Produce minimum", () => {
    const fetchMax = TENANT_VERSION_RANGES.get(1)!.maxVersion;
    const decoded = respond(3, 3, {
      errorCode: 0,
      apiKeys: [range(0, 0, 20), range(1, 0, fetchMax + 3), range(30, 0, 3), range(29, 0, 3), range(17, 0, 1), range(18, 0, 4)],
      throttleTimeMs: 0,
    });
    // CreateAcls, DescribeAcls and SaslHandshake are not for tenants; Fetch's minimum rises to the codec's.
    expect(decoded.apiKeys.map((k) => [k.apiKey, k.minVersion, k.maxVersion])).toEqual([
      [0, 0, TENANT_VERSION_RANGES.get(0)!.maxVersion],
      [1, TENANT_VERSION_RANGES.get(1)!.minVersion, fetchMax],
      [18, 0, 4],
    ]);
  });

  it("reads a v0 answer to a version the broker doesn't support (UNSUPPORTED_VERSION)", () => {
    const decoded = respond(4, 0, { errorCode: 35, apiKeys: [range(18, 0, 3), range(32_000, 0, 1)] });
    expect(decoded.errorCode).toBe(35);
    expect(decoded.apiKeys.map((k) => k.apiKey)).toEqual([18]);
  });
});
