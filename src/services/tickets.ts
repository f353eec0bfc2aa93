// Ticket use cases: each validates, changes the ticket, records a TicketEvent and queues the Slack
// messages it implies, all in one transaction. Slack adapters call these; nothing here talks to Slack.
import type { Clock } from '../clock.js';
import type { SupportConfig } from '../config/supportConfig.js';
import { fail, ok, type Result } from '../domain/result.js';
import { dueAt, minutesLeft, type Pause, type SlaInput, slaState } from '../domain/sla.js';
import type { SourceMessage } from '../domain/intake.js';
import { type Actor, type Decision, decide, NOT_SURE_SERVICE, type Ticket, type TicketAction, type TicketForm } from '../domain/ticket.js';
import { lockTicketJobs } from '../jobs/scheduler.js';
import { enqueue, enqueueAll, type OutboxKind } from '../outbox/queue.js';
import { changeReply } from '../messages/ticketReplies.js';
import type { TicketLinks, TicketView } from '../messages/ticketMessage.js';
import { type Db, inTransaction, isUniqueViolation, type Tx } from '../repos/db.js';
import {
  claimFirstResponse,
  findTicket,
  findTicketByThread,
  findTicketByView,
  firstDelivery,
  insertTicket,
  recordEvent,
  type TicketChange,
  updateTicketAtVersion,
} from '../repos/tickets.js';

export type { Ticket };
export { recordEvent };

/** Other features react to ticket changes inside the same transaction (SLA timers, routing, deploy links). */
export interface TicketHooks {
  /** The ticket was created in this transaction: it has no jobs yet, and its root and confirmation are queued. */
  created?(tx: Tx, ticket: Ticket, now: Date): Promise<void>;
  changed?(tx: Tx, before: Ticket, after: Ticket, eventType: string, now: Date): Promise<void>;
  /** The ticket got its first response (a reply or someone taking it). */
  answered?(tx: Tx, ticket: Ticket, now: Date): Promise<void>;
}

export interface TicketDeps {
  db: Db;
  clock: Clock;
  config: SupportConfig;
  hooks: TicketHooks[];
  /** Called after a commit that queued Slack messages, to deliver them now. */
  kick(): void;
}

export function serviceName(config: SupportConfig, service: string): string {
  return service === NOT_SURE_SERVICE ? 'Not sure' : (config.services[service]?.name ?? service);
}

export function isAdmin(config: SupportConfig, userId: string): boolean {
  return config.admins.includes(userId);
}

export function pausesOf(ticket: Pick<Ticket, 'pauses' | 'waitingSince'>): Pause[] {
  return ticket.waitingSince ? [...ticket.pauses, { from: ticket.waitingSince, to: null }] : ticket.pauses;
}

export function slaInput(config: SupportConfig, ticket: Pick<Ticket, 'priority' | 'slaStartedAt' | 'pauses' | 'waitingSince'>): SlaInput {
  return { startedAt: ticket.slaStartedAt, policy: config.sla[ticket.priority], calendar: config.calendar, pauses: pausesOf(ticket) };
}

/** The first-response clock: from the ticket's creation, on the SLA's rules, with its own targets. */
export function firstResponseInput(
  config: SupportConfig,
  ticket: Pick<Ticket, 'priority' | 'createdAt' | 'pauses' | 'waitingSince'>,
): SlaInput {
  return {
    startedAt: ticket.createdAt,
    policy: config.firstResponse[ticket.priority],
    calendar: config.calendar,
    pauses: pausesOf(ticket),
  };
}

/**
 * Files a ticket; `source` is the Slack message it was made from (the message shortcut), answered in
 * its thread. `viewId` is the form's Slack view: a view files one ticket, so a submission delivered
 * again (a Slack retry, a double submit, another replica) answers with the ticket it filed.
 */
export async function createTicket(
  deps: TicketDeps,
  input: { form: TicketForm; reporterId: string; source?: SourceMessage | null; viewId?: string | null },
): Promise<Ticket> {
  const viewId = input.viewId ?? null;
  const filed = viewId ? await findTicketByView(deps.db, viewId) : null;
  if (filed) return filed;
  try {
    return await insertNewTicket(deps, { ...input, viewId });
  } catch (err) {
    // The same submission arrived twice at once and the other delivery stored the ticket first.
    const winner = viewId && isUniqueViolation(err) ? await findTicketByView(deps.db, viewId) : null;
    if (!winner) throw err;
    return winner;
  }
}

