// The report in Block Kit: the summary (for /support report, the weekly digest and App Home) with
// the trend against the previous period and the DORA bands, and the Details modal listing the rows
// behind the numbers. Figures are named in words (SPEC §9): `change failure rate 12 % (3 of 25
// deploys)`, `time to resolve`, `time to restore`, `first response`, `SLA met`.
import type { KnownBlock, ModalView } from '@slack/types';
import {
  type Band,
  type DurationStats,
  FREQUENCY_WORDS,
  type Fraction,
  formatMinutes,
  type PeriodDays,
  percentOf,
  type Report,
  type ReportDetails,
  trend,
  trendText,
} from '../domain/metrics.js';
import { PRIORITIES } from '../domain/priority.js';
import { mention, mrkdwn, plain, slackDate, truncate, userText, type Message } from './text.js';

export const REPORT_DETAILS_ACTION = 'report_details';

/** The Details button's value: the period and the instant it ends at, so the modal lists exactly the counted rows. */
export function detailsValue(days: PeriodDays, now: Date): string {
  return `${days}d@${now.getTime()}`;
}

export function parseDetailsValue(value: string | undefined): { days: number; now: Date } | null {
  const m = /^(\d{1,3})d@(\d{1,15})$/.exec(value ?? '');
  return m ? { days: Number(m[1]), now: new Date(Number(m[2])) } : null;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** `change failure rate 12 % (3 of 25 deploys)`: always with numerator and denominator. */
export function changeFailureLine({ failures, deploys }: { failures: number; deploys: number }): string {
  if (deploys === 0) return 'change failure rate: no production deploys';
  return `change failure rate ${percentOf({ part: failures, whole: deploys })} % (${failures} of ${plural(deploys, 'deploy')})`;
}

/** `Checkout: 14 requests, 3 needed a code change`. */
export function requestsLine(r: { name: string; requests: number; codeChanges: number }): string {
  return `${r.name}: ${plural(r.requests, 'request')}, ${r.codeChanges} needed a code change`;
}

const band = (year: number, b: Band | null) => (b ? ` · DORA ${year}: *${b}*` : '');
const withTrend = (current: number | null, previous: number | null) => {
  const t = trendText(trend(current, previous));
  return t ? ` ${t}` : '';
};
const dur = (m: number | null) => (m === null ? '—' : formatMinutes(m));

function durationLine(label: string, cur: DurationStats, prev: DurationStats, what = 'ticket'): string {
  if (cur.count === 0) return `${label}: no ${what}s${prev.count ? ` (${plural(prev.count, what)} before)` : ''}`;
  const avg = cur.avgMinutes === null ? '' : `average ${dur(cur.avgMinutes)}, `;
  return `${label}: ${avg}median ${dur(cur.medianMinutes)}, p90 ${dur(cur.p90Minutes)} (${plural(cur.count, what)})${withTrend(cur.medianMinutes, prev.medianMinutes)}`;
}

function fractionText(f: Fraction, of: string): string {
  const pct = percentOf(f);
  return pct === null ? `no ${of}` : `${pct} % (${f.part} of ${f.whole})`;
}

function lines(title: string, body: string[]): KnownBlock {
  return { type: 'section', text: mrkdwn(truncate(`*${title}*\n${body.join('\n')}`, 3000)) };
}

/** The period in words and dates: "last 7 days (Tue 17 Nov 10:00 – Tue 24 Nov 10:00)". */
function periodLine(r: Report, timeZone: string): string {
  return `Last ${r.days} days, ${slackDate(r.current.period.from, timeZone)} – ${slackDate(r.current.period.to, timeZone)}; ▲/▼ against the ${r.days} days before.`;
}

/** The change failure rate with its trend and DORA band. */
function cfrLine({ current: c, previous: p, doraYear }: Report): string {
  const rate = (d: { failures: number; deploys: number }) => percentOf({ part: d.failures, whole: d.deploys });
  return `${changeFailureLine(c.deploys)}${withTrend(rate(c.deploys), rate(p.deploys))}${band(doraYear, c.bands.changeFailure)}`;
}

function restoreLine({ current: c, previous: p, doraYear }: Report): string {
  if (c.timeToRestore.count === 0) return 'time to restore: no incidents resolved';
  return `time to restore: median ${dur(c.timeToRestore.medianMinutes)} over ${plural(c.timeToRestore.count, 'incident')}${withTrend(c.timeToRestore.medianMinutes, p.timeToRestore.medianMinutes)}${band(doraYear, c.bands.restore)}`;
}

/** The summary; `details: false` leaves out the Details button (where no one can click it). */
export function reportBlocks(r: Report, opts: { timeZone: string; details?: boolean }): Message {
  const c = r.current;
  const p = r.previous;
  const y = r.doraYear;
  const opened = PRIORITIES.map(
    (pr) => `${pr} ${c.opened.byPriority[pr] ?? 0}${withTrend(c.opened.byPriority[pr] ?? 0, p.opened.byPriority[pr] ?? 0)}`,
  );
  const resolve = PRIORITIES.map((pr) => durationLine(pr, c.timeToResolve[pr]!, p.timeToResolve[pr]!));
  const sla = PRIORITIES.map(
    (pr) =>
      `${pr}: SLA met ${fractionText(c.slaMet[pr]!, 'resolved tickets')}${withTrend(percentOf(c.slaMet[pr]!), percentOf(p.slaMet[pr]!))}`,
  );
  const cfr = cfrLine(r);
  const perService = c.deploysByService.map((s) => `${s.name}: ${changeFailureLine(s)}`);
  const f = c.frequency;
  const frequency = `deployment frequency: ${plural(f.deploys, 'production deploy')} on ${f.deployDays} of ${f.days} days (${FREQUENCY_WORDS[c.bands.frequency]})${withTrend(f.deploys, p.frequency.deploys)}${band(y, c.bands.frequency)}`;
  const restore = restoreLine(r);
  const outside = [
    `deploys outside the support window: ${c.deploys.outside} of ${plural(c.deploys.deploys, 'deploy')}`,
    ...c.deploysByService.filter((s) => s.outside > 0).map((s) => `${s.name}: ${s.outside} of ${plural(s.deploys, 'deploy')}`),
  ];
  const pages = c.pages.total
    ? `${plural(c.pages.total, 'page')}${withTrend(c.pages.total, p.pages.total)}: ${c.pages.byPerson.map((x) => `${mention(x.userId)} ${x.pages}`).join(', ')}`
    : `no pages${withTrend(0, p.pages.total)}`;
  const gardeners = `tickets handled by gardeners: ${fractionText(c.gardeners, 'tickets taken')}${c.gardeners.whole ? ' of the tickets taken' : ''}`;

  const blocks: KnownBlock[] = [
    { type: 'header', text: plain(`Support report · last ${r.days} days`, 150) },
    { type: 'context', elements: [mrkdwn(periodLine(r, opts.timeZone))] },
    lines(`Tickets opened: ${c.opened.total}${withTrend(c.opened.total, p.opened.total)}`, [opened.join(' · ')]),
    lines('Time to resolve (opened → resolved)', resolve),
    lines('SLA met', sla),
    lines('First response', [durationLine('first response', c.firstResponse, p.firstResponse)]),
    lines('Requests vs code changes', c.requests.length ? c.requests.map(requestsLine) : ['no resolved requests']),
    lines('Deploys', [cfr, ...perService, frequency, restore]),
    lines('Support window', outside),
    lines('Out of hours and gardeners', [`out-of-hours pages: ${pages}`, gardeners]),
  ];
  if (opts.details !== false)
    blocks.push({
      type: 'actions',
      elements: [{ type: 'button', text: plain('Details', 75), action_id: REPORT_DETAILS_ACTION, value: detailsValue(r.days, r.now) }],
    });
  const text = [
    `Support report, last ${r.days} days: ${plural(c.opened.total, 'ticket')} opened`,
    changeFailureLine(c.deploys),
    c.timeToRestore.count ? `time to restore ${dur(c.timeToRestore.medianMinutes)}` : 'no incidents',
    `first response ${dur(c.firstResponse.medianMinutes)}`,
  ].join(', ');
  return { text, blocks };
}

/**
 * The headline figures in a few lines (App Home's "This week"): the same report and the same words
 * as the summary, per priority on one line each.
 */
export function reportHeadlines(r: Report): string[] {
  const c = r.current;
  const p = r.previous;
  const perPriority = (part: (pr: (typeof PRIORITIES)[number]) => string) => PRIORITIES.map((pr) => `${pr} ${part(pr)}`).join(' · ');
  const sla = (f: Fraction) => (f.whole ? `${percentOf(f)} % (${f.part} of ${f.whole})` : '—');
  return [
    `tickets opened: ${c.opened.total}${withTrend(c.opened.total, p.opened.total)} (${perPriority((pr) => String(c.opened.byPriority[pr] ?? 0))})`,
    `time to resolve, median: ${perPriority((pr) => dur(c.timeToResolve[pr]!.medianMinutes))}`,
    `SLA met: ${perPriority((pr) => sla(c.slaMet[pr]!))}`,
    durationLine('first response', c.firstResponse, p.firstResponse),
    cfrLine(r),
    restoreLine(r),
  ];
}

const STATUS_WORDS: Record<string, string> = { failed: 'failed', rolled_back: 'rolled back', succeeded: 'caused a ticket' };
const ticketRef = (t: { id: number; title: string }) => `#${t.id} ${userText(t.title, 80)}`;

export function reportDetailsModal(d: ReportDetails, opts: { timeZone: string }): ModalView {
  const failed = d.failedDeploys.map((x) => {
    const caused = x.tickets.length ? ` — caused ${x.tickets.map(ticketRef).join(', ')}` : '';
    return `• ${userText(x.name, 60)} ${userText(x.version, 60)} · ${STATUS_WORDS[x.status] ?? x.status} · ${slackDate(x.deployedAt, opts.timeZone)}${caused}`;
  });
  if (d.deploys.failures > d.failedDeploys.length) failed.push(`…and ${d.deploys.failures - d.failedDeploys.length} more`);
  const slowest = PRIORITIES.flatMap((p) => {
    const rows = d.slowest.filter((t) => t.priority === p);
    return rows.length ? [`*${p}*`, ...rows.map((t) => `• ${ticketRef(t)} (${userText(t.name, 60)}) — ${formatMinutes(t.minutes)}`)] : [];
  });
  const incidents = d.incidents.map((t) => `• ${t.priority} ${ticketRef(t)} (${userText(t.name, 60)}) — ${formatMinutes(t.minutes)}`);
  const noCode = d.noCode.map((s) => `• ${userText(s.name, 60)}: ${plural(s.requests, 'request')} without a code change`);
  const section = (title: string, body: string[], none: string): KnownBlock[] => [
    { type: 'section', text: mrkdwn(truncate(`*${title}*\n${body.length ? body.join('\n') : none}`, 3000)) },
  ];
  return {
    type: 'modal',
    callback_id: 'report_details',
    title: plain('Report details', 24),
    close: plain('Close', 24),
    blocks: [
      {
        type: 'context',
        elements: [mrkdwn(`Last ${d.days} days, ${slackDate(d.period.from, opts.timeZone)} – ${slackDate(d.period.to, opts.timeZone)}.`)],
      },
      ...section(
        `Deploys counted as change failures: ${d.deploys.failures} of ${plural(d.deploys.deploys, 'deploy')}`,
        failed,
        'none: no production deploy failed, was rolled back or was confirmed as a cause.',
      ),
      { type: 'divider' },
      ...section('Slowest tickets to resolve, per priority', slowest, 'none resolved.'),
      { type: 'divider' },
      ...section('Incidents behind time to restore', incidents, 'none resolved.'),
      { type: 'divider' },
      ...section('Services with the most requests that needed no code change', noCode, 'none.'),
    ],
  };
}
