import { isPriority, type Priority } from './priority.js';
import { fail, ok, type Result } from './result.js';
import type { Pause } from './sla.js';
import { controlCharacterIn, visibleLength } from './typedText.js';

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
  /** When the first response is due; frozen once answered (reports: met = firstResponseAt <= this). */
  firstResponseDueAt: Date | null;
  firstResponseAt: Date | null;
  firstResponderId: string | null;
  resolvedAt: Date | null;
  resolution: string | null;
  codeChangeNeeded: boolean | null;
  incident: boolean;
  /** Bumped by every change; updates are conditional on it so concurrent clicks cannot both win. */
  version: number;
  rootPermalink: string | null;
  /** The message it was filed from with the message shortcut. */
  sourceChannelId: string | null;
  sourceTs: string | null;
  sourcePermalink: string | null;
  /** Resolved as a duplicate of that ticket: counts neither as a request nor as a code change. */
  duplicateOfId: number | null;
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

/** Multi-line text as one form: pasted Windows line ends count as the line breaks they are. */
const lines = (raw: string | null | undefined) => (raw ?? '').replace(/\r\n?/g, '\n').trim();

/**
 * Why a typed text cannot be accepted (empty is for the caller), or null. Lengths are counted as
 * people see them, the same way as the messages cut them.
 */
function typedTextProblem(text: string, what: string, max: number, allowed: '' | '\n\t'): string | null {
  const control = controlCharacterIn(text, allowed);
  if (control) return `The ${what} cannot contain ${control}; remove it and submit again.`;
  const length = visibleLength(text);
  return length > max ? `Keep the ${what} to ${max} characters (it has ${length}).` : null;
}

/** Checks what a person typed into the ticket form; each problem is keyed by its field. */
export function validateTicketForm(
  raw: { title?: string | null; description?: string | null; priority?: string | null; service?: string | null; link?: string | null },
  serviceIds: string[],
): Validation<TicketForm, FormField> {
  const errors: Partial<Record<FormField, string>> = {};
  const title = (raw.title ?? '').trim();
  const description = lines(raw.description);
  const link = (raw.link ?? '').trim();
  const problems = {
    title: title ? typedTextProblem(title, 'title', LIMITS.title, '') : 'Give the ticket a title.',
    description: description
      ? typedTextProblem(description, 'description', LIMITS.description, '\n\t')
      : 'Describe the problem: what happened, for whom, since when.',
    link: link ? typedTextProblem(link, 'link', LIMITS.link, '') : null,
  };
  for (const [field, problem] of Object.entries(problems)) if (problem) errors[field as FormField] = problem;
  if (!isPriority(raw.priority)) errors.priority = 'Choose P1, P2 or P3.';
  const service = raw.service ?? '';
  if (service !== NOT_SURE_SERVICE && !serviceIds.includes(service)) errors.service = 'Choose a service from the list, or "Not sure".';
  if (link && !errors.link && !/^https?:\/\/\S+$/i.test(link) && !/^[\w#-][\w .#/:-]*$/.test(link))
    errors.link = 'Paste a URL (https://…) or a short reference such as ORDER-1234.';
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
  const resolution = lines(raw.resolution);
  const problem = resolution
    ? typedTextProblem(resolution, 'resolution', LIMITS.resolution, '\n\t')
    : 'Say in a sentence how it was resolved.';
  if (problem) errors.resolution = problem;
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
  | { type: 'change_priority'; priority: Priority }
  /** Resolves the ticket as a duplicate of `originalId` (checked against the tickets by checkDuplicate). */
  | { type: 'mark_duplicate'; originalId: number };

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
    case 'mark_duplicate':
      if (resolved) return refuse(`#${ticket.id} is already resolved; reopen it first.`);
      if (!involved) return refuse('Only the owner, the reporter or an admin can mark a ticket as a duplicate. Take it first.');
      return next('resolved', 'marked_duplicate', { originalId: action.originalId });
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
