// The weekly digest's message to the managers' channel: a header naming the period, then the
// summary (the report's). Its charts follow
// as files, named here.
import type { KnownBlock } from '@slack/types';
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

/** "support-digest-2026-11-23-time-to-resolve.png": the week's end day, so each week's files differ. */
export function digestFilename(endDay: string, slug: string): string {
  return `support-digest-${endDay}-${slug}.png`;
}

export function digestChartTitle(chartTitle: string, endDay: string): string {
  return `${chartTitle}, week to ${endDay}`;
}
