// Bounds for the tests' waits: a regression that keeps the bot busy forever (a job claimed again
// and again, a message that never leaves the outbox) fails within seconds, naming what was awaited,
// instead of hanging the suite until an outer limit kills it without a word.

/** Long enough for the slowest honest settle of the suite on PostgreSQL with a busy machine. */
export const SETTLE_TIMEOUT_MS = 30_000;
export const STOP_TIMEOUT_MS = 30_000;

/** `work`, or a rejection after `ms` with the sentence `waitingFor()` gives at that moment. */
export async function within<T>(ms: number, waitingFor: () => string, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms / 1000} s waiting for ${waitingFor()}`)), ms);
  });
  try {
    return await Promise.race([work, expired]);
  } finally {
    clearTimeout(timer);
  }
}
