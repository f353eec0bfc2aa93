// The report: every figure of a period and of the period before it (repos/metrics.ts computes them
// in SQL), with the DORA bands, as plain data for /support report, the digest and App Home; and
// the rows behind the numbers for the Details view. Reads only.
import type { SupportConfig } from '../config/supportConfig.js';
import type { Provider } from '../db/provider.js';
import {
  changeFailureBand,
  DORA_YEAR,
  type DeployTally,
  type DurationStats,
  deployFrequencyBand,
  NO_DURATIONS,
  type Period,
  type PeriodDays,
  type PeriodFigures,
  periodsAt,
  type Report,
  type ReportDetails,
  restoreBand,
  slaVerdict,
} from '../domain/metrics.js';
import { PRIORITIES, type Priority } from '../domain/priority.js';
import { dutySegments } from '../domain/rotation.js';
import type { Db, Tx } from '../repos/db.js';
import {
  type DutySpan,
  deployDays,
  deployTallies,
  failedDeploys,
  firstResponse,
  gardenerTakes,
  incidentTickets,
  type MetricsDb,
  metricsDb,
  noCodeServices,
  pagesByPerson,
  requestsByService,
  slaMet,
  slowestTickets,
  ticketsOpened,
  timeToResolve,
  timeToRestore,
} from '../repos/metrics.js';
import { loadOverrides } from '../repos/rotations.js';
import { ticketsFiledForExport } from '../repos/ticketExport.js';
import { ticketsCsv } from '../messages/ticketExport.js';
import { enqueue } from '../outbox/queue.js';
import { serviceName } from './tickets.js';

export type { DeployTally, DurationStats, PeriodFigures, Report, ReportDetails };

export interface ReportDeps {
  /** A transaction will do: reports only read (a job builds one inside its own). */
  db: Db | Tx;
  provider: Provider;
  config: SupportConfig;
}

const byPriority = <T>(lookup: Map<string, T>, none: T): Record<Priority, T> =>
  Object.fromEntries(PRIORITIES.map((p) => [p, lookup.get(p) ?? none])) as Record<Priority, T>;

/** Who held each squad's gardener rotation over [from, to), and which services each rotation covers. */
async function gardenerDuty(deps: ReportDeps, from: Date, to: Date) {
  const services: Array<{ service: string; rotationId: string }> = [];
  const spans: DutySpan[] = [];
  for (const squad of Object.values(deps.config.squads)) {
    const rotation = squad.gardener;
    if (!rotation) continue;
    for (const s of Object.values(deps.config.services))
      if (s.squad === squad.id) services.push({ service: s.id, rotationId: rotation.id });
    const overrides = await loadOverrides(deps.db, rotation.id, { from, to });
    for (const d of dutySegments(rotation, overrides, from, to))
      if (d.user) spans.push({ rotationId: rotation.id, userId: d.user, fromMs: d.from.getTime(), toMs: d.to.getTime() });
  }
  return { services, spans };
}

async function figures(
  m: MetricsDb,
  deps: ReportDeps,
  period: Period,
  duty: Awaited<ReturnType<typeof gardenerDuty>>,
): Promise<PeriodFigures> {
  const [opened, resolve, sla, first, requests, deploys, days, restore, pages, takes] = await Promise.all([
    ticketsOpened(m, period),
    timeToResolve(m, period),
    slaMet(m, period),
    firstResponse(m, period),
    requestsByService(m, period),
    deployTallies(m, period),
    deployDays(m, period),
    timeToRestore(m, period),
    pagesByPerson(m, period),
    gardenerTakes(m, period, duty),
  ]);
  const openedBy = byPriority(opened, 0);
  const lengthDays = Math.round((period.to.getTime() - period.from.getTime()) / 86_400_000);
  const frequency = { deploys: deploys.deploys, deployDays: days, days: lengthDays };
  const failures = { part: deploys.failures, whole: deploys.deploys };
  return {
    period,
    opened: { total: PRIORITIES.reduce((n, p) => n + openedBy[p], 0), byPriority: openedBy },
    timeToResolve: byPriority(resolve, NO_DURATIONS),
    slaMet: byPriority(new Map([...sla].map(([p, s]) => [p, { part: s.met, whole: s.total }])), { part: 0, whole: 0 }),
    firstResponse: first,
    requests: requests.map((r) => ({ ...r, name: serviceName(deps.config, r.service) })),
    deploys: { deploys: deploys.deploys, failures: deploys.failures, outside: deploys.outside },
    deploysByService: Object.entries(deploys.byService).map(([service, t]) => ({ service, name: serviceName(deps.config, service), ...t })),
    frequency,
    timeToRestore: restore,
    pages: { total: pages.reduce((n, p) => n + p.pages, 0), byPerson: pages },
    gardeners: { part: takes.byGardener, whole: takes.taken },
    bands: {
      changeFailure: changeFailureBand(failures),
      frequency: deployFrequencyBand(frequency),
      restore: restoreBand(restore.medianMinutes),
    },
  };
}

