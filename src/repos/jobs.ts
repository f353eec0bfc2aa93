// The job table behind the scheduler: scheduling, cancelling, claiming due jobs and recording failures.
import type { Provider } from '../db/provider.js';
import { type Job, Prisma } from '../generated/sqlite/client.js';
import type { Db, Tx } from './db.js';

export type { Job };

export interface NewJob {
  kind: string;
  ticketId?: number;
  dueAt: Date;
  payload?: Record<string, unknown>;
  /** Unique across all jobs ever scheduled, cancelled ones excepted: the same work is scheduled once. */
  dedupKey?: string;
}

export function scheduleJob(tx: Tx | Db, job: NewJob): Promise<void> {
  return scheduleJobs(tx, [job]);
}

/**
 * Adds the jobs in one statement (a ticket's SLA reminder and breach); a unique violation when a
 * dedupKey is taken. Raw SQL: Prisma's createMany compiles every value into its plan.
 */
export async function scheduleJobs(tx: Tx | Db, jobs: NewJob[]): Promise<void> {
  if (!jobs.length) return;
  const values = jobs.map(
    (job) =>
      Prisma.sql`(${job.kind}, ${job.ticketId ?? null}, ${job.dueAt}, ${JSON.stringify(job.payload ?? {})}, 'pending', 0, ${job.dedupKey ?? null})`,
  );
  await tx.$executeRaw`INSERT INTO "Job" ("kind", "ticketId", "dueAt", "payload", "status", "attempts", "dedupKey") VALUES ${Prisma.join(values)}`;
}

/**
 * Adds the job unless one under its dedupKey exists; whether it did. A key taken by another
 * transaction does not fail the caller's (a unique violation would roll back, and on PostgreSQL
 * abort, the change that asked for it). Raw SQL for ON CONFLICT, which Prisma's create cannot say.
 * `done`: recorded as work done at that instant, so that only one process does it.
 */
export async function insertJobOnce(tx: Tx | Db, job: NewJob & { dedupKey: string; done?: Date }): Promise<boolean> {
  const status = job.done ? 'done' : 'pending';
  const inserted =
    await tx.$executeRaw`INSERT INTO "Job" ("kind", "ticketId", "dueAt", "payload", "status", "attempts", "doneAt", "dedupKey")
    VALUES (${job.kind}, ${job.ticketId ?? null}, ${job.dueAt}, ${JSON.stringify(job.payload ?? {})}, ${status}, 0, ${job.done ?? null}, ${job.dedupKey})
    ON CONFLICT ("dedupKey") DO NOTHING`;
  return inserted > 0;
}

/**
 * Records work done now, in the caller's transaction, as a done job under a unique dedupKey (a
 * digest's period). When another process recorded the same key first, this throws a unique
 * violation (see isUniqueViolation) and the caller's transaction — with what it queued — rolls back.
 */
export async function recordDoneJob(
  tx: Tx,
  job: { kind: string; dedupKey: string; dueAt: Date; now: Date; payload?: Record<string, unknown>; by: string },
): Promise<void> {
  await tx.job.create({
    data: {
      kind: job.kind,
      dueAt: job.dueAt,
      payload: JSON.stringify(job.payload ?? {}),
      dedupKey: job.dedupKey,
      status: 'done',
      claimedBy: job.by,
      claimedAt: job.now,
      doneAt: job.now,
      attempts: 1,
    },
  });
}

/** Which of these dedupKeys name a job already scheduled (pending, done or failed). */
export async function scheduledKeys(tx: Tx | Db, keys: string[]): Promise<string[]> {
  const rows = await tx.job.findMany({ where: { dedupKey: { in: keys } }, select: { dedupKey: true } });
  return rows.flatMap((j) => (j.dedupKey === null ? [] : [j.dedupKey]));
}

