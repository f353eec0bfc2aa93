// The daily prune of finished bookkeeping rows (delivered Slack messages, done jobs, seen Slack
// deliveries): a durable job planned once per day under a key, so with several replicas it runs once.
import type { Logger } from 'pino';
import type { SupportConfig } from '../config/supportConfig.js';
import { nextPruneAt, retentionCutoffs } from '../domain/retention.js';
import { type JobHandlers, scheduledKeys, scheduleJob } from '../jobs/scheduler.js';
import { type Db, inTransaction, isUniqueViolation } from '../repos/db.js';
import { pruneFinishedRows } from '../repos/retention.js';

export const RETENTION_PRUNE = 'retention_prune';

/** Plans the next prune unless it is planned already (called with the periodic rotation check). */
export async function planRetentionPrune(deps: { db: Db; config: SupportConfig }, now: Date): Promise<void> {
  const dueAt = nextPruneAt(now, deps.config.timeZone);
  const dedupKey = `${RETENTION_PRUNE}:${dueAt.toISOString()}`;
  try {
    await inTransaction(deps.db, async (tx) => {
      if ((await scheduledKeys(tx, [dedupKey])).length) return;
      await scheduleJob(tx, { kind: RETENTION_PRUNE, dueAt, payload: {}, dedupKey });
    });
  } catch (err) {
    // Another replica planned it first.
    if (!isUniqueViolation(err)) throw err;
  }
}

export function retentionJobHandlers(log: Logger): JobHandlers {
  return {
    async [RETENTION_PRUNE](tx, _jobs, now) {
      const pruned = await pruneFinishedRows(tx, retentionCutoffs(now));
      log.info({ pruned }, 'pruned finished outbox messages, jobs and Slack deliveries');
    },
  };
}
