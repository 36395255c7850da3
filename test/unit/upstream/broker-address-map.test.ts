import { describe, expect, it } from "vitest";
import { BrokerAddressMap } from "../../../src/upstream/broker-address-map.js";

describe("BrokerAddressMap", () => {
  it("answers learned nodes without fetching", async () => {
    let fetches = 0;
    const map = new BrokerAddressMap(async () => (fetches++, []));
    map.learn(1, "10.0.0.1", 9092);
    expect(await map.resolve(1)).toEqual({ host: "10.0.0.1", port: 9092 });
    expect(fetches).toBe(0);
  });

  it("fetches once for concurrent lookups of unknown nodes, and learns every broker returned", async () => {
    let fetches = 0;
    const map = new BrokerAddressMap(async () => {
      fetches++;
      await new Promise((resolve) => setTimeout(resolve, 10));
      return [
        { nodeId: 1, host: "a", port: 1 },
        { nodeId: 2, host: "b", port: 2 },
      ];
    });
    const [one, two, three] = await Promise.all([map.resolve(1), map.resolve(2), map.resolve(3)]);
    expect(fetches).toBe(1);
    expect(one).toEqual({ host: "a", port: 1 });
    expect(two).toEqual({ host: "b", port: 2 });
    expect(three).toBeUndefined(); // no such broker
  });

  it("a failed fetch rejects its callers, and the next lookup tries again", async () => {
    let fetches = 0;
    const map = new BrokerAddressMap(async () => {
      if (fetches++ === 0) throw new Error("cluster down");
      return [{ nodeId: 5, host: "e", port: 5 }];
    });
    await expect(map.resolve(5)).rejects.toThrow("cluster down");
    expect(await map.resolve(5)).toEqual({ host: "e", port: 5 });
  });

  it("a learned address replaces an older one (a broker that moved)", () => {
    const map = new BrokerAddressMap(async () => []);
    map.learn(1, "old", 1);
    map.learn(1, "new", 2);
    expect(map.get(1)).toEqual({ host: "new", port: 2 });
  });
});
