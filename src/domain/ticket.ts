import { isPriority, type Priority } from './priority.js';
import { fail, ok, type Result } from './result.js';
import type { Pause } from './sla.js';

export const TICKET_STATUSES = ['open', 'in_progress', 'waiting', 'resolved'] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];

export const STATUS_WORDS: Record<TicketStatus, string> = {
  open: 'open',
  in_progress: 'in progress',
  waiting: 'waiting',
  resolved: 'resolved',
};

export function isTicketStatus(value: unknown): value is TicketStatus {
  return typeof value === 'string' && (TICKET_STATUSES as readonly string[]).includes(value);
}

/** A closed waiting-on-reporter window. */
export type ClosedPause = Pause & { to: Date };

/** A ticket as the use cases see it (repos/tickets.ts maps the stored row to it). */
export interface Ticket {
  id: number;
  title: string;
  description: string;
  priority: Priority;
  service: string;
  link: string | null;
  reporterId: string;
  ownerId: string | null;
  status: TicketStatus;
  channelId: string;
  rootTs: string | null;
  createdAt: Date;
  updatedAt: Date;
  /** Start of the SLA clock: creation, or the last reopen. */
  slaStartedAt: Date;
  slaDueAt: Date | null;
  /** Set while waiting on the reporter: the open pause. */
  waitingSince: Date | null;
  /** The closed waiting-on-reporter windows since the SLA clock started. */
  pauses: ClosedPause[];
  breachedAt: Date | null;
  firstResponseAt: Date | null;
  firstResponderId: string | null;
  resolvedAt: Date | null;
  resolution: string | null;
  codeChangeNeeded: boolean | null;
  incident: boolean;
  /** Bumped by every change; updates are conditional on it so concurrent clicks cannot both win. */
  version: number;
}

export const LIMITS = { title: 150, description: 3000, link: 500, resolution: 3000 } as const;
export const NOT_SURE_SERVICE = 'not_sure';

/** The ticket facts the lifecycle rules look at. */
export interface TicketState {
  id: number;
  status: TicketStatus;
  priority: Priority;
  reporterId: string;
  ownerId: string | null;
}

export interface TicketForm {
  title: string;
  description: string;
  priority: Priority;
  service: string;
  link: string | null;
}

export type FormField = keyof TicketForm;
/** A form's answer: the values, or a sentence per field that is wrong (Slack shows each under its field). */
export type Validation<T, F extends string> = Result<T, Partial<Record<F, string>>>;

