import { describe, expect, it } from "vitest";
import { InFlightQueue, type InFlightRequest } from "../../../src/proxy/in-flight.js";

const request = (correlationId: number): InFlightRequest => ({ apiKey: 3, apiVersion: 12, correlationId, expectsResponse: true, decodeResponse: false, states: undefined });

describe("InFlightQueue", () => {
  it("returns requests oldest first and undefined when empty", () => {
    const queue = new InFlightQueue();
    expect(queue.shift()).toBeUndefined();
    queue.push(request(1));
    queue.push(request(2));
    expect(queue.size).toBe(2);
    expect(queue.shift()?.correlationId).toBe(1);
    queue.push(request(3));
    expect(queue.shift()?.correlationId).toBe(2);
    expect(queue.shift()?.correlationId).toBe(3);
    expect(queue.size).toBe(0);
    expect(queue.shift()).toBeUndefined();
  });

  it("keeps order through a long pipeline that never drains", () => {
    const queue = new InFlightQueue();
    let next = 0;
    let expected = 0;
    for (let round = 0; round < 5_000; round++) {
      queue.push(request(next++));
      queue.push(request(next++));
      expect(queue.shift()?.correlationId).toBe(expected++);
    }
    expect(queue.size).toBe(5_000);
    while (queue.size > 0) expect(queue.shift()?.correlationId).toBe(expected++);
    expect(expected).toBe(next);
  });

  it("starts over in the same slots once empty, with nothing of the old requests left to see", () => {
    const queue = new InFlightQueue();
    for (let id = 1; id <= 3; id++) queue.push(request(id));
    while (queue.size > 0) queue.shift();
    expect(queue.peek()).toBeUndefined();
    queue.push(request(10));
    queue.push(request(11));
    expect(queue.size).toBe(2);
    expect(queue.peek()?.correlationId).toBe(10);
    expect(queue.shift()?.correlationId).toBe(10);
    expect(queue.shift()?.correlationId).toBe(11);
    expect(queue.peek()).toBeUndefined();
    expect(queue.shift()).toBeUndefined();
  });
});
