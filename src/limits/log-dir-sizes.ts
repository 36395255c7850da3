// Bytes per topic on one physical cluster's disks (every replica counted), shared by all the virtual clusters on it:
// each tenant's poll takes a snapshot no older than its poll interval, so N tenants polling every 30 s cost the
// brokers about one DescribeLogDirs round per 30 s, not N. Concurrent asks share one fetch; a failed fetch is not kept.

export class LogDirSizes {
  private last: { readonly atMs: number; readonly sizes: Promise<ReadonlyMap<string, number>> } | undefined;

  /** `fetch`: physical topic name → bytes (fetchLogDirSizes in production). */
  constructor(private readonly fetch: () => Promise<ReadonlyMap<string, number>>) {}

  get(maxAgeMs: number, nowMs = performance.now()): Promise<ReadonlyMap<string, number>> {
    const last = this.last;
    if (last !== undefined && nowMs - last.atMs < maxAgeMs) return last.sizes;
    const sizes = this.fetch();
    const snapshot = { atMs: nowMs, sizes };
    this.last = snapshot;
    sizes.catch(() => {
      if (this.last === snapshot) this.last = undefined;
    });
    return sizes;
  }
}
