// Runs a task now and then every `intervalMs` after the previous run ended (runs never overlap), until stopped.
// The timer is unref'd: a poller never keeps the process alive on its own.

export class Poller {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    readonly intervalMs: number,
    private readonly task: () => Promise<void>,
  ) {}

  start(): void {
    void this.run();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private async run(): Promise<void> {
    if (this.stopped) return;
    await this.task(); // the task reports its own failures
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.run(), this.intervalMs);
    this.timer.unref();
  }
}
