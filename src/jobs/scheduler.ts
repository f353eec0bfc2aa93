// Durable timers (SLA reminders and breaches, page escalations). Due work is a Job row. A pass is
// one transaction: a single statement claims the earliest due rows by marking them done, then each
// job's handler runs in that same transaction, so a job's effects (outbox messages, ticket changes,
// events) commit together with "done", or — on a crash, an error, a lost race — not at all and the
// job is still pending. Nothing is ever half-claimed, so there is no lease to wait for after a crash.
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import type { Provider } from '../db/provider.js';
import { type Db, inTransaction, type Tx } from '../repos/db.js';
import {
  cancelJobs,
  claimDueJobs,
  dueJobIds,
  insertJobOnce,
  type Job,
  lockTicketJobs,
  postponeJob,
  scheduledKeys,
  scheduleJob,
  scheduleJobs,
} from '../repos/jobs.js';
import { drainLoop } from './drainLoop.js';

export type { Job };

/**
 * Runs the due jobs of one kind inside the transaction that completes them; throwing rolls all
 * back, and each is then retried on its own. Given all of a pass's jobs of its kind at once, so
 * that it can read and write for all of them in a few statements. Handlers touch only the database
 * (Slack goes through the outbox), and check the state they act on, since other jobs of the same
 * pass run before them in the same transaction.
 */
export type JobHandler = (tx: Tx, jobs: Job[], now: Date, afterCommit: AfterCommit) => Promise<void>;
/**
 * Registers what a handler wants done once its transaction has committed, never inside it (counting
 * what it queued, for /metrics): a batch that rolls back and runs again one by one must not count twice.
 */
export type AfterCommit = (effect: () => void) => void;
export type JobHandlers = Record<string, JobHandler>;

export { cancelJobs, insertJobOnce, lockTicketJobs, scheduledKeys, scheduleJob, scheduleJobs };

/** Told about every pass that ran jobs: how long it took and what it ran (for /metrics). */
export type PassObserver = (pass: { seconds: number; jobs: Job[]; now: Date }) => void;

/** A committed transaction's jobs, and what their handlers asked to do now that it has committed. */
interface Ran {
  jobs: Job[];
  afterCommit: Array<() => void>;
}

const DEFAULT_BATCH = 100;
const MAX_BACKOFF_MS = 10 * 60_000;

export class Scheduler {
  /** Recorded on the jobs this process ran (claimedBy), for the logs and the replica tests. */
  private readonly owner = randomUUID();
  /** Runs passes until nothing is due; concurrent callers share the run. */
  readonly drain: () => Promise<number>;

  constructor(
    private readonly db: Db,
    private readonly provider: Provider,
    private readonly clock: Clock,
    private readonly handlers: JobHandlers,
    private readonly log: Logger,
    private readonly batchSize = DEFAULT_BATCH,
    private readonly observe: PassObserver = () => {},
  ) {
    this.drain = drainLoop(() => this.pass());
  }

  /** Runs what is due now, up to one batch. Returns how many jobs it ran or rescheduled. */
  async pass(): Promise<number> {
    const now = this.clock.now();
    try {
      return await this.observed(now, () => inTransaction(this.db, (tx) => this.claimAndRun(tx, now, null)));
    } catch (err) {
      // Nothing of the batch committed. Run it again one job per transaction, so that a failing
      // job is retried on its own and does not hold back the others.
      this.log.warn({ err }, 'a job batch failed; running its jobs one by one');
      let ran = 0;
      for (const id of await dueJobIds(this.db, now, this.batchSize)) ran += await this.runOne(id, now);
      return ran;
    }
  }

  private async runOne(id: number, now: Date): Promise<number> {
    let job: Job | undefined;
    try {
      return await this.observed(now, () => inTransaction(this.db, (tx) => this.claimAndRun(tx, now, id, (claimed) => (job = claimed))));
    } catch (err) {
      // The claim itself failed (job unset): the database is in trouble, the next poll tries again.
      if (!job) throw err;
      // Retried for as long as it fails, at most every MAX_BACKOFF_MS: a timer must not be lost to
      // a passing database error, and a broken one shows in the logs every few minutes.
      const retryInMs = Math.min(1000 * 2 ** (job.attempts - 1), MAX_BACKOFF_MS);
      this.log.error({ err, jobId: id, kind: job.kind, attempts: job.attempts, retryInMs }, 'job failed; will retry');
      await postponeJob(this.db, id, now, retryInMs, String((err as Error).message ?? err));
      return 1;
    }
  }

  /** Runs one transaction of jobs; once it has committed, runs the handlers' after-commit effects and tells the observer what ran. */
  private async observed(now: Date, run: () => Promise<Ran>): Promise<number> {
    const started = process.hrtime.bigint();
    const { jobs, afterCommit } = await run();
    for (const effect of afterCommit) effect();
    if (jobs.length) this.observe({ seconds: Number(process.hrtime.bigint() - started) / 1e9, jobs, now });
    return jobs.length;
  }

  private async claimAndRun(tx: Tx, now: Date, onlyId: number | null, onClaim?: (job: Job) => void): Promise<Ran> {
    const jobs = await this.claim(tx, now, onlyId);
    // Kinds run in the order they first came due; within a kind, in due order.
    const byKind = new Map<string, Job[]>();
    for (const job of jobs) {
      onClaim?.(job);
      byKind.set(job.kind, [...(byKind.get(job.kind) ?? []), job]);
    }
    const afterCommit: Array<() => void> = [];
    for (const [kind, group] of byKind) {
      const handler = this.handlers[kind];
      if (!handler) throw new Error(`no handler for job kind "${kind}"`);
      await handler(tx, group, now, (effect) => afterCommit.push(effect));
    }
    return { jobs, afterCommit };
  }

  private claim(tx: Tx, now: Date, onlyId: number | null): Promise<Job[]> {
    return claimDueJobs(tx, { provider: this.provider, owner: this.owner, now, onlyId, limit: this.batchSize });
  }
}
