// Deletes bookkeeping rows past their use, so the delivery, job and dedupe tables do not grow
// without bound. Only finished rows go: nothing pending, being sent, or due.
import type { Tx } from './db.js';

export interface RetentionCutoffs {
  /** Slack deliveries seen before this are forgotten (Slack retries within minutes). */
  deliveriesBefore: Date;
  /** Jobs done or cancelled before this. */
  jobsBefore: Date;
  /** Slack messages sent or given up before this. */
  messagesBefore: Date;
  /** The same for messages others refer to by their key (threads under a deploy announcement, edits of it). */
  keyedMessagesBefore: Date;
}

export interface Pruned {
  deliveries: number;
  jobs: number;
  messages: number;
}

export async function pruneFinishedRows(tx: Tx, c: RetentionCutoffs): Promise<Pruned> {
  const deliveries = await tx.processedDelivery.deleteMany({ where: { at: { lt: c.deliveriesBefore } } });
  const jobs = await tx.job.deleteMany({
    where: {
      status: { in: ['done', 'cancelled'] },
      OR: [{ doneAt: { lt: c.jobsBefore } }, { doneAt: null, dueAt: { lt: c.jobsBefore } }],
    },
  });
  const messages = await tx.outboxMessage.deleteMany({
    where: {
      status: { in: ['sent', 'failed'] },
      OR: [
        { dedupKey: null, createdAt: { lt: c.messagesBefore } },
        { dedupKey: { not: null }, createdAt: { lt: c.keyedMessagesBefore } },
      ],
    },
  });
  return { deliveries: deliveries.count, jobs: jobs.count, messages: messages.count };
}
