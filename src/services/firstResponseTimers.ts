// The first-response target: a clock from the ticket's creation on the SLA's rules (business hours,
// holidays, waiting on the reporter pauses it), stopped by the first reply from someone other than
// the reporter or by someone taking the ticket. Its due time is stored on the ticket (reports compare
// it with firstResponseAt) and one durable reminder job is kept in step with it, the way the SLA
// timers are: the dedupKey names the ticket and the instant, so it is planned and sent once.
import type { SupportConfig } from '../config/supportConfig.js';
import { dueAt } from '../domain/sla.js';
import type { JobHandlers } from '../jobs/scheduler.js';
import { firstResponseReminder } from '../messages/ticketReplies.js';
import { enqueueAll, type OutboxKind } from '../outbox/queue.js';
import type { Tx } from '../repos/db.js';
import { findTickets, setFirstResponseDue } from '../repos/tickets.js';
import { callOn, type SlaObserver, syncTicketJobs, type TicketJobs, type Timer } from './slaTimers.js';
import { firstResponseInput, type Ticket, type TicketHooks } from './tickets.js';

export const FIRST_RESPONSE_REMINDER = 'first_response.reminder';
const KINDS = [FIRST_RESPONSE_REMINDER];

/** The reminder of an unanswered, unresolved ticket whose clock runs; null otherwise. */
function reminderTimer(config: SupportConfig, ticket: Ticket): Timer | null {
  if (ticket.firstResponseAt || ticket.status === 'resolved') return null;
  const at = dueAt(firstResponseInput(config, ticket));
  return at && { kind: FIRST_RESPONSE_REMINDER, at, dedupKey: `${FIRST_RESPONSE_REMINDER}:${ticket.id}:${at.toISOString()}` };
}

/**
 * Stores the due time (until answered) and makes the pending reminder match it. Idempotent. A ticket
 * is filed with its due time (services/tickets.ts), so a new one needs no update here.
 */
async function sync(tx: Tx, config: SupportConfig, ticket: Ticket, jobs?: TicketJobs): Promise<void> {
  if (!ticket.firstResponseAt) {
    const due = dueAt(firstResponseInput(config, ticket));
    if (due?.getTime() !== ticket.firstResponseDueAt?.getTime()) await setFirstResponseDue(tx, ticket.id, due);
  }
  const timer = reminderTimer(config, ticket);
  await syncTicketJobs(tx, ticket.id, KINDS, timer ? [timer] : [], jobs);
}

export function firstResponseHooks(config: SupportConfig): TicketHooks {
  return {
    created: (tx, ticket) => sync(tx, config, ticket, 'none'),
    changed: (tx, _before, after) => sync(tx, config, after),
    answered: (tx, ticket) => sync(tx, config, ticket),
  };
}

export function firstResponseJobHandlers(config: SupportConfig, observer?: SlaObserver): JobHandlers {
  return {
    async [FIRST_RESPONSE_REMINDER](tx, jobs, now, afterCommit) {
      const ids = jobs.map((j) => j.ticketId).filter((id): id is number => id !== null);
      const tickets = new Map((await findTickets(tx, ids)).map((t) => [t.id, t]));
      const callee = callOn(tx, config, now);
      const messages: OutboxKind[] = [];
      for (const job of jobs) {
        const ticket = job.ticketId === null ? undefined : tickets.get(job.ticketId);
        if (!ticket) continue;
        const timer = reminderTimer(config, ticket);
        // Planned under other settings (the config changed): re-plan instead of sending a stale one.
        if (timer?.dedupKey !== job.dedupKey) {
          await sync(tx, config, ticket);
          continue;
        }
        const text = firstResponseReminder({
          ticketId: ticket.id,
          priority: ticket.priority,
          deadline: timer.at,
          timeZone: config.timeZone,
          callee: await callee(ticket),
        });
        messages.push({ kind: 'ticket.reply', ticketId: ticket.id, text }, { kind: 'ticket.root', ticketId: ticket.id });
        afterCommit(() => observer?.reminded(ticket.priority, 'first_response'));
      }
      await enqueueAll(tx, messages, { now });
    },
  };
}
