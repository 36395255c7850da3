// Bytes held for requests still being received, gateway-wide and per virtual cluster, the way a Kafka broker bounds
// them with queued.max.request.bytes (KIP-72): a frame that is not whole in the bytes read so far gets its declared
// size reserved from both budgets before more of it is read. If they can't hold it, its connection is not read until
// they can (in the order connections started waiting); connections that only send whole frames never wait. Reserving
// the whole declared size, not the bytes seen so far, is what keeps progress possible: a frame that got its bytes
// can always be finished, so a budget full of half-received frames can't stall every one of them.
// One reservation per connection at a time: a connection receives one frame at a time.

/** What one virtual cluster holds; kept by name across reloads. */
class Pool {
  used = 0;
  constructor(public capacity: number) {}
}

export class RequestBytesBudget {
  private used = 0;
  private readonly pools = new Map<string, Pool>();
  /** Reservations waiting for bytes, oldest first (a Set iterates in insertion order). */
  private readonly waiting = new Set<FrameReservation>();

  constructor(
    private capacity: number,
    private perVirtualCluster: number,
  ) {}

  /** A reload: new sizes apply to the next reservation; what is held stays held. */
  resize(capacity: number, perVirtualCluster: number): void {
    this.capacity = capacity;
    this.perVirtualCluster = perVirtualCluster;
    for (const pool of this.pools.values()) pool.capacity = perVirtualCluster;
    this.wake(); // a larger budget may let waiting connections go on
  }

  /** One connection's handle; `granted` is called when a reservation that had to wait gets its bytes. */
  reservation(virtualCluster: string, granted: () => void): FrameReservation {
    let pool = this.pools.get(virtualCluster);
    if (pool === undefined) this.pools.set(virtualCluster, (pool = new Pool(this.perVirtualCluster)));
    return new FrameReservation(this, pool, granted);
  }

  /** Bytes reserved now, gateway-wide. */
  get usedBytes(): number {
    return this.used;
  }

  /** Use of each budget now, as a fraction of it: the gateway's, then each virtual cluster's. */
  usage(): { gateway: number; virtualClusters: Map<string, number> } {
    const virtualClusters = new Map([...this.pools].map(([name, pool]) => [name, pool.used / pool.capacity]));
    return { gateway: this.used / this.capacity, virtualClusters };
  }

  /** @internal FrameReservation's: takes `bytes` from both budgets if both can hold them. */
  take(pool: Pool, bytes: number): boolean {
    if (this.used + bytes > this.capacity || pool.used + bytes > pool.capacity) return false;
    this.used += bytes;
    pool.used += bytes;
    return true;
  }

  /** @internal */
  give(pool: Pool, bytes: number): void {
    this.used -= bytes;
    pool.used -= bytes;
    this.wake();
  }

  /** @internal */
  enqueue(reservation: FrameReservation): void {
    this.waiting.add(reservation);
  }

  /** @internal */
  dequeue(reservation: FrameReservation): void {
    this.waiting.delete(reservation);
  }

  /** Freed bytes go to the waiting reservations that fit, oldest first. */
  private wake(): void {
    for (const reservation of [...this.waiting]) {
      if (reservation.tryGrant()) this.waiting.delete(reservation);
    }
  }
}

export class FrameReservation {
  /** Bytes this connection holds now. */
  private held = 0;
  /** Bytes it waits for (0: not waiting). */
  private wanted = 0;

  constructor(
    private readonly budget: RequestBytesBudget,
    private readonly pool: Pool,
    private readonly granted: () => void,
  ) {}

  get heldBytes(): number {
    return this.held;
  }

  get isWaiting(): boolean {
    return this.wanted > 0;
  }

  /**
   * Reserves `bytes` for the frame being received. True when they are held (now, or already); false when the
   * connection must wait: `granted` is called once they are.
   */
  reserve(bytes: number): boolean {
    if (this.held > 0 || this.wanted > 0) return this.held > 0;
    if (this.budget.take(this.pool, bytes)) {
      this.held = bytes;
      return true;
    }
    this.wanted = bytes;
    this.budget.enqueue(this);
    return false;
  }

  /** The frame is whole (or the connection closed): its bytes go back, and a wait is given up. */
  release(): void {
    if (this.wanted > 0) {
      this.wanted = 0;
      this.budget.dequeue(this);
    }
    if (this.held === 0) return;
    const bytes = this.held;
    this.held = 0;
    this.budget.give(this.pool, bytes);
  }

  /** @internal The budget's wake-up: true when the wanted bytes are now held (and `granted` was called). */
  tryGrant(): boolean {
    if (this.wanted === 0) return true;
    if (!this.budget.take(this.pool, this.wanted)) return false;
    this.held = this.wanted;
    this.wanted = 0;
    this.granted();
    return true;
  }
}
