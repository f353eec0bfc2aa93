// Out-of-hours P1 paging: a P1 that nobody owns, filed (raised, reopened) outside business hours,
// pages the on-call person by DM at once; every `escalation.pageTimeoutMinutes` it is still not
// taken, the next person of the paging chain is paged, up to `escalation.chainLength` people. Each
// page is a Page row (the pay report reads them); taking the ticket marks its pages taken.
import type { SupportConfig } from '../config/supportConfig.js';
import type { Tx } from '../repos/db.js';
import { markPagesTaken, recordPage } from '../repos/rotations.js';
import { findTicket } from '../repos/tickets.js';
import { isBusinessTime } from '../domain/businessHours.js';
import { cancelJobs, scheduleJob, type JobHandlers } from '../jobs/scheduler.js';
import { enqueue } from '../outbox/queue.js';
import { pageDm, pagedReply } from '../messages/ticketReplies.js';
import { pagingChain } from './duty.js';
import type { Ticket, TicketHooks } from './tickets.js';

export const PAGE_ESCALATION = 'page.escalate';

type EscalationPayload = {
  /** The chain as it stood at the first page, so a handoff meanwhile does not reshuffle it. */
  chain: string[];
  level: number;
};

function needsSomeone(ticket: Ticket): boolean {
  return ticket.priority === 'P1' && !ticket.ownerId && ticket.status !== 'resolved';
}

async function page(tx: Tx, config: SupportConfig, ticket: Ticket, chain: string[], level: number, now: Date): Promise<void> {
  const userId = chain[level]!;
  await recordPage(tx, { ticketId: ticket.id, userId, level, at: now });
  await enqueue(
    tx,
    {
      kind: 'ticket.dm',
      ticketId: ticket.id,
      userId,
      text: pageDm({ ticketId: ticket.id, title: ticket.title, chain, level }),
    },
    { now },
  );
  await enqueue(
    tx,
    {
      kind: 'ticket.reply',
      ticketId: ticket.id,
      text: pagedReply(userId, level),
    },
    { now },
  );
  if (level + 1 < chain.length) {
    const payload: EscalationPayload = { chain, level: level + 1 };
    await scheduleJob(tx, {
      kind: PAGE_ESCALATION,
      ticketId: ticket.id,
      dueAt: new Date(now.getTime() + config.escalation.pageTimeoutMinutes * 60_000),
      payload,
    });
  }
}

async function pageOnCall(tx: Tx, config: SupportConfig, ticket: Ticket, now: Date): Promise<void> {
  if (!config.oncall || !needsSomeone(ticket) || isBusinessTime(config.calendar, now)) return;
  const chain = await pagingChain(tx, config.oncall, now, config.escalation.chainLength);
  if (chain.length) await page(tx, config, ticket, chain, 0, now);
}

export function pagingHooks(config: SupportConfig): TicketHooks {
  return {
    created: (tx, ticket, now) => pageOnCall(tx, config, ticket, now),
    async changed(tx, before, after, eventType, now) {
      if (!needsSomeone(after)) {
        if (after.ownerId && !before.ownerId) await markPagesTaken(tx, after.id, now);
        await cancelJobs(tx, { ticketId: after.id, kinds: [PAGE_ESCALATION] });
        return;
      }
      const becameP1 = eventType === 'priority_changed' && before.priority !== 'P1';
      if (becameP1 || eventType === 'reopened') await pageOnCall(tx, config, after, now);
    },
  };
}

export function pagingJobHandlers(config: SupportConfig): JobHandlers {
  return {
    async [PAGE_ESCALATION](tx, jobs, now) {
      for (const job of jobs) {
        const ticket = job.ticketId === null ? null : await findTicket(tx, job.ticketId);
        // Taking or resolving the ticket cancels this job; the check keeps a late run harmless.
        if (!ticket || !needsSomeone(ticket)) continue;
        const { chain, level } = JSON.parse(job.payload) as EscalationPayload;
        await page(tx, config, ticket, chain, level, now);
      }
    },
  };
}
