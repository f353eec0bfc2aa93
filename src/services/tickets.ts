// Ticket use cases: each validates, changes the ticket, records a TicketEvent and queues the Slack
// messages it implies, all in one transaction. Slack adapters call these; nothing here talks to Slack.
import type { Clock } from '../clock.js';
import type { SupportConfig } from '../config/supportConfig.js';
import type { Db, Tx } from '../db/client.js';
import { isPriority, type Priority } from '../domain/priority.js';
import { dueAt, minutesLeft, slaState, type Pause, type SlaInput } from '../domain/sla.js';
import { decide, NOT_SURE_SERVICE, type Actor, type TicketAction, type TicketForm, type TicketStatus } from '../domain/ticket.js';
import { enqueue } from '../outbox/queue.js';
import { changeReply, type ChangedTicket } from '../messages/ticketReplies.js';
import type { TicketView } from '../messages/ticketMessage.js';
import type { Ticket } from '../generated/sqlite/client.js';

export type { Ticket };

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
  const closed = (JSON.parse(ticket.pauses) as Array<{ from: string; to: string }>).map((p) => ({
    from: new Date(p.from),
    to: new Date(p.to),
  }));
  return ticket.waitingSince ? [...closed, { from: ticket.waitingSince, to: null }] : closed;
}

export function slaInput(config: SupportConfig, ticket: Pick<Ticket, 'priority' | 'slaStartedAt' | 'pauses' | 'waitingSince'>): SlaInput {
  const priority = isPriority(ticket.priority) ? ticket.priority : 'P3';
  return { startedAt: ticket.slaStartedAt, policy: config.sla[priority], calendar: config.calendar, pauses: pausesOf(ticket) };
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

export async function createTicket(deps: TicketDeps, input: { form: TicketForm; reporterId: string }): Promise<Ticket> {
  const now = deps.clock.now();
  const { form } = input;
  const ticket = await deps.db.$transaction(async (tx) => {
    const draft = { priority: form.priority, slaStartedAt: now, pauses: '[]', waitingSince: null };
    const created = await tx.ticket.create({
      data: {
        title: form.title,
        description: form.description,
        priority: form.priority,
        service: form.service,
        link: form.link,
        reporterId: input.reporterId,
        channelId: deps.config.channels.support,
        createdAt: now,
        updatedAt: now,
        slaStartedAt: now,
        slaDueAt: dueAt(slaInput(deps.config, draft)),
      },
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

const changed = (t: Ticket): ChangedTicket => ({ ...t, status: t.status as TicketStatus });

export type ActResult = { ok: true; ticket: Ticket } | { ok: false; reason: string };

/** Applies a button or modal action to a ticket, if the rules allow it for this person. */
export async function actOnTicket(deps: TicketDeps, input: { ticketId: number; action: TicketAction; actor: Actor }): Promise<ActResult> {
  const now = deps.clock.now();
  const result = await deps.db.$transaction(async (tx): Promise<ActResult> => {
    const before = await tx.ticket.findUnique({ where: { id: input.ticketId } });
    if (!before) return { ok: false, reason: `Ticket #${input.ticketId} does not exist.` };
    const decision = decide(
      {
        id: before.id,
        status: before.status as TicketStatus,
        priority: before.priority as Priority,
        reporterId: before.reporterId,
        ownerId: before.ownerId,
      },
      input.action,
      input.actor,
    );
    if (!decision.ok) return decision;

    const pauses = JSON.parse(before.pauses) as Array<{ from: string; to: string }>;
    let waitingSince = before.waitingSince;
    if (before.waitingSince && decision.status !== 'waiting') {
      pauses.push({ from: before.waitingSince.toISOString(), to: now.toISOString() });
      waitingSince = null;
    }
    if (decision.status === 'waiting' && !before.waitingSince) waitingSince = now;
    const reopened = input.action.type === 'reopen';
    const next = {
      status: decision.status,
      ownerId: decision.ownerId,
      priority: decision.priority,
      waitingSince,
      pauses: reopened ? '[]' : JSON.stringify(pauses),
      slaStartedAt: reopened ? now : before.slaStartedAt,
      ...(reopened ? { breachedAt: null, resolvedAt: null, resolution: null, codeChangeNeeded: null } : {}),
      ...(input.action.type === 'resolve'
        ? { resolvedAt: now, resolution: input.action.resolution, codeChangeNeeded: input.action.codeChangeNeeded }
        : {}),
    };
    const slaDueAt = dueAt(slaInput(deps.config, next));
    const updated = await tx.ticket.updateMany({
      where: { id: before.id, version: before.version },
      data: { ...next, slaDueAt, updatedAt: now, version: { increment: 1 } },
    });
    if (updated.count !== 1) return { ok: false, reason: `#${before.id} was changed by someone else just now; look at it again.` };
    const after = (await tx.ticket.findUnique({ where: { id: before.id } }))!;
    await recordEvent(tx, before.id, decision.event.type, input.actor.userId, now, decision.event.data);
    await enqueue(tx, { kind: 'ticket.root', ticketId: before.id }, { now });
    await enqueue(
      tx,
      {
        kind: 'ticket.reply',
        ticketId: before.id,
        text: changeReply(decision.event.type, input.actor.userId, changed(before), changed(after)),
      },
      { now },
    );
    for (const hook of deps.hooks) await hook.changed?.(tx, before, after, decision.event.type, now);
    return { ok: true, ticket: after };
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
  const outcome = await deps.db.$transaction(async (tx) => {
    const seen = await tx.processedDelivery.findUnique({ where: { id: input.deliveryId } });
    if (seen) return 'duplicate' as const;
    await tx.processedDelivery.create({ data: { id: input.deliveryId, at: now } });
    const ticket = await tx.ticket.findFirst({ where: { channelId: input.channelId, rootTs: input.threadTs } });
    if (!ticket || ticket.firstResponseAt || input.userId === ticket.reporterId) return 'ignored' as const;
    const claimed = await tx.ticket.updateMany({
      where: { id: ticket.id, firstResponseAt: null },
      data: { firstResponseAt: now, firstResponderId: input.userId, updatedAt: now, version: { increment: 1 } },
    });
    if (claimed.count !== 1) return 'ignored' as const;
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
    priority: ticket.priority as Priority,
    status: ticket.status as TicketStatus,
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
