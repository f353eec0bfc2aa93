// The weekly digest, sent exactly once per period. At start and on each tick of `digest.cron`, the
// latest instant ≤ now at which the expression fired (in the config's zone) names the period due:
// the 7 days ending then. Nothing is kept in memory: a period counts as sent once a done job under
// the key `digest:<instant>` exists (Job.dedupKey is unique). The digest is built outside any
// transaction (the report, tickets per day, three charts), then ONE transaction records that job
// and queues the message and the chart uploads in the outbox. So:
//  - a digest missed while the bot was down is sent when it starts (only the latest one);
//  - a second replica building the same digest loses on the unique key and its transaction, with
//    its messages, rolls back;
//  - a kill -9 before the commit leaves nothing (the next start builds it again), after it leaves
//    queued messages that the relay delivers once.
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import { DIGEST_DAYS, type DigestPeriod, digestPeriod, latestScheduledInstant, localDay, periodDays } from '../domain/digestPeriod.js';
import type { PeriodFigures, Report } from '../domain/metrics.js';
import { PRIORITIES } from '../domain/priority.js';
import {
  type Chart,
  type DayCount,
  failureRateChart,
  type ResolveTimeRow,
  ticketsPerDayChart,
  timeToResolveChart,
} from '../messages/charts.js';
import { type DigestSummary, digestChartTitle, digestFilename, digestMessage } from '../messages/digest.js';
import { reportBlocks } from '../messages/report.js';
import { enqueueAll, type OutboxKind } from '../outbox/queue.js';
import { type Db, inTransaction, isUniqueViolation } from '../repos/db.js';
import { ticketsPerDay } from '../repos/digestSeries.js';
import { recordDoneJob, scheduledKeys } from '../repos/jobs.js';
import { buildReport, type ReportDeps } from './reports.js';

export interface DigestDeps extends ReportDeps {
  /** The digest commits what it queues in a transaction of its own. */
  db: Db;
  clock: Clock;
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

  const messages = digestMessages(deps, period, await digestContent(deps, period));
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
  const charts = messages.length - 1;
  deps.log.info({ from: period.from, to: period.to, charts }, 'weekly digest queued');
  return { kind: 'sent', period, charts };
}

export interface NamedChart {
  slug: string;
  chart: Chart;
  altText: string;
}

/** What a digest shows: the report of the week, its summary, and the charts drawn from them. */
export interface DigestContent {
  report: Report;
  summary: DigestSummary;
  charts: NamedChart[];
}

/**
 * The digest of a period: the report of the 7 days before its end (`buildReport`, the figures of
 * `/support report 7d`), its summary, and the charts, which read the report's own figures — time to
 * resolve per priority and the per-service deploy tallies — plus tickets per local day, which the
 * report does not have. Reads only.
 */
export async function digestContent(deps: ReportDeps, period: DigestPeriod): Promise<DigestContent> {
  const { timeZone } = deps.config;
  const days = periodDays(period, timeZone);
  const [report, perDay] = await Promise.all([
    buildReport(deps, { period: DIGEST_DAYS, now: period.to }),
    ticketsPerDay(deps.db, days, period.to),
  ]);
  const { text, blocks } = reportBlocks(report, { timeZone });
  const dayCounts = days.map((d, i) => ({ day: localDay(d, timeZone), tickets: perDay[i] ?? 0 }));
  return { report, summary: { text, blocks: blocks ?? [] }, charts: await digestCharts(report.current, dayCounts) };
}

/** The digest's message and its chart uploads, in the order they are to appear. */
function digestMessages(deps: DigestDeps, period: DigestPeriod, content: DigestContent): OutboxKind[] {
  const { config } = deps;
  const channel = config.channels.managers;
  const endDay = localDay(period.to, config.timeZone);
  const message = digestMessage(
    { ...period, timeZone: config.timeZone },
    content.summary,
    content.charts.map((c) => c.chart.title.toLowerCase()),
  );
  const uploads = content.charts.map(
    (c): OutboxKind => ({
      kind: 'upload',
      channel,
      filename: digestFilename(endDay, c.slug),
      title: digestChartTitle(c.chart.title, endDay),
      contentBase64: c.chart.png.toString('base64'),
      altText: c.altText,
    }),
  );
  return [{ kind: 'post', channel, ...message }, ...uploads];
}

const hours = (minutes: number | null) => (minutes ?? 0) / 60;

/** The report's time to resolve in hours, for the priorities with resolved tickets. */
export function resolveTimeRows(figures: PeriodFigures): ResolveTimeRow[] {
  return PRIORITIES.flatMap((priority) => {
    const s = figures.timeToResolve[priority];
    if (!s.count) return [];
    return [{ priority, averageHours: hours(s.avgMinutes), medianHours: hours(s.medianMinutes), p90Hours: hours(s.p90Minutes) }];
  });
}

/** Time to resolve and change failure rate when there is something to show; tickets per day always. */
async function digestCharts(figures: PeriodFigures, perDay: DayCount[]): Promise<NamedChart[]> {
  const charts: NamedChart[] = [];
  const resolve = resolveTimeRows(figures);
  if (resolve.length) {
    charts.push({
      slug: 'time-to-resolve',
      chart: await timeToResolveChart(resolve),
      altText: resolve
        .map(
          (r) =>
            `${r.priority}: average ${r.averageHours.toFixed(1)} h, median ${r.medianHours.toFixed(1)} h, p90 ${r.p90Hours.toFixed(1)} h`,
        )
        .join('; '),
    });
  }
  const services = figures.deploysByService.map((s) => ({ service: s.name, failures: s.failures, deploys: s.deploys }));
  if (services.length) {
    charts.push({
      slug: 'change-failure-rate',
      chart: await failureRateChart(services),
      altText: services.map((s) => `${s.service}: ${s.failures} of ${s.deploys} deploys failed`).join('; '),
    });
  }
  charts.push({
    slug: 'tickets-per-day',
    chart: await ticketsPerDayChart(perDay),
    altText: perDay.map((r) => `${r.day}: ${r.tickets}`).join('; '),
  });
  return charts;
}