async function insertNewTicket(
  deps: TicketDeps,
  input: { form: TicketForm; reporterId: string; source?: SourceMessage | null; viewId: string | null },
): Promise<Ticket> {
  const now = deps.clock.now();
  const { form } = input;
  const ticket = await inTransaction(deps.db, async (tx) => {
    const draft = { priority: form.priority, slaStartedAt: now, createdAt: now, pauses: [], waitingSince: null };
    const created = await insertTicket(tx, {
      title: form.title,
      description: form.description,
      priority: form.priority,
      service: form.service,
      link: form.link,
      reporterId: input.reporterId,
      channelId: deps.config.channels.support,
      createdAt: now,
      slaStartedAt: now,
      slaDueAt: dueAt(slaInput(deps.config, draft)),
      firstResponseDueAt: dueAt(firstResponseInput(deps.config, draft)),
      sourceChannelId: input.source?.channelId ?? null,
      sourceTs: input.source?.ts ?? null,
      sourcePermalink: input.source?.permalink ?? null,
      viewId: input.viewId,
    });
    await recordEvent(tx, created.id, 'created', input.reporterId, now, { priority: form.priority, service: form.service });
    const messages: OutboxKind[] = [
      { kind: 'ticket.root', ticketId: created.id },
      { kind: 'ticket.confirm', ticketId: created.id },
    ];
    if (input.source) {
      const { channelId, threadTs } = input.source;
      messages.push({ kind: 'ticket.sourceReply', ticketId: created.id, channel: channelId, threadTs });
    }
    await enqueueAll(tx, messages, { now });
    for (const hook of deps.hooks) await hook.created?.(tx, created, now);
    return created;
  });
  deps.kick();
  return ticket;
}

/** Applies a button or modal action to a ticket, if the rules allow it for this person. */
export async function actOnTicket(deps: TicketDeps, input: TicketActionInput): Promise<Result<Ticket>> {
  const now = deps.clock.now();
  // A refusal (a second click, someone else's ticket) is answered from a read, without taking the
  // database's one writer (SQLite) for a transaction; one that passes is decided again inside it.
  const allowed = decideOn(await findTicket(deps.db, input.ticketId), input);
  if (!allowed.ok) return allowed;
  const result = await inTransaction(deps.db, (tx) => actOnTicketIn(tx, deps, input, now));
  if (result.ok) deps.kick();
  return result;
}

export interface TicketActionInput {
  ticketId: number;
  action: TicketAction;
  actor: Actor;
}

/** What the rules decide for the action on `ticket` as it is (missing: refused). */
function decideOn(
  ticket: Ticket | null,
  input: TicketActionInput,
): Result<{ before: Ticket; decision: Extract<Decision, { ok: true }>['value'] }> {
  if (!ticket) return fail(`Ticket #${input.ticketId} does not exist.`);
  const decided = decide(ticket, input.action, input.actor);
  return decided.ok ? ok({ before: ticket, decision: decided.value }) : decided;
}

/** actOnTicket inside a transaction the caller holds (to dedupe a delivery, or change a second ticket with it). */
export async function actOnTicketIn(tx: Tx, deps: TicketDeps, input: TicketActionInput, now: Date): Promise<Result<Ticket>> {
  const decided = decideOn(await findTicket(tx, input.ticketId), input);
  if (!decided.ok) return decided;
  const { before, decision } = decided.value;

  const pauses = [...before.pauses];
  let waitingSince = before.waitingSince;
  if (before.waitingSince && decision.status !== 'waiting') {
    pauses.push({ from: before.waitingSince, to: now });
    waitingSince = null;
  }
  if (decision.status === 'waiting' && !before.waitingSince) waitingSince = now;
  const reopened = input.action.type === 'reopen';
  const next = {
    status: decision.status,
    ownerId: decision.ownerId,
    priority: decision.priority,
    waitingSince,
    pauses: reopened ? [] : pauses,
    slaStartedAt: reopened ? now : before.slaStartedAt,
    ...(reopened ? { breachedAt: null, resolvedAt: null, resolution: null, codeChangeNeeded: null, duplicateOfId: null } : {}),
    ...(input.action.type === 'resolve'
      ? { resolvedAt: now, resolution: input.action.resolution, codeChangeNeeded: input.action.codeChangeNeeded }
      : {}),
    // A duplicate needed no code change of its own; reports leave it out by duplicateOfId.
    ...(input.action.type === 'mark_duplicate'
      ? {
          resolvedAt: now,
          resolution: `Duplicate of #${input.action.originalId}`,
          codeChangeNeeded: false,
          duplicateOfId: input.action.originalId,
        }
      : {}),
  };
  const change: TicketChange = { ...next, slaDueAt: dueAt(slaInput(deps.config, next)) };
  // The hooks below reschedule the ticket's timers: their locks come first, as in a scheduler pass.
  await lockTicketJobs(tx, before.id);
  const after = await updateTicketAtVersion(tx, before, change, now);
  if (!after) return fail(`#${before.id} was changed by someone else just now; look at it again.`);
  await recordEvent(tx, before.id, decision.event.type, input.actor.userId, now, decision.event.data);
  await enqueue(tx, { kind: 'ticket.root', ticketId: before.id }, { now });
  await enqueue(
    tx,
    {
      kind: 'ticket.reply',
      ticketId: before.id,
      text: changeReply(decision.event.type, input.actor.userId, before, after),
      // Quiet by default: the person who acted is named in the reply but not pinged for it.
      quiet: [input.actor.userId],
    },
    { now },
  );
  for (const hook of deps.hooks) await hook.changed?.(tx, before, after, decision.event.type, now);
  // Taking the ticket answers the reporter as much as a reply does.
  if (decision.event.type === 'taken') await recordFirstResponse(tx, deps, after, input.actor.userId, now);
  return ok(after);
}

