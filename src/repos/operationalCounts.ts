// What /metrics reads from the database at scrape time, so every replica reports the same truth:
// tickets by priority and state, and the outbox backlog. Grouped queries on indexed columns.
import type { Db } from './db.js';

export async function ticketCountsByPriorityAndStatus(db: Db): Promise<Array<{ priority: string; status: string; count: number }>> {
  const groups = await db.ticket.groupBy({ by: ['priority', 'status'], _count: { _all: true } });
  return groups.map((g) => ({ priority: g.priority, status: g.status, count: g._count._all }));
}

/** Messages not delivered yet (waiting, or being sent), and when the oldest of them was queued. */
export async function outboxBacklog(db: Db): Promise<{ depth: number; oldestQueuedAt: Date | null }> {
  const where = { status: { in: ['pending', 'sending'] } };
  const [depth, oldest] = await Promise.all([
    db.outboxMessage.count({ where }),
    db.outboxMessage.findFirst({ where, orderBy: { id: 'asc' }, select: { createdAt: true } }),
  ]);
  return { depth, oldestQueuedAt: oldest?.createdAt ?? null };
}
