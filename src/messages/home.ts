// App Home: the support dashboard, and the one-line ticket summary it shares with handoff announcements.
// The team part (counts, the oldest unowned, who is on duty, this week's figures) is the same for
// every viewer and is built once per publish run; the viewer's own tickets are added per person.
import type { HomeView, KnownBlock } from '@slack/types';
import { PRIORITIES, type Priority } from '../domain/priority.js';
import type { Report } from '../domain/metrics.js';
import type { SlaState } from '../domain/sla.js';
import { LIMITS, STATUS_WORDS } from '../domain/ticket.js';
import { reportHeadlines } from './report.js';
import { type DutyReportView, lineSections } from './rotationViews.js';
import { slaLine, type TicketView } from './ticketMessage.js';
import { mention, mrkdwn, plain, slackDate, userText } from './text.js';

export const HOME_ACTION = { fileTicket: 'home_file_ticket' } as const;

/** How many of your tickets are listed, and of the unowned ones. */
export const HOME_LISTED = { yours: 15, unowned: 5 } as const;

/** One open ticket on one line with its SLA state (dashboard, handoff announcements); linked to its thread when known. */
export function ticketLine(v: TicketView, permalink?: string | null): string {
  const ref = permalink ? `<${permalink}|#${v.id}>` : `#${v.id}`;
  return `*${ref}* ${v.priority} ${userText(v.title, LIMITS.title, 600)} — ${STATUS_WORDS[v.status]} · ${slaLine(v)}`;
}

/** An open ticket as the dashboard lists it. */
export interface HomeTicket {
  view: TicketView;
  permalink: string | null;
  openedAt: Date;
}

/** The SLA states the team counts, in the order shown; "waiting" is a paused clock. */
const TEAM_STATES: Array<{ state: SlaState; words: string }> = [
  { state: 'on_track', words: 'on track' },
  { state: 'at_risk', words: 'due soon' },
  { state: 'breached', words: 'breached' },
  { state: 'paused', words: 'waiting' },
];

const URGENCY: Record<SlaState, number> = { breached: 0, at_risk: 1, on_track: 2, paused: 3 };

/** Most urgent first: breached, due soon, on track, waiting; then the least time left, then priority. */
export function byUrgency(a: HomeTicket, b: HomeTicket): number {
  const [x, y] = [a.view, b.view];
  return (
    URGENCY[x.sla.state] - URGENCY[y.sla.state] ||
    x.sla.minutesLeft - y.sla.minutesLeft ||
    x.priority.localeCompare(y.priority) ||
    x.id - y.id
  );
}

export interface HomeTeamInput {
  /** Open tickets, at most a bounded number of them (see `openTotal`). */
  open: HomeTicket[];
  /** How many tickets are open in all. */
  openTotal: number;
  duty: DutyReportView[];
  /** The 7-day report, as /support report computes it. */
  week: Report;
  timeZone: string;
}

const section = (text: string): KnownBlock => ({ type: 'section', text: mrkdwn(text) });
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function teamCounts(open: HomeTicket[]): string[] {
  return PRIORITIES.map((p: Priority) => {
    const of = open.filter((t) => t.view.priority === p);
    const states = TEAM_STATES.map(({ state, words }) => `${of.filter((t) => t.view.sla.state === state).length} ${words}`);
    return `*${p}*: ${of.length} open — ${states.join(' · ')}`;
  });
}

function dutyLine(v: DutyReportView): string {
  const next = v.upcoming[0];
  const handoff = next ? ` · next handoff ${slackDate(next.at, v.timeZone)} → ${mention(next.user)}` : ' · no handoffs ahead';
  if (v.untilThen === undefined) return `*${v.title}*: ${mention(v.holder)} now${handoff}`;
  return `*${v.title}*: ${mention(v.untilThen)} now (business hours); ${mention(v.holder)} is paged out of hours from ${slackDate(v.from, v.timeZone)}${handoff}`;
}

/** The part of the dashboard everyone sees alike. */
export function homeTeamBlocks(t: HomeTeamInput): KnownBlock[] {
  const unowned = t.open
    .filter((x) => x.view.ownerId === null)
    .sort((a, b) => a.openedAt.getTime() - b.openedAt.getTime() || a.view.id - b.view.id);
  const partial =
    t.openTotal > t.open.length ? [`_SLA states counted over the ${t.open.length} most urgent of ${t.openTotal} open tickets._`] : [];
  const oldest = unowned.slice(0, HOME_LISTED.unowned).map((x) => `• ${ticketLine(x.view, x.permalink)}`);
  return [
    section(`*Team: ${plural(t.openTotal, 'open ticket')}*`),
    ...lineSections([...teamCounts(t.open), ...partial]),
    ...lineSections(
      unowned.length
        ? [`*Oldest unowned* (${unowned.length} unowned)`, ...oldest]
        : ['*Oldest unowned*: none, every open ticket has an owner.'],
    ),
    { type: 'divider' },
    section('*On duty now*'),
    ...lineSections(t.duty.length ? t.duty.map(dutyLine) : ['No rotations are configured.']),
    { type: 'divider' },
    section(`*This week* (last ${t.week.days} days)`),
    ...lineSections(reportHeadlines(t.week)),
  ];
}

/**
 * One person's dashboard: their open tickets (filed or owned; `yours` the most urgent of
 * `yoursTotal`), then the team part.
 */
export function homeView(args: {
  userId: string;
  yours: HomeTicket[];
  yoursTotal: number;
  team: KnownBlock[];
  now: Date;
  timeZone: string;
}): HomeView {
  const total = args.yoursTotal;
  const shown = [...args.yours]
    .sort(byUrgency)
    .slice(0, HOME_LISTED.yours)
    .map(({ view, permalink }) => {
      const role = view.ownerId === args.userId ? 'you own it' : view.ownerId ? `owner ${mention(view.ownerId)}` : 'nobody owns it yet';
      return `• ${ticketLine(view, permalink)} · ${role}`;
    });
  const more = total > shown.length ? [`…and ${total - shown.length} more`] : [];
  return {
    type: 'home',
    blocks: [
      { type: 'header', text: plain('Support dashboard', 150) },
      {
        type: 'actions',
        elements: [{ type: 'button', text: plain('File a ticket', 75), action_id: HOME_ACTION.fileTicket, style: 'primary' }],
      },
      {
        type: 'context',
        elements: [
          mrkdwn(
            `Updated ${slackDate(args.now, args.timeZone)}; refreshed when you open this tab and shortly after tickets change. \`/support report\` has every figure.`,
          ),
        ],
      },
      { type: 'divider' },
      ...lineSections(
        total
          ? [`*Yours: ${plural(total, 'open ticket')}* you filed or own`, ...shown, ...more]
          : ['*Yours*: nothing open that you filed or own.'],
      ),
      { type: 'divider' },
      ...args.team,
    ],
  };
}
