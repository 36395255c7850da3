import { describe, expect, it } from "vitest";
import { AddressConnections } from "../../../src/limits/address-connections.js";

describe("AddressConnections", () => {
  it("caps open connections per address, and frees a place when one closes", () => {
    const addresses = new AddressConnections({ maxConnectionsPerAddress: 2 });
    const a = addresses.admit("10.0.0.1", 0);
    const b = addresses.admit("10.0.0.1", 0);
    expect(addresses.admit("10.0.0.1", 0)).toMatchObject({ refused: "address_connections" });
    expect("release" in addresses.admit("10.0.0.2", 0)).toBe(true); // another address is not affected
    if (!("release" in a) || !("release" in b)) throw new Error("refused");
    a.release();
    a.release(); // twice is once
    expect("release" in addresses.admit("10.0.0.1", 0)).toBe(true);
    expect(addresses.admit("10.0.0.1", 0)).toMatchObject({ refused: "address_connections" });
  });

  it("limits new connections per second per address, with a burst of one second's worth; refusals take no tokens", () => {
    const addresses = new AddressConnections({ connectionsPerSecondPerAddress: 2 });
    expect("release" in addresses.admit("10.0.0.1", 0)).toBe(true);
    expect("release" in addresses.admit("10.0.0.1", 0)).toBe(true);
    for (let i = 0; i < 10; i++) expect(addresses.admit("10.0.0.1", 100)).toMatchObject({ refused: "address_connection_rate" });
    expect("release" in addresses.admit("10.0.0.2", 100)).toBe(true);
    expect("release" in addresses.admit("10.0.0.1", 600)).toBe(true); // 0.5 s later: one token back, despite the refusals
  });

  it("without limits, admits everything", () => {
    const addresses = new AddressConnections({});
    for (let i = 0; i < 1000; i++) expect("release" in addresses.admit("10.0.0.1", 0)).toBe(true);
  });
});
