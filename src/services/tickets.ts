// Ticket use cases: each validates, changes the ticket, records a TicketEvent and queues the Slack
// messages it implies, all in one transaction. Slack adapters call these; nothing here talks to Slack.
import type { Clock } from '../clock.js';
import type { SupportConfig } from '../config/supportConfig.js';
import { fail, ok, type Result } from '../domain/result.js';
import { dueAt, minutesLeft, type Pause, type SlaInput, slaState } from '../domain/sla.js';
import { type Actor, decide, NOT_SURE_SERVICE, type Ticket, type TicketAction, type TicketForm } from '../domain/ticket.js';
import { enqueue } from '../outbox/queue.js';
import { changeReply } from '../messages/ticketReplies.js';
import type { TicketView } from '../messages/ticketMessage.js';
import { type Db, inTransaction, type Tx } from '../repos/db.js';
import {
  claimFirstResponse,
  findTicket,
  findTicketByThread,
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
  created?(tx: Tx, ticket: Ticket, now: Date): Promise<void>;
  changed?(tx: Tx, before: Ticket, after: Ticket, eventType: string, now: Date): Promise<void>;
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

export async function createTicket(deps: TicketDeps, input: { form: TicketForm; reporterId: string }): Promise<Ticket> {
  const now = deps.clock.now();
  const { form } = input;
  const ticket = await inTransaction(deps.db, async (tx) => {
    const draft = { priority: form.priority, slaStartedAt: now, pauses: [], waitingSince: null };
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
    });
    await recordEvent(tx, created.id, 'created', input.reporterId, now, { priority: form.priority, service: form.service });
    await enqueue(tx, { kind: 'ticket.root', ticketId: created.id }, { now });
    await enqueue(tx, { kind: 'ticket.confirm', ticketId: created.id }, { now });
    for (const hook of deps.hooks) await hook.created?.(tx, created, now);
    return created;
  });
  deps.kick();
  return ticket;
}

/** Applies a button or modal action to a ticket, if the rules allow it for this person. */
export async function actOnTicket(
  deps: TicketDeps,
  input: { ticketId: number; action: TicketAction; actor: Actor },
): Promise<Result<Ticket>> {
  const now = deps.clock.now();
  const result = await inTransaction(deps.db, async (tx): Promise<Result<Ticket>> => {
    const before = await findTicket(tx, input.ticketId);
    if (!before) return fail(`Ticket #${input.ticketId} does not exist.`);
    const decided = decide(before, input.action, input.actor);
    if (!decided.ok) return decided;
    const decision = decided.value;

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
      ...(reopened ? { breachedAt: null, resolvedAt: null, resolution: null, codeChangeNeeded: null } : {}),
      ...(input.action.type === 'resolve'
        ? { resolvedAt: now, resolution: input.action.resolution, codeChangeNeeded: input.action.codeChangeNeeded }
        : {}),
    };
    const change: TicketChange = { ...next, slaDueAt: dueAt(slaInput(deps.config, next)) };
    const after = await updateTicketAtVersion(tx, before.id, before.version, change, now);
    if (!after) return fail(`#${before.id} was changed by someone else just now; look at it again.`);
    await recordEvent(tx, before.id, decision.event.type, input.actor.userId, now, decision.event.data);
    await enqueue(tx, { kind: 'ticket.root', ticketId: before.id }, { now });
    await enqueue(
      tx,
      {
        kind: 'ticket.reply',
        ticketId: before.id,
        text: changeReply(decision.event.type, input.actor.userId, before, after),
      },
      { now },
    );
    for (const hook of deps.hooks) await hook.changed?.(tx, before, after, decision.event.type, now);
    return ok(after);
  });
  if (result.ok) deps.kick();
  return result;
}

/**
 * A message in a ticket's thread. The first one from someone other than the reporter (and not a
 * bot) is the first response. Slack retries deliveries; `deliveryId` makes them count once.
 */
export async function recordThreadReply(
  deps: TicketDeps,
  input: { channelId: string; threadTs: string; userId: string; deliveryId: string },
): Promise<'first_response' | 'ignored' | 'duplicate'> {
  const now = deps.clock.now();
  const outcome = await inTransaction(deps.db, async (tx) => {
    if (!(await firstDelivery(tx, input.deliveryId, now))) return 'duplicate' as const;
    const ticket = await findTicketByThread(tx, input.channelId, input.threadTs);
    if (!ticket || ticket.firstResponseAt || input.userId === ticket.reporterId) return 'ignored' as const;
    if (!(await claimFirstResponse(tx, ticket.id, input.userId, now))) return 'ignored' as const;
    const minutes = (now.getTime() - ticket.createdAt.getTime()) / 60_000;
    await recordEvent(tx, ticket.id, 'first_response', input.userId, now, { minutes });
    await enqueue(tx, { kind: 'ticket.root', ticketId: ticket.id }, { now });
    return 'first_response' as const;
  });
  if (outcome === 'first_response') deps.kick();
  return outcome;
}

/** What the root message shows for a ticket at `now`. */
export function ticketView(config: SupportConfig, ticket: Ticket, now: Date): TicketView {
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
    firstResponse:
      ticket.firstResponseAt && ticket.firstResponderId
        ? { userId: ticket.firstResponderId, minutes: (ticket.firstResponseAt.getTime() - ticket.createdAt.getTime()) / 60_000 }
        : null,
    resolution: ticket.resolution,
    codeChangeNeeded: ticket.codeChangeNeeded,
    incident: ticket.incident,
    timeZone: config.timeZone,
  };
}
