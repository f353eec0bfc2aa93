// Tickets, their events and processed Slack deliveries. Rows are mapped to the domain's Ticket here
// (status and priority checked, the pauses' JSON read), so nothing above knows how they are stored.
import type { Priority } from '../domain/priority.js';
import { isPriority } from '../domain/priority.js';
import { type ClosedPause, isTicketStatus, type Ticket } from '../domain/ticket.js';
import type { Ticket as TicketRow } from '../generated/sqlite/client.js';
import type { Db, Tx } from './db.js';

type Reader = Db | Tx;

export function toTicket(row: TicketRow): Ticket {
  // The stored durations are for the reports' SQL only (bigint, which JSON cannot carry).
  const { resolveMs: _resolveMs, firstResponseMs: _firstResponseMs, ...stored } = row;
  const pauses = (JSON.parse(row.pauses) as Array<{ from: string; to: string }>).map((p) => ({
    from: new Date(p.from),
    to: new Date(p.to),
  }));
  return {
    ...stored,
    priority: isPriority(row.priority) ? row.priority : 'P3',
    status: isTicketStatus(row.status) ? row.status : 'open',
    pauses,
  };
}

const storedPauses = (pauses: ClosedPause[]) => JSON.stringify(pauses.map((p) => ({ from: p.from.toISOString(), to: p.to.toISOString() })));

const OPEN = { status: { not: 'resolved' } };
const BY_PRIORITY = [{ priority: 'asc' as const }, { id: 'asc' as const }];

export async function findTicket(db: Reader, id: number): Promise<Ticket | null> {
  const row = await db.ticket.findUnique({ where: { id } });
  return row && toTicket(row);
}

export async function findTickets(db: Reader, ids: number[]): Promise<Ticket[]> {
  return (await db.ticket.findMany({ where: { id: { in: ids } } })).map(toTicket);
}

/** The ticket whose root message is `rootTs` in `channelId`. */
export async function findTicketByThread(db: Reader, channelId: string, rootTs: string): Promise<Ticket | null> {
  const row = await db.ticket.findFirst({ where: { channelId, rootTs } });
  return row && toTicket(row);
}

export type NewTicket = Pick<
  Ticket,
  | 'title'
  | 'description'
  | 'priority'
  | 'service'
  | 'link'
  | 'reporterId'
  | 'channelId'
  | 'createdAt'
  | 'slaStartedAt'
  | 'slaDueAt'
  | 'firstResponseDueAt'
  | 'sourceChannelId'
  | 'sourceTs'
  | 'sourcePermalink'
> & { viewId: string | null };

/** Inserts the ticket; a unique violation when a ticket was already filed from the same view. */
export async function insertTicket(tx: Tx, t: NewTicket): Promise<Ticket> {
  return toTicket(await tx.ticket.create({ data: { ...t, updatedAt: t.createdAt } }));
}

/** The ticket filed by a submission of the Slack view `viewId`, if any. */
export async function findTicketByView(db: Reader, viewId: string): Promise<Ticket | null> {
  const row = await db.ticket.findUnique({ where: { viewId } });
  return row && toTicket(row);
}

/** What a person's action changes on a ticket. */
export type TicketChange = Pick<Ticket, 'status' | 'ownerId' | 'priority' | 'waitingSince' | 'pauses' | 'slaStartedAt' | 'slaDueAt'> &
  Partial<Pick<Ticket, 'breachedAt' | 'resolvedAt' | 'resolution' | 'codeChangeNeeded' | 'duplicateOfId'>>;

/**
 * The reports' stored durations (docs/reports.md) are written here, in the statement that writes the
 * instant they end at, so no use case can change one without the other.
 */
const msSinceCreated = (ticket: Pick<Ticket, 'createdAt'>, at: Date) => BigInt(at.getTime() - ticket.createdAt.getTime());

/** Applies the change if nobody changed `ticket` since it was read (its version); the ticket after, else null. */
export async function updateTicketAtVersion(
  tx: Tx,
  ticket: Pick<Ticket, 'id' | 'version' | 'createdAt'>,
  change: TicketChange,
  now: Date,
): Promise<Ticket | null> {
  const resolveMs = change.resolvedAt === undefined ? {} : { resolveMs: change.resolvedAt && msSinceCreated(ticket, change.resolvedAt) };
  const updated = await tx.ticket.updateMany({
    where: { id: ticket.id, version: ticket.version },
    data: { ...change, ...resolveMs, pauses: storedPauses(change.pauses), updatedAt: now, version: { increment: 1 } },
  });
  return updated.count === 1 ? findTicket(tx, ticket.id) : null;
}

/** Records the first response unless one is recorded already; whether this one was. */
export async function claimFirstResponse(tx: Tx, ticket: Pick<Ticket, 'id' | 'createdAt'>, userId: string, now: Date): Promise<boolean> {
  const claimed = await tx.ticket.updateMany({
    where: { id: ticket.id, firstResponseAt: null },
    data: {
      firstResponseAt: now,
      firstResponseMs: msSinceCreated(ticket, now),
      firstResponderId: userId,
      updatedAt: now,
      version: { increment: 1 },
    },
  });
  return claimed.count === 1;
}

/** No version bump: derived from the ticket's own state, and a click in flight must not be refused for it. */
export async function setFirstResponseDue(tx: Tx, id: number, dueAt: Date | null): Promise<void> {
  await tx.ticket.update({ where: { id }, data: { firstResponseDueAt: dueAt } });
}

