// Messages about rotations: who is on duty, handoffs, covers and swaps, and the on-call pay report.
// Pure functions from plain data to { text, blocks }; the text alone reads well in notifications.
import type { PayRates, PayRow } from '../domain/pay.js';
import type { KnownBlock } from '@slack/types';
import { type Message, mention, mrkdwn, slackDate, truncate, userText } from './text.js';

export type { Message };

/** A rotation as people talk about it. */
export interface RoleWords {
  /** A heading: "On call", "Payments gardener". */
  title: string;
  /** Completes "<@U> is now …": "on call", "the Payments gardener". */
  role: string;
  /** Where the members are configured, for the "nobody" warning. */
  configPath: string;
}

const SECTION_CHARS = 2900;
/** The latest notes of a handoff; older ones are counted, so the message stays readable. */
const NOTES_SHOWN = 10;

/** Lines as as few sections as fit Slack's 3000 characters each, so a message stays far below 50 blocks. */
export function lineSections(lines: string[], separator = '\n'): KnownBlock[] {
  const sections: string[] = [];
  for (const line of lines.map((l) => truncate(l, SECTION_CHARS))) {
    const last = sections.length - 1;
    if (last >= 0 && sections[last]!.length + separator.length + line.length <= SECTION_CHARS) sections[last] += `${separator}${line}`;
    else sections.push(line);
  }
  return sections.map((text): KnownBlock => ({ type: 'section', text: mrkdwn(text) }));
}

function nobodyWarning(w: RoleWords): string {
  return `:warning: Nobody is ${w.role}: the rotation has no one on duty. Admins, check \`${w.configPath}\` (and its \`start\`) in the config.`;
}

export function timeWindow(from: Date, to: Date, timeZone: string): string {
  return `${slackDate(from, timeZone)} → ${slackDate(to, timeZone)}`;
}

export interface DutyReportView extends RoleWords {
  /** Who holds the rotation from `from`. */
  holder: string | null;
  from: Date;
  /** Set for on call during business hours: who holds it until `from`, when nobody is paged. */
  untilThen?: string | null;
  upcoming: Array<{ at: Date; user: string | null }>;
  timeZone: string;
}

export function dutyReportLines(v: DutyReportView): string[] {
  const lines: string[] = [];
  if (v.untilThen !== undefined) {
    lines.push(
      v.holder
        ? `*${v.title}*: ${mention(v.holder)} is paged out of hours, from ${slackDate(v.from, v.timeZone)}.`
        : `*${v.title}*: nobody from ${slackDate(v.from, v.timeZone)}.`,
      `Until then it is business hours and ${mention(v.untilThen, 'nobody')} holds the rotation.`,
    );
  } else {
    lines.push(v.holder ? `*${v.title}*: ${mention(v.holder)} now.` : `*${v.title}*: nobody now.`);
  }
  if (!v.holder) lines.push(nobodyWarning(v));
  lines.push(
    v.upcoming.length
      ? `Next handoffs:\n${v.upcoming.map((h) => `• ${slackDate(h.at, v.timeZone)} → ${mention(h.user, 'nobody')}`).join('\n')}`
      : 'No handoffs ahead.',
  );
  return lines;
}

/** One or more rotations, a paragraph each (packed into sections: many squads must still fit). */
export function dutyReportMessage(views: DutyReportView[]): Message {
  const paragraphs = views.map((v) => dutyReportLines(v).join('\n'));
  return { text: truncate(paragraphs.join('\n\n'), 3900), blocks: lineSections(paragraphs, '\n\n') };
}

export interface HandoffView extends RoleWords {
  user: string | null;
  previous: string | null;
  at: Date;
  /** Open tickets, one line each, already formatted; `moreTickets` were left out. */
  tickets: string[];
  moreTickets: number;
  notes: Array<{ authorId: string; text: string }>;
  usergroupId?: string;
  timeZone: string;
}

function handoffDetails(v: HandoffView): string[] {
  const tickets = v.tickets.length
    ? [`*Open tickets (${v.tickets.length + v.moreTickets})*`, ...v.tickets, ...(v.moreTickets ? [`…and ${v.moreTickets} more.`] : [])]
    : ['No open tickets.'];
  const shown = v.notes.slice(-NOTES_SHOWN);
  const notes = shown.length
    ? [
        `*Handoff notes*`,
        ...(v.notes.length > shown.length ? [`(${v.notes.length - shown.length} earlier notes not shown)`] : []),
        ...shown.map((n) => `>${userText(n.text, 1000, 2000).replace(/\n/g, '\n>')}\n— ${mention(n.authorId)}`),
      ]
    : [];
  return [...tickets, ...notes];
}

/** The support channel's announcement of a duty change. */
export function handoffAnnouncement(v: HandoffView): Message {
  const when = slackDate(v.at, v.timeZone);
  const headline = v.user
    ? `:arrows_counterclockwise: ${mention(v.user)} is now ${v.role}${v.previous ? `, taking over from ${mention(v.previous)}` : ''} (${when}).`
    : `${nobodyWarning(v)} (since ${when})`;
  const group = v.user && v.usergroupId ? [`<!subteam^${v.usergroupId}> now points to ${mention(v.user)}.`] : [];
  const lines = [headline, ...group, ...handoffDetails(v)];
  return { text: truncate(lines.join('\n'), 3900), blocks: lineSections(lines) };
}

