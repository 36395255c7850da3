// Admission at accept: the open-connection cap, the connection rate (wait up to 1 s, else refuse), and reloads.
import { describe, expect, it } from "vitest";
import { ConnectionCaps, MAX_RATE_DELAY_MS, type ConnectionRefusal, type ConnectionTicket } from "../../../src/limits/connection-caps.js";

const ticket = (admitted: ConnectionTicket | ConnectionRefusal): ConnectionTicket => {
  if ("refused" in admitted) throw new Error(`refused: ${admitted.refused}`);
  return admitted;
};

describe("ConnectionCaps", () => {
  it("admits everything without caps", () => {
    const caps = new ConnectionCaps({}, 0);
    for (let i = 0; i < 100; i++) expect(ticket(caps.admit(0)).delayMs).toBe(0);
    expect(caps.openConnections).toBe(100);
  });

  it("refuses at once over maxConnections, and admits again once a connection is released (once)", () => {
    const caps = new ConnectionCaps({ maxConnections: 2 }, 0);
    const first = ticket(caps.admit(0));
    ticket(caps.admit(0));
    expect(caps.admit(0)).toEqual({ refused: "connections", delayMs: 0 });
    first.release();
    first.release(); // a second release frees nothing more
    expect(caps.openConnections).toBe(1);
    ticket(caps.admit(0));
    expect(caps.admit(0)).toMatchObject({ refused: "connections" });
  });

  it("lets a second's worth through at once, delays the next up to a second, and refuses what would wait longer", () => {
    const caps = new ConnectionCaps({ connectionsPerSecond: 2 }, 0);
    expect(ticket(caps.admit(0)).delayMs).toBe(0);
    expect(ticket(caps.admit(0)).delayMs).toBe(0);
    expect(ticket(caps.admit(0)).delayMs).toBe(500);
    expect(ticket(caps.admit(0)).delayMs).toBe(1000);
    expect(caps.admit(0)).toEqual({ refused: "connection_rate", delayMs: MAX_RATE_DELAY_MS });
    // The refused one took nothing: half a second later, one more waits 1 s (not 1.5 s).
    expect(ticket(caps.admit(500)).delayMs).toBe(1000);
    expect(caps.openConnections).toBe(5);
  });

  it("takes new caps on update; open connections stay", () => {
    const caps = new ConnectionCaps({ maxConnections: 1 }, 0);
    ticket(caps.admit(0));
    expect(caps.admit(0)).toMatchObject({ refused: "connections" });
    caps.update({ maxConnections: 3, connectionsPerSecond: 1 }, 0);
    expect(ticket(caps.admit(0)).delayMs).toBe(0);
    expect(ticket(caps.admit(0)).delayMs).toBe(1000);
    caps.update({ maxConnections: 1 }, 0); // lowered below the open count: nobody is closed, nobody new gets in
    expect(caps.openConnections).toBe(3);
    expect(caps.admit(0)).toMatchObject({ refused: "connections" });
  });
});
