// SLA reminders and breaches as durable jobs. After every ticket change (in its transaction) the
// ticket's timers are re-derived from its SLA clock; when one fires, it speaks for the ticket as it
// is at that moment. A timer's dedupKey names the ticket and the instant it is for, so a change that
// leaves the instant where it was (taking the ticket, a pause after the reminder) re-plans nothing
// and a reminder that was sent is never scheduled again; a change that moves it (priority, pause,
// reopen) cancels the old timer and plans a new one.
import type { SupportConfig } from '../config/supportConfig.js';
import type { Tx } from '../repos/db.js';
import { findTickets, markBreached } from '../repos/tickets.js';
import { isBusinessTime } from '../domain/businessHours.js';
import { dueAt, minutesLeft, reminderAt } from '../domain/sla.js';
import { cancelJobs, type Job, type JobHandlers, scheduledKeys, scheduleJobs } from '../jobs/scheduler.js';
import { enqueueAll, type OutboxKind } from '../outbox/queue.js';
import { ownerCall, slaBreach, slaReminder, unownedCall } from '../messages/ticketReplies.js';
import { gardenerRotationForService, onDuty } from './duty.js';
import { recordEvent, slaInput, type Ticket, type TicketHooks } from './tickets.js';

export const SLA_REMINDER = 'sla.reminder';
export const SLA_BREACH = 'sla.breach';
const SLA_KINDS = [SLA_REMINDER, SLA_BREACH];

export interface Timer {
  kind: string;
  at: Date;
  dedupKey: string;
}

/** The reminder and breach instants of the ticket's running SLA clock; null when no clock runs. */
export function slaTimers(config: SupportConfig, ticket: Ticket): { reminder: Timer; breach: Timer } | null {
  if (ticket.status === 'resolved' || ticket.breachedAt) return null;
  const input = slaInput(config, ticket);
  const due = dueAt(input);
  // No due time: waiting on the reporter holds the clock.
  if (!due) return null;
  const timer = (kind: string, at: Date): Timer => ({ kind, at, dedupKey: `${kind}:${ticket.id}:${at.toISOString()}` });
  return { reminder: timer(SLA_REMINDER, reminderAt(input, config.reminderFraction)!), breach: timer(SLA_BREACH, due) };
}

/** Makes the ticket's pending SLA jobs match its SLA clock. Idempotent. */
export async function syncSlaTimers(tx: Tx, config: SupportConfig, ticket: Ticket, now: Date, jobs?: TicketJobs): Promise<void> {
  const timers = slaTimers(config, ticket);
  // A reminder is only worth sending while the deadline is ahead; past it, the breach speaks.
  const wanted = !timers ? [] : timers.breach.at > now ? [timers.reminder, timers.breach] : [timers.breach];
  await syncTicketJobs(tx, ticket.id, SLA_KINDS, wanted, jobs);
}

/**
 * What a ticket's jobs are known to be: `none` for a ticket created in this transaction (nothing to
 * cancel or look up, which saves a filing two statements per timer kind).
 */
export type TicketJobs = 'none';

/** Makes a ticket's pending jobs of these kinds exactly the wanted timers: others cancelled, missing ones planned. */
export async function syncTicketJobs(tx: Tx, ticketId: number, kinds: string[], wanted: Timer[], jobs?: TicketJobs): Promise<void> {
  const keys = wanted.map((t) => t.dedupKey);
  let existing = new Set<string>();
  if (jobs !== 'none') {
    await cancelJobs(tx, { ticketId, kinds, keep: keys });
    existing = new Set(await scheduledKeys(tx, keys));
  }
  const missing = wanted.filter((t) => !existing.has(t.dedupKey));
  await scheduleJobs(
    tx,
    missing.map((t) => ({ kind: t.kind, ticketId, dueAt: t.at, dedupKey: t.dedupKey })),
  );
}

export function slaTimerHooks(config: SupportConfig): TicketHooks {
  return {
    created: (tx, ticket, now) => syncSlaTimers(tx, config, ticket, now, 'none'),
    changed: (tx, _before, after, _eventType, now) => syncSlaTimers(tx, config, after, now),
  };
}

/**
 * Who an SLA message calls on: the owner; when nobody owns the ticket, the gardener of the service's
 * squad in business hours, the on-call person out of hours. The timers of one pass fire at one
 * instant, so the person on duty is looked up once per service, not once per ticket.
 */
