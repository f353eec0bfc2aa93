/**
 * Work queued by lane: one lane's tasks run one after another in the order they were added, and at
 * most `limit` lanes run at once. `add` waits only while every slot is busy with another lane. Once a
 * task has failed, tasks not yet started are dropped and `finished` rejects with its error.
 */
export class LaneRuns {
  private readonly running = new Map<string, Promise<void>>();
  private failure: { error: unknown } | null = null;

  constructor(private readonly limit: number) {}

  async add(lane: string, task: () => Promise<void>): Promise<void> {
    while (!this.running.has(lane) && this.running.size >= this.limit) await Promise.race(this.running.values());
    const run = (this.running.get(lane) ?? Promise.resolve())
      // After a failure nothing more starts, as when one relay sent one message at a time: a lane's
      // next message must not go before the one that failed (a channel's posts stay in order).
      .then(() => (this.failure ? undefined : task()))
      .catch((error: unknown) => {
        this.failure ??= { error };
      })
      .finally(() => {
        if (this.running.get(lane) === run) this.running.delete(lane);
      });
    this.running.set(lane, run);
  }

  /** Resolves once every task added has run; rejects with the first task's error, if one failed. */
  async finished(): Promise<void> {
    while (this.running.size) await Promise.all(this.running.values());
    if (this.failure) throw this.failure.error;
  }
}