/** Every figure of the `period` days before `now` and of the same length before that. */
export async function buildReport(deps: ReportDeps, input: { period: PeriodDays; now: Date }): Promise<Report> {
  const periods = periodsAt(input.period, input.now);
  const m = metricsDb(deps.db, deps.provider);
  const duty = await gardenerDuty(deps, periods.previous.from, periods.current.to);
  const [current, previous] = await Promise.all([figures(m, deps, periods.current, duty), figures(m, deps, periods.previous, duty)]);
  return { days: input.period, now: input.now, doraYear: DORA_YEAR, current, previous };
}

/** Change failure rate over [from, to): the status page's figure, the report's definition. */
export async function changeFailures(deps: Pick<ReportDeps, 'db' | 'provider'>, period: Period) {
  return deployTallies(metricsDb(deps.db, deps.provider), period);
}

export const DETAIL_LIMITS = { failedDeploys: 15, slowestPerPriority: 3, noCodeServices: 5, incidents: 10 } as const;

/** The rows behind the current period's numbers: failed deploys with their tickets, the slowest tickets, the no-code services. */
export async function reportDetails(deps: ReportDeps, input: { period: PeriodDays; now: Date }): Promise<ReportDetails> {
  const { current } = periodsAt(input.period, input.now);
  const m = metricsDb(deps.db, deps.provider);
  const named = <T extends { service: string }>(rows: T[]) => rows.map((r) => ({ ...r, name: serviceName(deps.config, r.service) }));
  const [tally, failed, slowest, noCode, incidents] = await Promise.all([
    deployTallies(m, current),
    failedDeploys(deps.db, current, DETAIL_LIMITS.failedDeploys),
    slowestTickets(m, current, DETAIL_LIMITS.slowestPerPriority),
    noCodeServices(m, current, DETAIL_LIMITS.noCodeServices),
    incidentTickets(m, current, DETAIL_LIMITS.incidents),
  ]);
  return {
    days: input.period,
    period: current,
    deploys: { deploys: tally.deploys, failures: tally.failures, outside: tally.outside },
    failedDeploys: failed.map(({ service, ...d }) => ({ ...d, name: serviceName(deps.config, service) })),
    slowest: named(slowest),
    noCode: named(noCode),
    incidents: named(incidents),
  };
}

export interface ExportDeps extends ReportDeps {
  /** Called after queueing, to deliver at once. */
  kick(): void;
}

/**
 * The tickets filed in the `period` days before `now`, with their timings, as a CSV uploaded to
 * `channel` (the requester's DM) through the outbox. Returns how many tickets and the file's name.
 */
export async function queueTicketExport(
  deps: ExportDeps,
  input: { period: PeriodDays; now: Date; channel: string },
): Promise<{ tickets: number; filename: string }> {
  const { current } = periodsAt(input.period, input.now);
  const rows = await ticketsFiledForExport(metricsDb(deps.db, deps.provider), current);
  const csv = ticketsCsv(rows.map((t) => ({ ...t, serviceName: serviceName(deps.config, t.service), slaMet: slaVerdict(t) })));
  const day = (d: Date) => d.toISOString().slice(0, 10);
  const filename = `tickets-${day(current.from)}-to-${day(current.to)}.csv`;
  await enqueue(
    deps.db,
    {
      kind: 'upload',
      channel: input.channel,
      filename,
      title: `Tickets filed in the last ${input.period} days`,
      contentBase64: Buffer.from(csv, 'utf8').toString('base64'),
      initialComment: `${rows.length} tickets filed in the last ${input.period} days, with their timings (times in UTC, durations in minutes).`,
    },
    { now: input.now },
  );
  deps.kick();
  return { tickets: rows.length, filename };
}
