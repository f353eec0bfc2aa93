// The status page's reads: open tickets (counted, and the oldest listed) and the latest production
// deploys with the tickets linked to them. Narrow queries on indexed columns; no writes.
import { type Deploy, PRODUCTION } from '../domain/deploy.js';
import { isPriority, PRIORITIES, type Priority } from '../domain/priority.js';
import type { Ticket } from '../domain/ticket.js';
import type { Db } from './db.js';
import { toDeploy } from './deploys.js';
import { openTicketsByPriority, toTicket } from './tickets.js';

export async function openTicketCounts(db: Db): Promise<Record<Priority, number>> {
  const counts = Object.fromEntries(PRIORITIES.map((p) => [p, 0])) as Record<Priority, number>;
  for (const { priority, count } of await openTicketsByPriority(db)) if (isPriority(priority)) counts[priority] = count;
  return counts;
}

/** Open tickets, most urgent priority first, oldest first within a priority. */
export async function oldestOpenTickets(db: Db, limit: number): Promise<Ticket[]> {
  const rows = await db.ticket.findMany({
    where: { status: { not: 'resolved' } },
    orderBy: [{ priority: 'asc' }, { createdAt: 'asc' }, { id: 'asc' }],
    take: limit,
  });
  return rows.map(toTicket);
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
    deploy: toDeploy(deploy),
    tickets: links.map((l) => ({ id: l.ticket.id, title: l.ticket.title, verdict: l.verdict as 'suggested' | 'caused' })),
  }));
}
