// The gateway-wide connection budget: below it everyone is admitted; at it, a virtual cluster below its fair share
// gets in by evicting a connection of the one holding the most, and the others are refused.
import { describe, expect, it } from "vitest";
import { ConnectionBudget, type BudgetRefusal, type BudgetTicket } from "../../../src/limits/connection-budget.js";

const admitted = (result: BudgetTicket | BudgetRefusal): BudgetTicket => {
  if ("refused" in result) throw new Error(`refused: ${result.detail}`);
  return result;
};

describe("ConnectionBudget", () => {
  it("admits anyone below the budget, one tenant may use the room others don't", () => {
    const budget = new ConnectionBudget(10, 2);
    for (let i = 0; i < 10; i++) expect(admitted(budget.admit("a")).evict).toBeUndefined();
    expect(budget.openOf("a")).toBe(10);
    expect(budget.openConnections).toBe(10);
  });

  it("at the budget: the tenant holding the most is refused, the other gets in by evicting one of its connections", () => {
    const budget = new ConnectionBudget(10, 2);
    const tickets = Array.from({ length: 10 }, () => admitted(budget.admit("a")));
    const refusal = budget.admit("a");
    expect(refusal).toMatchObject({ refused: "gateway_connections" });
    expect((refusal as BudgetRefusal).detail).toMatch(/holds 10 connections.*budget.*is 10.*holds 10 \(its fair share is 5\)/);
    const b = admitted(budget.admit("b"));
    expect(b.evict).toBe("a");
    // The evicted connection's socket closes: its ticket goes back.
    tickets[0]!.release();
    expect(budget.openOf("a")).toBe(9);
    expect(budget.openConnections).toBe(10);
    // b may grow to its share (5) by evicting; at its share it is refused like anyone.
    for (let i = 1; i < 5; i++) {
      expect(admitted(budget.admit("b")).evict).toBe("a");
      tickets[i]!.release();
    }
    expect(budget.openOf("b")).toBe(5);
    expect(budget.admit("b")).toMatchObject({ refused: "gateway_connections" });
    expect(budget.admit("a")).toMatchObject({ refused: "gateway_connections" });
  });

  it("nobody is evicted from a tenant at or below its share", () => {
    const budget = new ConnectionBudget(4, 2);
    for (let i = 0; i < 2; i++) admitted(budget.admit("a"));
    for (let i = 0; i < 2; i++) admitted(budget.admit("b"));
    expect(budget.admit("c")).toMatchObject({ refused: "gateway_connections" }); // c is below its share (2), but a and b are at theirs
  });

  it("a ticket released twice counts once; a reload changes the budget and the share", () => {
    const budget = new ConnectionBudget(2, 1);
    const one = admitted(budget.admit("a"));
    one.release();
    one.release();
    expect(budget.openConnections).toBe(0);
    budget.update(1, 1);
    admitted(budget.admit("a"));
    expect(budget.admit("a")).toMatchObject({ refused: "gateway_connections" });
    budget.update(100, 4);
    expect(budget.fairShare).toBe(25);
  });
});
