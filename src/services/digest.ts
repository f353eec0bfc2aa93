// The weekly digest, sent exactly once per period. At start and on each tick of `digest.cron`, the
// latest instant ≤ now at which the expression fired (in the config's zone) names the period due:
// the 7 days ending then. Nothing is kept in memory: a period counts as sent once a done job under
// the key `digest:<instant>` exists (Job.dedupKey is unique). The digest is built outside any
// transaction (queries, three charts), then ONE transaction records that job and queues the
// message and the chart uploads in the outbox. So:
//  - a digest missed while the bot was down is sent when it starts (only the latest one);
//  - a second replica building the same digest loses on the unique key and its transaction, with
//    its messages, rolls back;
//  - a kill -9 before the commit leaves nothing (the next start builds it again), after it leaves
//    queued messages that the relay delivers once.
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import type { SupportConfig } from '../config/supportConfig.js';
import type { Provider } from '../db/provider.js';
import { type DigestPeriod, digestPeriod, latestScheduledInstant, localDay, periodDays } from '../domain/digestPeriod.js';
import { type Chart, failureRateChart, openTimeChart, ticketsPerDayChart } from '../messages/charts.js';
import { type DigestSummary, digestChartTitle, digestFilename, digestMessage } from '../messages/digest.js';
import { enqueueAll, type OutboxKind } from '../outbox/queue.js';
import { type Db, inTransaction, isUniqueViolation } from '../repos/db.js';
import { openTimeByPriority, ticketsPerDay } from '../repos/digestSeries.js';
import { DEFAULT_PERIOD_DAYS, MS_PER_DAY } from '../domain/metrics.js';
import { reportBlocks } from '../messages/report.js';
import { buildReport, changeFailures, type ReportDeps } from './reports.js';
import { recordDoneJob, scheduledKeys } from '../repos/jobs.js';

export type { DigestSummary };

/** The digest's words for a period (the report's summary, `reportSummarizer`). */
export type Summarize = (period: DigestPeriod) => Promise<DigestSummary>;

export interface DigestDeps {
  db: Db;
  provider: Provider;
  clock: Clock;
  config: SupportConfig;
  summarize: Summarize;
  kick(): void;
  log: Logger;
}

export type DigestOutcome =
  | { kind: 'disabled' }
  /** The expression has never fired (in practice: never, croner looks back years). */
  | { kind: 'not-due' }
  /** Recorded already, by this process or another. */
  | { kind: 'already-sent'; period: DigestPeriod }
  | { kind: 'sent'; period: DigestPeriod; charts: number };

const JOB_KIND = 'digest';
/** Recorded on the digest jobs this process sent (claimedBy), for the logs and the replica tests. */
const PROCESS = randomUUID();

export const digestKey = (to: Date) => `digest:${to.toISOString()}`;

/** Sends the digest of the latest period due, unless it was sent; safe to call at any time, from any replica. */
export async function sendDueDigest(deps: DigestDeps): Promise<DigestOutcome> {
  const { db, clock, config } = deps;
  if (!config.digest.enabled) return { kind: 'disabled' };
  const now = clock.now();
  const to = latestScheduledInstant(config.digest.cron, config.timeZone, now);
  if (!to) return { kind: 'not-due' };
  const period = digestPeriod(to, config.timeZone);
  const key = digestKey(to);
  if ((await scheduledKeys(db, [key])).length) return { kind: 'already-sent', period };

  const { messages, charts } = await buildDigest(deps, period);
  try {
    await inTransaction(db, async (tx) => {
      await recordDoneJob(tx, { kind: JOB_KIND, dedupKey: key, dueAt: to, now, by: PROCESS, payload: { from: period.from.toISOString() } });
      await enqueueAll(tx, messages, { now, orderingKey: key });
    });
  } catch (err) {
    if (isUniqueViolation(err)) return { kind: 'already-sent', period };
    throw err;
  }
  deps.kick();
  deps.log.info({ from: period.from, to: period.to, charts }, 'weekly digest queued');
  return { kind: 'sent', period, charts };
}

interface NamedChart {
  slug: string;
  chart: Chart;
  altText: string;
}

/** The digest's message and its chart uploads, in the order they are to appear. */
async function buildDigest(deps: DigestDeps, period: DigestPeriod): Promise<{ messages: OutboxKind[]; charts: number }> {
  const { config } = deps;
  const channel = config.channels.managers;
  const endDay = localDay(period.to, config.timeZone);
  const [summary, charts] = await Promise.all([deps.summarize(period), digestCharts(deps, period)]);
  const message = digestMessage(
    { ...period, timeZone: config.timeZone },
    summary,
    charts.map((c) => c.chart.title.toLowerCase()),
  );
  const post: OutboxKind = { kind: 'post', channel, ...message };
  const uploads = charts.map(
    (c): OutboxKind => ({
      kind: 'upload',
      channel,
      filename: digestFilename(endDay, c.slug),
      title: digestChartTitle(c.chart.title, endDay),
      contentBase64: c.chart.png.toString('base64'),
      altText: c.altText,
    }),
  );
  return { messages: [post, ...uploads], charts: uploads.length };
}

/** Open time by priority and change failure rate when there is something to show; tickets per day always. */
async function digestCharts(deps: DigestDeps, period: DigestPeriod): Promise<NamedChart[]> {
  const { db, provider, config } = deps;
  const days = periodDays(period, config.timeZone);
  const [openTime, failures, perDay] = await Promise.all([
    openTimeByPriority(db, provider, period),
    changeFailures({ db, provider }, period),
    ticketsPerDay(db, days, period.to),
  ]);
  const charts: NamedChart[] = [];
  if (openTime.length) {
    charts.push({
      slug: 'open-time',
      chart: await openTimeChart(openTime),
      altText: openTime
        .map((r) => `${r.priority}: average ${r.averageHours.toFixed(1)} h, median ${r.medianHours.toFixed(1)} h`)
        .join('; '),
    });
  }
  const services = Object.entries(failures.byService).map(([id, t]) => ({
    service: config.services[id]?.name ?? id,
    failures: t.failures,
    deploys: t.deploys,
  }));
  if (services.length) {
    charts.push({
      slug: 'change-failure-rate',
      chart: await failureRateChart(services),
      altText: services.map((s) => `${s.service}: ${s.failures} of ${s.deploys} deploys failed`).join('; '),
    });
  }
  const perDayRows = days.map((d, i) => ({ day: localDay(d, config.timeZone), tickets: perDay[i] ?? 0 }));
  charts.push({
    slug: 'tickets-per-day',
    chart: await ticketsPerDayChart(perDayRows),
    altText: perDayRows.map((r) => `${r.day}: ${r.tickets}`).join('; '),
  });
  return charts;
}

/** The digest's words: the report's summary for the week that ended at the scheduled instant. */
export function reportSummarizer(deps: ReportDeps): Summarize {
  return async (period) => {
    const days = Math.round((period.to.getTime() - period.from.getTime()) / MS_PER_DAY);
    const report = await buildReport(deps, { period: days === 7 ? 7 : DEFAULT_PERIOD_DAYS, now: period.to });
    const { text, blocks } = reportBlocks(report, { timeZone: deps.config.timeZone });
    return { text, blocks: blocks ?? [] };
  };
}
