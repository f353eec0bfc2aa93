// The outbox table: messages queued with the change they describe, claimed and recorded by the relay.
import { Prisma } from '../generated/sqlite/client.js';
import type { Db, Tx } from './db.js';
import { num } from './sqlDialect.js';

/** A message as stored: its kind (method), its JSON payload, and its place in its ticket's order. */
export interface OutboxRow {
  method: string;
  payload: string;
  ticketId: number | null;
  orderingKey: string | null;
  /** 0 interactive, 1 bulk: lower goes first. */
  priority: number;
  nextAttemptAt: Date;
  createdAt: Date;
  dedupKey?: string;
}

/** A message the relay may send. */
export interface DueMessage {
  id: number;
  orderingKey: string | null;
  priority: number;
  payload: string;
  attempts: number;
  lastError: string | null;
}

const OPEN = { status: { in: ['pending', 'sending'] } };

export async function insertOutboxRow(tx: Tx | Db, row: OutboxRow): Promise<void> {
  await tx.outboxMessage.create({ data: row });
}

/**
 * Several rows in one INSERT, in the order given. Raw SQL because Prisma's createMany compiles
 * every value into its query plan, at about 0.25 ms a row: most of the time of an SLA pass otherwise.
 */
export async function insertOutboxRows(tx: Tx | Db, rows: OutboxRow[]): Promise<void> {
  // 1000 rows × 7 parameters stays well inside SQLite's limit of 32,766 bound parameters.
  for (let i = 0; i < rows.length; i += 1000) {
    const values = rows
      .slice(i, i + 1000)
      .map(
        (r) => Prisma.sql`(${r.method}, ${r.payload}, ${r.ticketId}, ${r.orderingKey}, ${r.priority}, ${r.nextAttemptAt}, ${r.createdAt})`,
      );
    await tx.$executeRaw`INSERT INTO "OutboxMessage" ("method", "payload", "ticketId", "orderingKey", "priority", "nextAttemptAt", "createdAt") VALUES ${Prisma.join(values)}`;
  }
}

/** Due messages not yet delivered. */
export function countDue(db: Db, now: Date): Promise<number> {
  return db.outboxMessage.count({ where: { ...OPEN, nextAttemptAt: { lte: now } } });
}

/** Messages claimed before `claimedBefore` by a relay that never finished them go back to pending. */
export async function releaseExpiredClaims(db: Db, claimedBefore: Date): Promise<void> {
  await db.outboxMessage.updateMany({
    where: { status: 'sending', claimedAt: { lt: claimedBefore } },
    data: { status: 'pending', lastError: 'interrupted (lease expired)' },
  });
}

/** Where a page of due messages ended: the next page starts after it. */
export interface DueCursor {
  priority: number;
  id: number;
}

const DUE_SELECT = { id: true, orderingKey: true, priority: true, payload: true, attempts: true, lastError: true } as const;

/** A due message and the first undelivered message of its ordering key (itself when it has none). */
export interface DueInLine extends DueMessage {
  head: number;
}

/**
 * Pending messages due at `now` that may be handed now, by priority (interactive first), then oldest
 * first, after `after` and apart from `handed` (those in the relay's lanes already): the first
 * undelivered message of each ordering key, and an interactive one whose key has only bulk ones
 * ahead of it (it takes its head along). The rest wait behind a message of their own ticket and are
 * not read at all: under a backlog they are most of the table, and reading them page after page on
 * every pass was most of the relay's time (docs/benchmarks.md). Raw SQL for the correlated subqueries.
 */
export async function dueMessages(
  db: Db,
  now: Date,
  opts: { after: DueCursor | null; handed: number[]; take: number },
): Promise<DueInLine[]> {
  const { after, handed, take } = opts;
  // SQLite's raw integers come back as bigint: num() reads either.
  type Raw = Omit<DueInLine, 'id' | 'priority' | 'attempts' | 'head'> & Record<'id' | 'priority' | 'attempts' | 'head', unknown>;
  const rows = await db.$queryRaw<Raw[]>`
    SELECT m."id", m."orderingKey", m."priority", m."payload", m."attempts", m."lastError",
      COALESCE((SELECT MIN(h."id") FROM "OutboxMessage" h
        WHERE h."orderingKey" = m."orderingKey" AND h."status" IN ('pending', 'sending')), m."id") AS "head"
    FROM "OutboxMessage" m
    WHERE m."status" = 'pending' AND m."nextAttemptAt" <= ${now}
      AND NOT EXISTS (SELECT 1 FROM "OutboxMessage" e
        WHERE e."orderingKey" = m."orderingKey" AND e."status" IN ('pending', 'sending') AND e."id" < m."id" AND e."priority" <= m."priority")
      ${after ? Prisma.sql`AND (m."priority" > ${after.priority} OR (m."priority" = ${after.priority} AND m."id" > ${after.id}))` : Prisma.empty}
      ${handed.length ? Prisma.sql`AND m."id" NOT IN (${Prisma.join(handed)})` : Prisma.empty}
    ORDER BY m."priority", m."id"
    LIMIT ${take}`;
  return rows.map((r) => ({ ...r, id: num(r.id), priority: num(r.priority), attempts: num(r.attempts), head: num(r.head) }));
}

