// The status page's reads: open tickets (counted, and the oldest listed) and the latest production
// deploys with the tickets linked to them. Narrow queries on indexed columns; no writes.
import type { Db } from '../db/client.js';
import { PRODUCTION } from '../domain/deploy.js';
import { PRIORITIES, type Priority } from '../domain/priority.js';
import type { Deploy, Ticket } from '../generated/sqlite/client.js';

const isOpen = { status: { not: 'resolved' } };

export async function openTicketCounts(db: Db): Promise<Record<Priority, number>> {
  const groups = await db.ticket.groupBy({ by: ['priority'], where: isOpen, _count: { _all: true } });
  const counts = Object.fromEntries(PRIORITIES.map((p) => [p, 0])) as Record<Priority, number>;
  for (const g of groups) if (g.priority in counts) counts[g.priority as Priority] = g._count._all;
  return counts;
}

/** Open tickets, most urgent priority first, oldest first within a priority. */
export function oldestOpenTickets(db: Db, limit: number): Promise<Ticket[]> {
  return db.ticket.findMany({ where: isOpen, orderBy: [{ priority: 'asc' }, { createdAt: 'asc' }, { id: 'asc' }], take: limit });
}

export interface DeployWithTickets {
  deploy: Deploy;
  tickets: Array<{ id: number; title: string; verdict: 'suggested' | 'caused' }>;
}

/** The latest production deploys, each with the tickets linked to it and not ruled out ("Not related"). */
export async function recentProductionDeploys(db: Db, limit: number): Promise<DeployWithTickets[]> {
  const rows = await db.deploy.findMany({
    where: { environment: PRODUCTION },
    orderBy: [{ deployedAt: 'desc' }, { id: 'desc' }],
    take: limit,
    include: {
      links: {
        where: { verdict: { in: ['suggested', 'caused'] } },
        orderBy: { ticketId: 'asc' },
        include: { ticket: { select: { id: true, title: true } } },
      },
    },
  });
  return rows.map(({ links, ...deploy }) => ({
    deploy,
    tickets: links.map((l) => ({ id: l.ticket.id, title: l.ticket.title, verdict: l.verdict as 'suggested' | 'caused' })),
  }));
}