/** Checks what a person typed into the ticket form; each problem is keyed by its field. */
export function validateTicketForm(
  raw: { title?: string | null; description?: string | null; priority?: string | null; service?: string | null; link?: string | null },
  serviceIds: string[],
): Validation<TicketForm, FormField> {
  const errors: Partial<Record<FormField, string>> = {};
  const title = (raw.title ?? '').trim();
  const description = (raw.description ?? '').trim();
  const link = (raw.link ?? '').trim();
  if (!title) errors.title = 'Give the ticket a title.';
  else if (title.length > LIMITS.title) errors.title = `Keep the title to ${LIMITS.title} characters (it has ${title.length}).`;
  if (!description) errors.description = 'Describe the problem: what happened, for whom, since when.';
  else if (description.length > LIMITS.description)
    errors.description = `Keep the description to ${LIMITS.description} characters (it has ${description.length}).`;
  if (!isPriority(raw.priority)) errors.priority = 'Choose P1, P2 or P3.';
  const service = raw.service ?? '';
  if (service !== NOT_SURE_SERVICE && !serviceIds.includes(service)) errors.service = 'Choose a service from the list, or "Not sure".';
  if (link) {
    if (link.length > LIMITS.link) errors.link = `Keep the link to ${LIMITS.link} characters.`;
    else if (!/^https?:\/\/\S+$/i.test(link) && !/^[\w#-][\w .#/:-]*$/.test(link))
      errors.link = 'Paste a URL (https://…) or a short reference such as ORDER-1234.';
  }
  if (Object.keys(errors).length) return fail(errors);
  return ok({ title, description, priority: raw.priority as Priority, service, link: link || null });
}

export interface ResolveForm {
  resolution: string;
  codeChangeNeeded: boolean;
}

export function validateResolveForm(raw: {
  resolution?: string | null;
  codeChange?: string | null;
}): Validation<ResolveForm, 'resolution' | 'codeChange'> {
  const errors: Partial<Record<'resolution' | 'codeChange', string>> = {};
  const resolution = (raw.resolution ?? '').trim();
  if (!resolution) errors.resolution = 'Say in a sentence how it was resolved.';
  else if (resolution.length > LIMITS.resolution) errors.resolution = `Keep it to ${LIMITS.resolution} characters.`;
  if (raw.codeChange !== 'yes' && raw.codeChange !== 'no') errors.codeChange = 'Say whether a code change was needed.';
  if (Object.keys(errors).length) return fail(errors);
  return ok({ resolution, codeChangeNeeded: raw.codeChange === 'yes' });
}

export type TicketAction =
  | { type: 'take' }
  | { type: 'wait' }
  | { type: 'unwait' }
  | { type: 'resolve'; resolution: string; codeChangeNeeded: boolean }
  | { type: 'reopen' }
  | { type: 'change_priority'; priority: Priority };

export interface Actor {
  userId: string;
  isAdmin: boolean;
}

export type Decision = Result<{
  status: TicketStatus;
  ownerId: string | null;
  priority: Priority;
  event: { type: string; data: Record<string, unknown> };
}>;

/**
 * The ticket lifecycle: open → in progress (has an owner) → resolved; waiting pauses; reopen returns
 * to open. Returns the new state and the event to record, or why the person may not do it.
 */
export function decide(ticket: TicketState, action: TicketAction, actor: Actor): Decision {
  const involved = actor.isAdmin || actor.userId === ticket.ownerId || actor.userId === ticket.reporterId;
  const refuse = (reason: string): Decision => fail(reason);
  const next = (
    status: TicketStatus,
    type: string,
    data: Record<string, unknown>,
    ownerId = ticket.ownerId,
    priority = ticket.priority,
  ): Decision => ok({ status, ownerId, priority, event: { type, data: { from: ticket.status, to: status, ...data } } });
  const resolved = ticket.status === 'resolved';

  switch (action.type) {
    case 'take':
      if (resolved) return refuse(`#${ticket.id} is resolved; reopen it first.`);
      if (ticket.ownerId === actor.userId) return refuse(`#${ticket.id} is already yours.`);
      if (ticket.ownerId && !actor.isAdmin)
        return refuse(`#${ticket.id} is owned by <@${ticket.ownerId}>; only they or an admin can hand it over.`);
      return next(
        ticket.status === 'waiting' ? 'waiting' : 'in_progress',
        'taken',
        { previousOwner: ticket.ownerId, owner: actor.userId },
        actor.userId,
      );
    case 'wait':
      if (resolved || ticket.status === 'waiting') return refuse(`#${ticket.id} is ${STATUS_WORDS[ticket.status]}.`);
      if (!involved) return refuse('Only the owner, the reporter or an admin can set a ticket to waiting.');
      return next('waiting', 'waiting_on_reporter', {});
    case 'unwait':
      if (ticket.status !== 'waiting') return refuse(`#${ticket.id} is not waiting on the reporter.`);
      if (!involved) return refuse('Only the owner, the reporter or an admin can take a ticket off waiting.');
      return next(ticket.ownerId ? 'in_progress' : 'open', 'back_from_waiting', {});
    case 'resolve':
      if (resolved) return refuse(`#${ticket.id} is already resolved.`);
      if (!involved) return refuse('Only the owner, the reporter or an admin can resolve a ticket. Take it first.');
      return next('resolved', 'resolved', { resolution: action.resolution, codeChangeNeeded: action.codeChangeNeeded });
    case 'reopen':
      if (!resolved) return refuse(`#${ticket.id} is not resolved.`);
      if (!involved) return refuse('Only the owner, the reporter or an admin can reopen a ticket.');
      return next('open', 'reopened', {}, null);
    case 'change_priority':
      if (resolved) return refuse(`#${ticket.id} is resolved; reopen it first.`);
      if (!involved) return refuse('Only the owner, the reporter or an admin can change the priority.');
      if (action.priority === ticket.priority) return refuse(`#${ticket.id} is already ${action.priority}.`);
      return next(
        ticket.status,
        'priority_changed',
        { fromPriority: ticket.priority, toPriority: action.priority },
        ticket.ownerId,
        action.priority,
      );
  }
}
