/** A counting semaphore that records its highest concurrency. */
export class Semaphore {
  private active = 0;
  private peak = 0;
  private readonly waiters: (() => void)[] = [];
  private readonly limit: number;
  constructor(limit: number) {
    this.limit = limit;
  }
  async acquire(): Promise<void> {
    if (this.active < this.limit) {
      this.active++;
      this.peak = Math.max(this.peak, this.active);
      return;
    }
    await new Promise<void>((resolve) => this.waiters.push(resolve));
    // the releaser handed its permit over: active is unchanged
  }
  release(): void {
    const next = this.waiters.shift();
    if (next !== undefined) next();
    else this.active--;
  }
  stats(): { active: number; queued: number; peak: number; limit: number } {
    return { active: this.active, queued: this.waiters.length, peak: this.peak, limit: this.limit };
  }
}
