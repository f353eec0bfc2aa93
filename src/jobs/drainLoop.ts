import { setImmediate as nextTurn } from 'node:timers/promises';

/**
 * Repeats a batch pass until one finds nothing to do. A call made while a run is going shares that
 * run and asks for one more round when it ends, so work committed mid-run (a kick after a commit)
 * does not wait for the next poll, and one process never runs two passes of the same loop at once.
 * Used by the outbox relay and the job scheduler.
 */
export function drainLoop(pass: () => Promise<number>): () => Promise<number> {
  let running: Promise<number> | null = null;
  let again = false;
  return () => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      let total = 0;
      do {
        again = false;
        for (let n = await pass(); n > 0; n = await pass()) {
          total += n;
          // SQLite's driver answers synchronously, so without a turn of the event loop between
          // passes a long drain would hold off every timer and HTTP request of the process.
          await nextTurn();
        }
      } while (again);
      return total;
    })().finally(() => {
      running = null;
    });
    return running;
  };
}
