// The requests a client connection has forwarded upstream and not yet seen answered, oldest first.
// A broker answers one connection's requests strictly in order, so the head is always the request the
// next response belongs to: it tells which response header version to read and whether to rewrite.
// Requests the gateway answers itself queue here too (with their response), so that every client
// sees its responses in request order.

import type { ChainedRequest } from "../filters/chain.js";

/** A request as the chain passed it on; `decodeResponse` says whether some filter has to decode its response. */
export interface InFlightRequest extends ChainedRequest {
  /** Set when the gateway answers this request itself: the response body, sent once it reaches the head. */
  localResponse?: Buffer[];
  /** Close the connection (gracefully) once the local response has gone out. */
  closeAfter?: boolean;
  /** A forwarded request: when it was written upstream (performance.now()), for the latency metrics. */
  forwardedAtMs?: number;
  /** A forwarded request: the ms from the gateway taking it up to writing it upstream. */
  requestSideMs?: number;
}

/**
 * FIFO without Array.shift's O(n) moves: head and tail indexes that go back to 0 whenever the queue empties. The
 * array keeps its length then (its slots are reused): setting an array's length is a runtime call, and with one
 * request in flight the queue empties on every response.
 */
export class InFlightQueue {
  private items: (InFlightRequest | undefined)[] = [];
  private head = 0;
  private tail = 0;

  get size(): number {
    return this.tail - this.head;
  }

  push(request: InFlightRequest): void {
    if (this.tail < this.items.length) this.items[this.tail] = request;
    else this.items.push(request);
    this.tail++;
  }

  /** The oldest request, left in the queue. */
  peek(): InFlightRequest | undefined {
    return this.head < this.tail ? this.items[this.head] : undefined;
  }

  /** The request the next response answers, removed from the queue; undefined when nothing is in flight. */
  shift(): InFlightRequest | undefined {
    if (this.head === this.tail) return undefined;
    const request = this.items[this.head];
    this.items[this.head++] = undefined; // let it be collected
    if (this.head === this.tail) {
      this.head = 0;
      this.tail = 0;
    } else if (this.head >= 1024 && this.head * 2 >= this.tail) {
      // A pipeline that never drains: drop the consumed prefix once it dominates.
      this.items = this.items.slice(this.head, this.tail);
      this.tail -= this.head;
      this.head = 0;
    }
    return request;
  }
}
