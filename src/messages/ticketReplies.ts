// What the bot says in a ticket's thread and in DMs about a ticket: a person's change, the gardener
// mention, pages, SLA reminders and breaches. Pure functions of plain data.
import { formatDuration } from '../domain/sla.js';
import { LIMITS, STATUS_WORDS, type TicketStatus } from '../domain/ticket.js';
import { mention, slackDate, userText } from './text.js';

/** The ticket facts a change reply names. */
export interface ChangedTicket {
  id: number;
  status: TicketStatus;
  priority: string;
  reporterId: string;
  ownerId: string | null;
  resolution: string | null;
  codeChangeNeeded: boolean | null;
  duplicateOfId?: number | null;
}

/** The thread reply announcing what a person did to the ticket. */
export function changeReply(eventType: string, actorId: string, before: ChangedTicket, after: ChangedTicket): string {
  const actor = mention(actorId);
  switch (eventType) {
    case 'taken':
      return before.ownerId ? `${actor} handed #${after.id} to ${mention(after.ownerId)}.` : `${actor} took #${after.id}.`;
    case 'waiting_on_reporter':
      return `${actor} is waiting on ${mention(after.reporterId)}; the SLA clock is paused.`;
    case 'back_from_waiting':
      return `${actor} set #${after.id} back to ${STATUS_WORDS[after.status]}; the SLA clock runs again.`;
    case 'resolved':
      return `${actor} resolved #${after.id} (${after.codeChangeNeeded ? 'code change needed' : 'no code change'}):\n>${userText(after.resolution ?? '', LIMITS.resolution, 3500).replace(/\n/g, '\n>')}`;
    case 'reopened':
      return `${actor} reopened #${after.id}; it is open again with a fresh SLA.`;
    case 'marked_duplicate':
      return `${actor} marked #${after.id} as a duplicate of #${after.duplicateOfId}; it is resolved, follow #${after.duplicateOfId} in its thread.`;
    case 'priority_changed':
      return `${actor} changed the priority from ${before.priority} to ${after.priority}; the SLA due time is recomputed.`;
    default:
      return `${actor}: ${eventType}`;
  }
}

/** The confirmation DM to the reporter, linking the root message. */
export function filedConfirmation(link: string): string {
  return `Thanks, your ticket is filed: ${link}. Follow it in its thread; you will be mentioned there when something changes.`;
}

/** The business-hours mention of the owning squad's gardener on a new ticket (or why nobody is). */
export function gardenerCall(v: { user: string | null; role: string; configPath: string }): string {
  return v.user
    ? `${mention(v.user)} you are ${v.role}: please triage this ticket.`
    : `:warning: Nobody is ${v.role} right now, so nobody was notified. Admins, check \`${v.configPath}\` in the config.`;
}

/** The page DM: `chain` is the escalation chain, `level` the position of the person paged. */
export function pageDm(v: { ticketId: number; title: string; chain: string[]; level: number }): string {
  const who =
    v.level === 0
      ? 'you are on call'
      : `you are next in line after ${v.chain
          .slice(0, v.level)
          .map((u) => mention(u))
          .join(', ')}`;
  return `:rotating_light: P1 out of hours, nobody on it, and ${who}: #${v.ticketId} ${userText(v.title, LIMITS.title)}. Please take it in its thread.`;
}

/** The thread note that someone was paged. */
export function pagedReply(userId: string, level: number): string {
  return `:pager: Paged ${mention(userId)} by DM (${level === 0 ? 'on call' : `escalation ${level}`}).`;
}

/** Who an SLA message calls on when nobody owns the ticket. */
export function unownedCall(user: string | null, business: boolean): string {
  return user ? `${mention(user)} (${business ? 'gardener' : 'on call'}), nobody has taken it yet.` : 'Nobody has taken it yet.';
}

/** Who an SLA message calls on when the ticket has an owner. */
export function ownerCall(ownerId: string): string {
  return `${mention(ownerId)}, this is yours.`;
}

interface SlaAlarm {
  ticketId: number;
  priority: string;
  deadline: Date;
  timeZone: string;
  /** The sentence calling on someone (ownerCall / unownedCall). */
  callee: string;
}

export function slaReminder(v: SlaAlarm & { minutesLeft: number }): string {
  return `:hourglass_flowing_sand: SLA: ${formatDuration(v.minutesLeft)} left. #${v.ticketId} (${v.priority}) is due ${slackDate(v.deadline, v.timeZone)}. ${v.callee}`;
}

/** The one first-response reminder: nobody but the reporter has replied or taken the ticket. */
export function firstResponseReminder(v: SlaAlarm): string {
  return `:speech_balloon: First response due: #${v.ticketId} (${v.priority}) has had no answer yet and was due ${slackDate(v.deadline, v.timeZone)}. ${v.callee} Reply in the thread or take it.`;
}

export function slaBreach(v: SlaAlarm): string {
  return `:rotating_light: SLA breached: #${v.ticketId} (${v.priority}) was due ${slackDate(v.deadline, v.timeZone)}. ${v.callee}`;
}