/**
 * A message in a ticket's thread. The first one from someone other than the reporter (and not a
 * bot) is the first response. Slack retries deliveries; `deliveryId` makes them count once.
 * Most messages change nothing (not a ticket's thread, or the ticket is answered already): they are
 * told apart by a read, without taking the database's one writer (SQLite) for a transaction.
 */
export async function recordThreadReply(
  deps: TicketDeps,
  input: { channelId: string; threadTs: string; userId: string; deliveryId: string },
): Promise<'first_response' | 'ignored' | 'duplicate'> {
  const now = deps.clock.now();
  const seen = await findTicketByThread(deps.db, input.channelId, input.threadTs);
  if (!seen || !answers(seen, input.userId)) return 'ignored';
  const outcome = await inTransaction(deps.db, async (tx) => {
    if (!(await firstDelivery(tx, input.deliveryId, now))) return 'duplicate' as const;
    const ticket = await findTicketByThread(tx, input.channelId, input.threadTs);
    if (!ticket || !(await recordFirstResponse(tx, deps, ticket, input.userId, now))) return 'ignored' as const;
    return 'first_response' as const;
  });
  if (outcome === 'first_response') deps.kick();
  return outcome;
}

/** Whether a word from `userId` would be the ticket's first response. */
function answers(ticket: Pick<Ticket, 'firstResponseAt' | 'reporterId'>, userId: string): boolean {
  return !ticket.firstResponseAt && userId !== ticket.reporterId;
}

/**
 * Records `userId`'s answer as the ticket's first response unless it has one or `userId` is the
 * reporter; whether it did. The event carries what reports need for "first-response SLA met".
 */
async function recordFirstResponse(tx: Tx, deps: TicketDeps, ticket: Ticket, userId: string, now: Date): Promise<boolean> {
  if (!answers(ticket, userId)) return false;
  await lockTicketJobs(tx, ticket.id);
  if (!(await claimFirstResponse(tx, ticket, userId, now))) return false;
  const minutes = (now.getTime() - ticket.createdAt.getTime()) / 60_000;
  const due = ticket.firstResponseDueAt;
  await recordEvent(tx, ticket.id, 'first_response', userId, now, {
    minutes,
    priority: ticket.priority,
    dueAt: due?.toISOString() ?? null,
    // No due time: the clock was held (waiting on the reporter) before the target was reached.
    met: due === null || now <= due,
  });
  await enqueue(tx, { kind: 'ticket.root', ticketId: ticket.id }, { now });
  const answered = await findTicket(tx, ticket.id);
  for (const hook of deps.hooks) if (answered) await hook.answered?.(tx, answered, now);
  return true;
}

/** What the root message shows for a ticket at `now`; `links` from ticketLinks (services/intake.ts). */
export function ticketView(config: SupportConfig, ticket: Ticket, now: Date, links?: TicketLinks): TicketView {
  const input = slaInput(config, ticket);
  const endOfClock = ticket.resolvedAt ?? now;
  const state = ticket.breachedAt ? 'breached' : slaState(input, endOfClock, config.reminderFraction);
  return {
    id: ticket.id,
    title: ticket.title,
    description: ticket.description,
    priority: ticket.priority,
    status: ticket.status,
    reporterId: ticket.reporterId,
    ownerId: ticket.ownerId,
    serviceName: serviceName(config, ticket.service),
    link: ticket.link,
    sla: { dueAt: ticket.slaDueAt, state, minutesLeft: minutesLeft(input, endOfClock) },
    firstResponseDue:
      ticket.firstResponseAt || ticket.status === 'resolved'
        ? null
        : { at: ticket.firstResponseDueAt, overdue: ticket.firstResponseDueAt !== null && ticket.firstResponseDueAt <= now },
    firstResponse:
      ticket.firstResponseAt && ticket.firstResponderId
        ? { userId: ticket.firstResponderId, minutes: (ticket.firstResponseAt.getTime() - ticket.createdAt.getTime()) / 60_000 }
        : null,
    resolution: ticket.resolution,
    codeChangeNeeded: ticket.codeChangeNeeded,
    incident: ticket.incident,
    timeZone: config.timeZone,
    ...(links ? { links } : {}),
  };
}
