/**
 * Work queued by lane, for as long as the relay runs: one lane's tasks run one after another in the
 * order they were added, and at most `limit` lanes run at once (a lane without a slot waits for one,
 * first come, first served). A task that fails drops the tasks queued behind it in its lane (the
 * next message must not go before the one that failed: a channel's posts stay in order); its error
 * is kept for `takeFailure`. A task may leave work trailing behind it that its lane need not wait
 * for (`trail`: a sent message's recording); the runs are idle only once that is done too.
 */
export class LaneRuns {
  /** Queued tasks by lane; a lane is here while it has work, running or waiting for a slot. */
  private readonly lanes = new Map<string, Array<{ key: number; run: () => Promise<void>; ahead: boolean }>>();
  private readonly keys = new Set<number>();
  private readonly waitingForSlot: string[] = [];
  private running = 0;
  private failure: { error: unknown } | null = null;
  private whenIdle: Array<() => void> = [];
  private readonly trailing = new Set<Promise<void>>();

  constructor(private readonly limit: number) {}

  /**
   * Queues `run` in `lane` under `key` (a message id), unless a task of that key is queued already.
   * An `ahead` task goes before the lane's queued tasks that are not (after those that are).
   */
  add(lane: string, key: number, run: () => Promise<void>, ahead = false): void {
    if (this.keys.has(key)) return;
    this.keys.add(key);
    const task = { key, run, ahead };
    const queued = this.lanes.get(lane);
    if (queued) {
      const behind = ahead ? queued.findIndex((t) => !t.ahead) : -1;
      queued.splice(behind === -1 ? queued.length : behind, 0, task);
      return;
    }
    this.lanes.set(lane, [task]);
    if (this.running < this.limit) this.start(lane);
    else this.waitingForSlot.push(lane);
  }

  /** The keys of the tasks queued or running. */
  keysQueued(): number[] {
    return [...this.keys];
  }

  /** Whether a task of `key` is queued or running. */
  has(key: number): boolean {
    return this.keys.has(key);
  }

  get busy(): boolean {
    return this.lanes.size > 0 || this.trailing.size > 0;
  }

  /** Work a task started and its lane goes on without: `idle` waits for it, and its failure is kept like a task's. */
  trail(work: Promise<void>): void {
    const done: Promise<void> = work
      .catch((error: unknown) => {
        this.failure ??= { error };
      })
      .finally(() => {
        this.trailing.delete(done);
        this.settle();
      });
    this.trailing.add(done);
  }

  /** Resolves once no lane has work left. */
  idle(): Promise<void> {
    if (!this.busy) return Promise.resolve();
    return new Promise((resolve) => this.whenIdle.push(resolve));
  }

  /** Throws the error of a task that failed since the last call, if one did. */
  takeFailure(): void {
    const failed = this.failure;
    this.failure = null;
    if (failed) throw failed.error;
  }

  private start(lane: string): void {
    this.running += 1;
    void this.runLane(lane);
  }

  private async runLane(lane: string): Promise<void> {
    const queued = this.lanes.get(lane)!;
    for (let task = queued.shift(); task; task = queued.shift()) {
      try {
        await task.run();
      } catch (error) {
        this.failure ??= { error };
        for (const dropped of queued.splice(0)) this.keys.delete(dropped.key);
      } finally {
        this.keys.delete(task.key);
        if (!queued.length) this.lanes.delete(lane);
      }
    }
    this.running -= 1;
    const next = this.waitingForSlot.shift();
    if (next) this.start(next);
    this.settle();
  }

  private settle(): void {
    if (!this.busy) for (const resolve of this.whenIdle.splice(0)) resolve();
  }
}
