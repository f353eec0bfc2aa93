// The weekly digest's message to the managers' channel: a header naming the period, then the
// summary (the report's, once it lands; until then the provisional one below). Its charts follow
// as files, named here.
import type { KnownBlock } from '@slack/types';
import { PRIORITIES, type Priority } from '../domain/priority.js';
import { localTime, type Message, mrkdwn, plain } from './text.js';

/** What the digest says above its charts. */
export interface DigestSummary {
  text: string;
  blocks: KnownBlock[];
}

export interface DigestPeriodView {
  from: Date;
  to: Date;
  timeZone: string;
}

const range = (p: DigestPeriodView) => `${localTime(p.from, p.timeZone)} → ${localTime(p.to, p.timeZone)}`;

export function digestMessage(period: DigestPeriodView, summary: DigestSummary, charts: string[]): Message {
  const below = charts.length ? `Charts below: ${charts.join('; ')}.` : 'No charts this week: nothing was resolved or deployed.';
  return {
    text: `Weekly support digest, ${range(period)}\n${summary.text}`,
    blocks: [
      { type: 'header', text: plain('Weekly support digest', 150) },
      { type: 'context', elements: [mrkdwn(range(period))] },
      ...summary.blocks,
      { type: 'context', elements: [mrkdwn(below)] },
    ],
  };
}

/** "support-digest-2026-11-23-open-time.png": the week's end day, so each week's files differ. */
export function digestFilename(endDay: string, slug: string): string {
  return `support-digest-${endDay}-${slug}.png`;
}

export function digestChartTitle(chartTitle: string, endDay: string): string {
  return `${chartTitle}, week to ${endDay}`;
}

export interface ProvisionalFigures {
  opened: Record<Priority, number>;
  resolved: number;
  failures: number;
  deploys: number;
}

function rate(failures: number, deploys: number): string {
  return deploys
    ? `change failure rate ${Math.round((100 * failures) / deploys)} % (${failures} of ${deploys} deploys)`
    : 'change failure rate: no production deploys';
}

/**
 * A minimal summary from existing queries, until the report module's summary replaces it (one line
 * in app/features.ts): tickets opened by priority, tickets resolved, change failure rate.
 */
export function provisionalSummary(f: ProvisionalFigures): DigestSummary {
  const total = PRIORITIES.reduce((n, p) => n + f.opened[p], 0);
  const byPriority = PRIORITIES.map((p) => `${p} ${f.opened[p]}`).join(', ');
  const lines = [`*${total}* tickets opened (${byPriority})`, `*${f.resolved}* resolved`, rate(f.failures, f.deploys)];
  return {
    text: lines.join(' · ').replaceAll('*', ''),
    blocks: [{ type: 'section', text: mrkdwn(lines.map((l) => `• ${l}`).join('\n')) }],
  };
}