/**
 * Cancels a ticket's pending jobs of some kinds, except those whose dedupKey is in `keep`, and
 * releases their keys so that the same work can be scheduled again later. On PostgreSQL a job that
 * a pass is running right now is locked: this waits for that pass and then leaves the job done.
 */
export async function cancelJobs(tx: Tx, where: { ticketId: number; kinds: string[]; keep?: string[] }): Promise<number> {
  const { count } = await tx.job.updateMany({
    where: {
      ticketId: where.ticketId,
      kind: { in: where.kinds },
      status: 'pending',
      ...(where.keep?.length ? { OR: [{ dedupKey: null }, { dedupKey: { notIn: where.keep } }] } : {}),
    },
    data: { status: 'cancelled', dedupKey: null },
  });
  return count;
}

/**
 * Locks a ticket's pending jobs for the rest of the transaction, before the ticket itself is
 * changed. A scheduler pass locks jobs (its claim) and then changes their tickets; a ticket change
 * that locked the ticket first and then its jobs (to cancel or reschedule them) could deadlock with
 * it on PostgreSQL. Taking the jobs first keeps one lock order: the change waits for a pass that
 * holds them, and a pass skips jobs a change holds. (A write, so it is the same on SQLite, where the
 * transaction takes the one write lock anyway.)
 */
export async function lockTicketJobs(tx: Tx, ticketId: number): Promise<void> {
  await tx.$executeRaw`UPDATE "Job" SET "status" = "status" WHERE "ticketId" = ${ticketId} AND "status" = 'pending'`;
}

/** Ids of the earliest due jobs. */
export async function dueJobIds(db: Db, now: Date, take: number): Promise<number[]> {
  const due = await db.job.findMany({
    where: { status: 'pending', dueAt: { lte: now } },
    orderBy: { dueAt: 'asc' },
    take,
    select: { id: true },
  });
  return due.map((j) => j.id);
}

/** When the earliest pending job is due; null when none is. */
export async function nextDueAt(db: Db): Promise<Date | null> {
  const next = await db.job.findFirst({ where: { status: 'pending' }, orderBy: { dueAt: 'asc' }, select: { dueAt: true } });
  return next?.dueAt ?? null;
}

/** A failed job stays pending, due again after `retryInMs`. */
export async function postponeJob(db: Db, id: number, now: Date, retryInMs: number, error: string): Promise<void> {
  await db.job.updateMany({
    where: { id, status: 'pending' },
    data: { attempts: { increment: 1 }, dueAt: new Date(now.getTime() + retryInMs), lastError: error.slice(0, 500) },
  });
}

/**
 * One statement that picks the earliest due rows and marks them done (undone by a rollback).
 * SQLite runs it under its single write lock, held to the end of the transaction. PostgreSQL
 * locks the picked rows until commit and other processes skip them (SKIP LOCKED); the outer
 * `status = 'pending'` is re-checked after any wait, so no row is claimed twice.
 */
export async function claimDueJobs(
  tx: Tx,
  opts: { provider: Provider; owner: string; now: Date; onlyId: number | null; limit: number },
): Promise<Job[]> {
  const { now, onlyId } = opts;
  const rows = await tx.$queryRaw<Job[]>`
      UPDATE "Job" SET "status" = 'done', "claimedBy" = ${opts.owner}, "claimedAt" = ${now}, "doneAt" = ${now}, "attempts" = "attempts" + 1, "lastError" = NULL
      WHERE "status" = 'pending' AND "id" IN (
        SELECT "id" FROM "Job" WHERE "status" = 'pending' AND "dueAt" <= ${now}${onlyId === null ? Prisma.empty : Prisma.sql` AND "id" = ${onlyId}`}
        ORDER BY "dueAt" LIMIT ${opts.limit}${opts.provider === 'postgresql' ? Prisma.raw(' FOR UPDATE SKIP LOCKED') : Prisma.empty})
      RETURNING *`;
  return rows.sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime() || a.id - b.id);
}
