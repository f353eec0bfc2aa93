import type { Priority } from '../domain/priority.js';
import type { Button, KnownBlock } from '@slack/types';
import { formatDuration, type SlaState } from '../domain/sla.js';
import { LIMITS, STATUS_WORDS, type TicketStatus } from '../domain/ticket.js';
import { ACTION } from './ids.js';
import { escapeMrkdwn, type Message, mention, mrkdwn, plain, slackDate, truncate, userSections, userText } from './text.js';

/** Everything the root message of a ticket shows. */
export interface TicketView {
  id: number;
  title: string;
  description: string;
  priority: Priority;
  status: TicketStatus;
  reporterId: string;
  ownerId: string | null;
  serviceName: string;
  link: string | null;
  sla: { dueAt: Date | null; state: SlaState; minutesLeft: number };
  firstResponse: { userId: string; minutes: number } | null;
  /** Until answered: when the first response is due (null: held while waiting on the reporter). */
  firstResponseDue: { at: Date | null; overdue: boolean } | null;
  resolution: string | null;
  codeChangeNeeded: boolean | null;
  /** A deploy was confirmed as its cause (or it was marked an incident otherwise). */
  incident: boolean;
  timeZone: string;
  /** The Slack message it was filed from, and the tickets it duplicates or that duplicate it. */
  links?: TicketLinks;
}

/** A ticket another one points at; `link` is its root message's permalink once known. */
export interface LinkedTicket {
  id: number;
  link: string | null;
}

export interface TicketLinks {
  source: { channelId: string; permalink: string } | null;
  duplicateOf: LinkedTicket | null;
  duplicates: LinkedTicket[];
}

const ticketRef = (t: LinkedTicket) => (t.link ? `<${t.link}|#${t.id}>` : `#${t.id}`);

/** The root message's lines linking elsewhere: where it came from, what it duplicates. */
function linkFields(links: TicketLinks | undefined): string[] {
  if (!links) return [];
  const fields: string[] = [];
  if (links.source) fields.push(`*Filed from*\n<${links.source.permalink}|a message> in <#${links.source.channelId}>`);
  if (links.duplicateOf) fields.push(`*Duplicate of*\n${ticketRef(links.duplicateOf)}`);
  if (links.duplicates.length) {
    const shown = links.duplicates.slice(0, 20).map(ticketRef).join(', ');
    fields.push(`*Duplicates*\n${shown}${links.duplicates.length > 20 ? ` and ${links.duplicates.length - 20} more` : ''}`);
  }
  return fields;
}

const PRIORITY_EMOJI: Record<Priority, string> = { P1: ':red_circle:', P2: ':large_orange_circle:', P3: ':large_blue_circle:' };
export const SLA_WORDS: Record<SlaState, string> = { on_track: 'on track', at_risk: 'at risk', breached: 'breached', paused: 'paused' };

export function slaLine(v: TicketView): string {
  if (v.status === 'resolved') return v.sla.state === 'breached' ? 'SLA breached' : 'SLA met';
  if (v.sla.state === 'paused') return `SLA paused (waiting on reporter), ${formatDuration(Math.max(v.sla.minutesLeft, 0))} left`;
  const due = v.sla.dueAt ? `due ${slackDate(v.sla.dueAt, v.timeZone)}` : 'no due time';
  if (v.sla.state === 'breached') return `:rotating_light: SLA breached, ${due} (overdue by ${formatDuration(-v.sla.minutesLeft)})`;
  return `SLA ${SLA_WORDS[v.sla.state]}: ${due}, ${formatDuration(v.sla.minutesLeft)} left`;
}

export function firstResponseDueLine(due: NonNullable<TicketView['firstResponseDue']>, timeZone: string): string {
  if (!due.at) return 'First response: paused (waiting on reporter)';
  return due.overdue
    ? `First response overdue (was due ${slackDate(due.at, timeZone)})`
    : `First response due ${slackDate(due.at, timeZone)}`;
}

/** Plain-text fallback (notifications, screen readers, search): carries the same key facts. */
export function ticketText(v: TicketView): string {
  return truncate(
    `#${v.id} ${v.priority} ${userText(v.title, LIMITS.title)} | ${STATUS_WORDS[v.status]} | reporter <@${v.reporterId}> | owner ${mention(v.ownerId, 'nobody')} | ${v.serviceName} | ${slaLine(v)}`,
    3900,
  );
}

function buttons(v: TicketView) {
  const button = (text: string, action_id: string, style?: 'primary' | 'danger'): Button => ({
    type: 'button',
    text: plain(text, 75),
    action_id,
    value: String(v.id),
    ...(style ? { style } : {}),
  });
  if (v.status === 'resolved') return [button('Reopen', ACTION.reopen)];
  return [
    ...(v.ownerId ? [] : [button('Take it', ACTION.take, 'primary')]),
    button('Resolve', ACTION.resolve),
    button('Change priority', ACTION.changePriority),
    v.status === 'waiting' ? button('Back to open', ACTION.unwait) : button('Waiting on reporter', ACTION.wait),
    button('Mark as duplicate', ACTION.markDuplicate),
  ];
}

/** The ticket's root message in the support channel. */
export function ticketMessage(v: TicketView): Required<Message> {
  const header = `${PRIORITY_EMOJI[v.priority]} *#${v.id} · ${v.priority} · ${userText(v.title, LIMITS.title, 2000)}*`;
  const fields = [
    `*Status*\n${STATUS_WORDS[v.status]}`,
    `*Owner*\n${mention(v.ownerId)}`,
    `*Reporter*\n${mention(v.reporterId)}`,
    `*Service*\n${escapeMrkdwn(v.serviceName)}`,
  ];
  if (v.firstResponse) fields.push(`*First response*\n${mention(v.firstResponse.userId)} after ${formatDuration(v.firstResponse.minutes)}`);
  if (v.incident) fields.push('*Incident*\nyes: counts towards change failure and time to restore');
  if (v.link) fields.push(`*Link*\n${userText(v.link, LIMITS.link, 1900)}`);
  fields.push(...linkFields(v.links));
  const blocks: KnownBlock[] = [
    { type: 'section', block_id: 'header', text: mrkdwn(header) },
    // Descriptions and resolutions show exactly as typed (plain_text), and whole: escaping can
    // make them several times longer than one section holds.
    ...userSections(v.description, 'description'),
    { type: 'section', block_id: 'facts', fields: fields.map((f) => mrkdwn(f, 2000)) },
    {
      type: 'context',
      block_id: 'sla',
      elements: [mrkdwn(slaLine(v)), ...(v.firstResponseDue ? [mrkdwn(firstResponseDueLine(v.firstResponseDue, v.timeZone))] : [])],
    },
  ];
  if (v.status === 'resolved' && v.resolution) {
    blocks.push(
      {
        type: 'section',
        block_id: 'resolution_heading',
        text: mrkdwn(`*Resolution* (${v.codeChangeNeeded ? 'code change needed' : 'no code change'})`),
      },
      ...userSections(v.resolution, 'resolution'),
    );
  }
  blocks.push({ type: 'actions', block_id: 'actions', elements: buttons(v) });
  return { text: ticketText(v), blocks };
}