/** Those of `ids` that are pending and due at `now`, in id order. */
export async function dueByIds(db: Db, ids: number[], now: Date): Promise<DueMessage[]> {
  if (!ids.length) return [];
  return db.outboxMessage.findMany({
    where: { id: { in: ids }, status: 'pending', nextAttemptAt: { lte: now } },
    orderBy: { id: 'asc' },
    select: DUE_SELECT,
  });
}

/** The first undelivered message of an ordering key, if it is pending and due at `now`. */
export async function nextDue(db: Db, orderingKey: string, now: Date): Promise<DueMessage | null> {
  const next = await db.outboxMessage.findFirst({
    where: { orderingKey, ...OPEN },
    orderBy: { id: 'asc' },
    select: { ...DUE_SELECT, status: true, nextAttemptAt: true },
  });
  if (next?.status !== 'pending' || next.nextAttemptAt > now) return null;
  const { status: _status, nextAttemptAt: _at, ...due } = next;
  return due;
}

/** A message claimed for sending, as it was at the claim (its payload may have been rewritten since it was read). */
export interface ClaimedMessage {
  id: number;
  payload: string;
  /** Including this one. */
  attempts: number;
  lastError: string | null;
  /** When it was first tried: an earlier attempt that reached Slack is no older (rows from before this was stored: queued at). */
  firstAttemptAt: Date;
}

/**
 * Marks a pending message as being sent by `owner`; null when another relay took it. Conditional on
 * the attempts read with it, so the first attempt's time is stamped once, by the relay that made it.
 */
export async function claimMessage(
  db: Db,
  m: Pick<DueMessage, 'id' | 'attempts'>,
  owner: string,
  now: Date,
): Promise<ClaimedMessage | null> {
  const [claimed] = await db.outboxMessage.updateManyAndReturn({
    where: { id: m.id, status: 'pending', attempts: m.attempts },
    data: {
      status: 'sending',
      claimedBy: owner,
      claimedAt: now,
      attempts: m.attempts + 1,
      ...(m.attempts === 0 ? { firstAttemptAt: now } : {}),
    },
    select: { id: true, payload: true, attempts: true, lastError: true, firstAttemptAt: true, createdAt: true },
  });
  if (!claimed) return null;
  const { createdAt, firstAttemptAt, ...rest } = claimed;
  return { ...rest, firstAttemptAt: firstAttemptAt ?? createdAt };
}

export async function markSent(db: Db | Tx, id: number, now: Date, ts: string | null): Promise<void> {
  await db.outboxMessage.update({ where: { id }, data: { status: 'sent', sentAt: now, resultTs: ts, lastError: null } });
}

/** Given up on: Slack refused it for good. */
export async function markFailed(db: Db, id: number, error: string): Promise<void> {
  await db.outboxMessage.update({ where: { id }, data: { status: 'failed', lastError: error } });
}

export async function retryLater(db: Db, id: number, at: Date, error: string): Promise<void> {
  await db.outboxMessage.update({ where: { id }, data: { status: 'pending', nextAttemptAt: at, lastError: error } });
}

/** The state of the message queued under a dedupKey (e.g. a thread's parent). */
export function findByDedupKey(db: Db, dedupKey: string): Promise<{ id: number; status: string; resultTs: string | null } | null> {
  return db.outboxMessage.findUnique({ where: { dedupKey }, select: { id: true, status: true, resultTs: true } });
}

/** The last message queued under an ordering key (a ticket's thread), whatever its state. */
export function lastOfOrderingKey(
  db: Db | Tx,
  orderingKey: string,
): Promise<{ id: number; status: string; attempts: number; payload: string } | null> {
  return db.outboxMessage.findFirst({
    where: { orderingKey },
    orderBy: { id: 'desc' },
    select: { id: true, status: true, attempts: true, payload: true },
  });
}

/**
 * A new payload for a message no relay has tried to send yet and whose payload is still `was.payload`;
 * false when a relay has tried it, another writer changed it first, or it is gone.
 */
export async function rewriteUnsentPayload(db: Db | Tx, was: { id: number; payload: string }, payload: string): Promise<boolean> {
  const updated = await db.outboxMessage.updateMany({
    where: { id: was.id, status: 'pending', attempts: 0, payload: was.payload },
    data: { payload },
  });
  return updated.count === 1;
}

/** Due messages whose lane has no slot before `at` wait until then (never moved earlier; claimed ones are left alone). */
export async function deferUntil(db: Db, ids: number[], at: Date): Promise<void> {
  if (!ids.length) return;
  await db.outboxMessage.updateMany({
    where: { id: { in: ids }, status: 'pending', nextAttemptAt: { lt: at } },
    data: { nextAttemptAt: at },
  });
}