export function callOn(tx: Tx, config: SupportConfig, now: Date): (ticket: Ticket) => Promise<string> {
  const unowned = new Map<string, Promise<string>>();
  const lookUp = async (service: string) => {
    const business = isBusinessTime(config.calendar, now);
    const rotation = business ? gardenerRotationForService(config, service) : config.oncall;
    const user = rotation ? (await onDuty(tx, rotation, now)).user : null;
    return unownedCall(user, business);
  };
  return async (ticket) => {
    if (ticket.ownerId) return ownerCall(ticket.ownerId);
    const known = unowned.get(ticket.service);
    if (known) return known;
    const line = lookUp(ticket.service);
    unowned.set(ticket.service, line);
    return line;
  };
}

/**
 * The tickets whose timer these jobs still are, with their deadline. A job that is not (planned
 * under other SLA settings: ticket changes cancel outdated timers) re-plans its ticket's timers.
 */
async function stillDue(tx: Tx, config: SupportConfig, jobs: Job[], now: Date, pick: 'reminder' | 'breach') {
  const ids = jobs.map((j) => j.ticketId).filter((id): id is number => id !== null);
  const tickets = new Map((await findTickets(tx, ids)).map((t) => [t.id, t]));
  const due: Array<{ ticket: Ticket; deadline: Date }> = [];
  for (const job of jobs) {
    const ticket = job.ticketId === null ? undefined : tickets.get(job.ticketId);
    if (!ticket) continue;
    const timers = slaTimers(config, ticket);
    if (timers?.[pick].dedupKey === job.dedupKey) due.push({ ticket, deadline: timers.breach.at });
    else await syncSlaTimers(tx, config, ticket, now);
  }
  return due;
}

/**
 * Told of each SLA or first-response reminder and each breach its job queued (metrics), once the
 * job's transaction has committed: a pass that rolls back and runs again counts once.
 */
export interface SlaObserver {
  reminded(priority: string, kind: 'resolution' | 'first_response'): void;
  breached(priority: string): void;
}

export function slaJobHandlers(config: SupportConfig, observer?: SlaObserver): JobHandlers {
  const alarm = (ticket: Ticket, deadline: Date) => ({
    ticketId: ticket.id,
    priority: ticket.priority,
    deadline,
    timeZone: config.timeZone,
  });
  return {
    async [SLA_REMINDER](tx, jobs, now, afterCommit) {
      const callee = callOn(tx, config, now);
      const messages: OutboxKind[] = [];
      for (const { ticket, deadline } of await stillDue(tx, config, jobs, now, 'reminder')) {
        const left = minutesLeft(slaInput(config, ticket), now);
        // Ran late (the bot was down) and the deadline has passed: the breach message says it.
        if (left <= 0) continue;
        const text = slaReminder({ ...alarm(ticket, deadline), minutesLeft: left, callee: await callee(ticket) });
        // The root is edited too, to show the ticket at risk.
        messages.push({ kind: 'ticket.reply', ticketId: ticket.id, text }, { kind: 'ticket.root', ticketId: ticket.id });
        afterCommit(() => observer?.reminded(ticket.priority, 'resolution'));
      }
      await enqueueAll(tx, messages, { now });
    },

    async [SLA_BREACH](tx, jobs, now, afterCommit) {
      const callee = callOn(tx, config, now);
      const messages: OutboxKind[] = [];
      for (const { ticket, deadline } of await stillDue(tx, config, jobs, now, 'breach')) {
        const text = slaBreach({ ...alarm(ticket, deadline), callee: await callee(ticket) });
        // breachedAt is the instant the SLA ran out, also when the bot was down at that moment.
        await markBreached(tx, ticket.id, deadline, now);
        await recordEvent(tx, ticket.id, 'sla_breached', null, now, {
          dueAt: deadline.toISOString(),
          priority: ticket.priority,
          ownerId: ticket.ownerId,
        });
        messages.push({ kind: 'ticket.reply', ticketId: ticket.id, text }, { kind: 'ticket.root', ticketId: ticket.id });
        afterCommit(() => observer?.breached(ticket.priority));
      }
      await enqueueAll(tx, messages, { now });
    },
  };
}