/** No version bump: nobody decided anything, and a click in flight must not be refused for it. */
export async function markBreached(tx: Tx, id: number, at: Date, now: Date): Promise<void> {
  await tx.ticket.update({ where: { id }, data: { breachedAt: at, updatedAt: now } });
}

export async function setIncident(tx: Tx, id: number, incident: boolean, now: Date): Promise<void> {
  await tx.ticket.update({ where: { id }, data: { incident, updatedAt: now, version: { increment: 1 } } });
}

/** Takes the ticket's row lock until the transaction ends (a no-op write). */
export async function lockTicket(tx: Tx, id: number): Promise<void> {
  await tx.ticket.updateMany({ where: { id }, data: { id } });
}

export async function setRootTs(db: Reader, id: number, rootTs: string): Promise<void> {
  await db.ticket.update({ where: { id }, data: { rootTs } });
}

export async function setRootPermalink(db: Reader, id: number, rootPermalink: string): Promise<void> {
  await db.ticket.update({ where: { id }, data: { rootPermalink } });
}

/** Ids of the tickets marked as duplicates of `id`, oldest first. */
export async function duplicatesOf(db: Reader, id: number): Promise<Array<Pick<Ticket, 'id' | 'rootPermalink'>>> {
  return db.ticket.findMany({ where: { duplicateOfId: id }, select: { id: true, rootPermalink: true }, orderBy: { id: 'asc' } });
}

/** Open tickets, most urgent first; only those of `services` when given. */
export async function openTickets(db: Reader, opts: { services?: string[]; take: number }): Promise<Ticket[]> {
  const where = { ...OPEN, ...(opts.services ? { service: { in: opts.services } } : {}) };
  return (await db.ticket.findMany({ where, orderBy: BY_PRIORITY, take: opts.take })).map(toTicket);
}

/**
 * A person's open tickets (filed or owned), soonest due first (overdue first), paused ones last,
 * at most `take`; and how many there are.
 */
export async function openTicketsOf(db: Reader, userId: string, take: number): Promise<{ tickets: Ticket[]; total: number }> {
  const where = { ...OPEN, OR: [{ reporterId: userId }, { ownerId: userId }] };
  const [rows, total] = await Promise.all([
    db.ticket.findMany({ where, orderBy: [{ slaDueAt: { sort: 'asc', nulls: 'last' } }, { id: 'asc' }], take }),
    db.ticket.count({ where }),
  ]);
  return { tickets: rows.map(toTicket), total };
}

export function countOpenTickets(db: Reader, services?: string[]): Promise<number> {
  return db.ticket.count({ where: { ...OPEN, ...(services ? { service: { in: services } } : {}) } });
}

/** Open tickets on one service, oldest first. */
export async function openTicketsOnService(db: Reader, service: string): Promise<Ticket[]> {
  return (await db.ticket.findMany({ where: { service, ...OPEN }, orderBy: { id: 'asc' } })).map(toTicket);
}

/** Ids of the tickets on a service filed in [from, to]. */
export async function ticketIdsFiled(db: Reader, service: string, from: Date, to: Date): Promise<number[]> {
  const rows = await db.ticket.findMany({
    where: { service, createdAt: { gte: from, lte: to } },
    select: { id: true },
    orderBy: { id: 'asc' },
  });
  return rows.map((r) => r.id);
}

/** How many tickets on a service were filed in [from, to). */
export function countTicketsFiled(db: Reader, service: string, from: Date, to: Date): Promise<number> {
  return db.ticket.count({ where: { service, createdAt: { gte: from, lt: to } } });
}

export async function openTicketsByPriority(db: Reader): Promise<Array<{ priority: Priority | string; count: number }>> {
  const groups = await db.ticket.groupBy({ by: ['priority'], where: OPEN, _count: { _all: true } });
  return groups.map((g) => ({ priority: g.priority, count: g._count._all }));
}

export async function recordEvent(
  tx: Tx,
  ticketId: number,
  type: string,
  actorId: string | null,
  at: Date,
  data: Record<string, unknown> = {},
): Promise<void> {
  await tx.ticketEvent.create({ data: { ticketId, type, actorId, at, data: JSON.stringify(data) } });
}

/**
 * Records a Slack delivery id; false when it was recorded before (Slack retried the event). One
 * statement, so a retry arriving while the first delivery's transaction runs waits on the key and
 * then sees it, rather than failing on the unique index as a read-then-insert would (PostgreSQL).
 */
export async function firstDelivery(tx: Tx, id: string, at: Date): Promise<boolean> {
  const inserted = await tx.$executeRaw`INSERT INTO "ProcessedDelivery" ("id", "at") VALUES (${id}, ${at}) ON CONFLICT ("id") DO NOTHING`;
  return inserted === 1;
}

/** Where the messages of these tickets go (their channel, root message and reporter), by id. */
export async function ticketTargets(
  db: Reader,
  ids: number[],
): Promise<Map<number, { channel: string; rootTs: string | null; reporterId: string }>> {
  if (!ids.length) return new Map();
  const rows = await db.ticket.findMany({
    where: { id: { in: ids } },
    select: { id: true, channelId: true, rootTs: true, reporterId: true },
  });
  return new Map(rows.map((r) => [r.id, { channel: r.channelId, rootTs: r.rootTs, reporterId: r.reporterId }]));
}
