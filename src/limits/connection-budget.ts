// The gateway-wide connection budget, shared fairly between virtual clusters. Below the budget every connection is
// admitted, so one busy tenant may use the room the others don't. At the budget, a virtual cluster below its fair
// share (the budget divided by the number of virtual clusters) still gets in: the least recently active connection
// of the virtual cluster holding the most is closed to make room (as Kafka's max.connections closes another
// listener's least recently used connection for an inter-broker one, KIP-402). Virtual clusters at or above their
// share are refused. So a tenant that opens thousands of idle connections is the one refused first, and never locks
// another out. The per-tenant caps of the platform team (connection-caps.ts) apply as well, per virtual cluster.

/** Admitted. `evict` names the virtual cluster one of whose connections must be closed to make room. */
export interface BudgetTicket {
  readonly evict: string | undefined;
  release(): void;
}

export interface BudgetRefusal {
  readonly refused: "gateway_connections";
  readonly detail: string;
}

export class ConnectionBudget {
  private total = 0;
  private readonly open = new Map<string, number>();

  constructor(
    private max: number,
    private virtualClusters: number,
  ) {}

  /** A reload: the new budget applies to the next accept; nobody is closed for a lowered one. */
  update(max: number, virtualClusters: number): void {
    this.max = max;
    this.virtualClusters = virtualClusters;
  }

  get openConnections(): number {
    return this.total;
  }

  get maxConnections(): number {
    return this.max;
  }

  /** Each virtual cluster's share at the budget. */
  get fairShare(): number {
    return Math.max(1, Math.floor(this.max / Math.max(1, this.virtualClusters)));
  }

  openOf(virtualCluster: string): number {
    return this.open.get(virtualCluster) ?? 0;
  }

  admit(virtualCluster: string): BudgetTicket | BudgetRefusal {
    const mine = this.openOf(virtualCluster);
    let evict: string | undefined;
    if (this.total >= this.max) {
      const share = this.fairShare;
      const heaviest = this.heaviest();
      if (mine >= share || heaviest === undefined || heaviest === virtualCluster || this.openOf(heaviest) <= share) {
        return { refused: "gateway_connections", detail: `the gateway holds ${this.total} connections, its budget (budgets.maxConnections) is ${this.max}, and this virtual cluster holds ${mine} (its fair share is ${share})` };
      }
      evict = heaviest;
    }
    this.total++;
    this.open.set(virtualCluster, mine + 1);
    let released = false;
    return {
      evict,
      release: () => {
        if (released) return;
        released = true;
        this.total--;
        const left = this.openOf(virtualCluster) - 1;
        if (left > 0) this.open.set(virtualCluster, left);
        else this.open.delete(virtualCluster);
      },
    };
  }

  private heaviest(): string | undefined {
    let name: string | undefined;
    let most = 0;
    for (const [vc, count] of this.open) {
      if (count > most) {
        most = count;
        name = vc;
      }
    }
    return name;
  }
}