/** The incoming person's DM: the same facts, addressed to them. */
export function handoffDm(v: HandoffView): Message {
  const headline = `You are now ${v.role} (since ${slackDate(v.at, v.timeZone)})${v.previous ? `, taking over from ${mention(v.previous)}` : ''}.`;
  const lines = [headline, ...handoffDetails(v)];
  return { text: truncate(lines.join('\n'), 3900), blocks: lineSections(lines) };
}

/** The DM to the incoming person some hours before their shift: what they will find. */
export function shiftReminderDm(v: HandoffView & { until: Date | null }): Message {
  const span = v.until ? timeWindow(v.at, v.until, v.timeZone) : `from ${slackDate(v.at, v.timeZone)}`;
  const headline = `:calendar: Reminder: you will be ${v.role} ${span}${v.previous ? `, taking over from ${mention(v.previous)}` : ''}.`;
  const lines = [headline, ...handoffDetails(v), 'Notes left before the handoff are shown to you then.'];
  return { text: truncate(lines.join('\n'), 3900), blocks: lineSections(lines) };
}

/** The admins' DM about upcoming shifts nobody can hold (every member inactive). */
export function rotationGapDm(v: RoleWords & { shifts: Array<{ from: Date; to: Date }>; timeZone: string }): Message {
  const lines = [
    `:warning: Nobody can be ${v.role} in ${v.shifts.length === 1 ? 'this upcoming shift' : `these ${v.shifts.length} upcoming shifts`}: every member is inactive then (\`${v.configPath}\` in the config).`,
    ...v.shifts.map((s) => `• ${timeWindow(s.from, s.to, v.timeZone)}`),
    'Add a member or set up a cover with `/support cover`.',
  ];
  return { text: truncate(lines.join('\n'), 3900), blocks: lineSections(lines) };
}

export function coverAnnouncement(
  v: RoleWords & { actorId: string; userId: string; covered: string[]; from: Date; to: Date; timeZone: string },
): Message {
  return {
    text: `:busts_in_silhouette: ${mention(v.userId)} will be ${v.role} ${timeWindow(v.from, v.to, v.timeZone)}, covering ${v.covered.map((u) => mention(u)).join(', ')} (set up by ${mention(v.actorId)}).`,
  };
}

export interface SwappedShift {
  user: string;
  was: string;
  from: Date;
  to: Date;
}

export function swapAnnouncement(v: RoleWords & { actorId: string; shifts: [SwappedShift, SwappedShift]; timeZone: string }): Message {
  const [first, second] = v.shifts;
  const take = (s: SwappedShift) => `${mention(s.user)} takes ${timeWindow(s.from, s.to, v.timeZone)} (was ${mention(s.was)})`;
  return {
    text: `:repeat: ${mention(first.was)} and ${mention(second.was)} swapped shifts as ${v.role}: ${take(first)}; ${take(second)} (set up by ${mention(v.actorId)}).`,
  };
}

function hours(h: number): string {
  return `${Math.round(h * 100) / 100} h`;
}

export function money(amount: number, currency: string): string {
  return `${amount.toFixed(2)} ${currency}`;
}

export function monthLabel(month: string): string {
  const [y, m] = month.split('-').map(Number);
  return new Intl.DateTimeFormat('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(Date.UTC(y!, m! - 1, 1)));
}

export interface PayReportView {
  month: string;
  rows: PayRow[];
  rates: PayRates;
  /** Set when the month is still running: the report covers it up to this instant. */
  soFar?: Date;
  timeZone: string;
}

function ratesLine(r: PayRates): string {
  const basis = [
    ...(r.hourlyRate !== undefined ? [`${money(r.hourlyRate, r.currency)} per out-of-hours hour`] : []),
    ...(r.shiftRate !== undefined ? [`${money(r.shiftRate, r.currency)} per shift`] : []),
  ];
  return `Pay = ${basis.join(' + ')} + ${money(r.calloutFee, r.currency)} per callout; weekends ×${r.weekendMultiplier}, holidays ×${r.holidayMultiplier}. A callout is one ticket paged to one person.`;
}

export function payReportMessage(v: PayReportView): Required<Message> {
  const title = `*On-call pay, ${monthLabel(v.month)}*${v.soFar ? ` (so far, up to ${slackDate(v.soFar, v.timeZone)})` : ''}`;
  const people = v.rows.map(
    (r) =>
      `• ${mention(r.user)}: ${hours(r.outOfHoursHours)} out of hours (${hours(r.weekendOrHolidayHours)} weekend/holiday), ` +
      `${r.shifts} ${r.shifts === 1 ? 'shift' : 'shifts'}, ${r.pages} ${r.pages === 1 ? 'page' : 'pages'} → *${money(r.pay, v.rates.currency)}*`,
  );
  const total = v.rows.reduce((sum, r) => sum + r.pay, 0);
  const lines = v.rows.length
    ? [title, ...people, `Total: *${money(total, v.rates.currency)}*`]
    : [title, 'Nobody was on call out of hours or paged in that month.'];
  return {
    text: truncate(lines.join('\n'), 3900),
    blocks: [...lineSections(lines), { type: 'context', elements: [mrkdwn(ratesLine(v.rates))] }],
  };
}
