// What the report's numbers mean, without I/O: the periods they cover, trends against the previous
// period, the DORA bands and how durations and rates read. repos/metrics.ts computes the figures in
// SQL; services/reports.ts puts them together; messages/report.ts shows them. docs/reports.md has
// the definition of every figure.
import type { Priority } from './priority.js';
import { fail, ok, type Result } from './result.js';

export const PERIOD_DAYS = [7, 30, 90] as const;
export type PeriodDays = (typeof PERIOD_DAYS)[number];
export const DEFAULT_PERIOD_DAYS: PeriodDays = 7;
export const MS_PER_DAY = 86_400_000;

/** [from, to): `to` excluded. */
export interface Period {
  from: Date;
  to: Date;
}

export interface Periods {
  days: PeriodDays;
  current: Period;
  /** The same length just before `current`. */
  previous: Period;
}

/** `7d`, `30d` or `90d` (also `7`, `30 days`); empty means the default. A sentence saying what is accepted otherwise. */
export function parsePeriod(arg: string | undefined, fallback: PeriodDays = DEFAULT_PERIOD_DAYS): Result<PeriodDays> {
  const text = (arg ?? '').trim().toLowerCase();
  if (text === '') return ok(fallback);
  const m = /^(\d{1,3})\s*(d|days?)?$/.exec(text);
  const days = m ? Number(m[1]) : Number.NaN;
  const known = PERIOD_DAYS.find((d) => d === days);
  if (known) return ok(known);
  return fail(
    `Choose the period as ${PERIOD_DAYS.map((d) => `\`${d}d\``).join(', ')} (the last 7, 30 or 90 days; ${fallback}d when left out).`,
  );
}

/** The `days` before `now`, and the same length before that. */
export function periodsAt(days: PeriodDays, now: Date): Periods {
  const to = now.getTime();
  const length = days * MS_PER_DAY;
  return {
    days,
    current: { from: new Date(to - length), to: new Date(to) },
    previous: { from: new Date(to - 2 * length), to: new Date(to - length) },
  };
}

export type TrendDirection = 'up' | 'down' | 'same';

/** How a figure moved against the previous period; percent is null when the previous was 0. */
export interface Trend {
  direction: TrendDirection;
  percent: number | null;
}

/** Null when either side is unknown (no tickets to measure). Percent rounded to a whole number. */
export function trend(current: number | null, previous: number | null): Trend | null {
  if (current === null || previous === null) return null;
  if (current === previous) return { direction: 'same', percent: 0 };
  const direction = current > previous ? 'up' : 'down';
  if (previous === 0) return { direction, percent: null };
  return { direction, percent: Math.round((Math.abs(current - previous) / Math.abs(previous)) * 100) };
}

/** "▲ 20 %", "▼ 5 %", "▲ from 0", "= same"; empty when unknown. */
export function trendText(t: Trend | null): string {
  if (!t) return '';
  if (t.direction === 'same') return '= same';
  const arrow = t.direction === 'up' ? '▲' : '▼';
  return t.percent === null ? `${arrow} from 0` : `${arrow} ${t.percent} %`;
}

/** A rate with what it counts: `part` of `whole`; never over 100 % because part ⊆ whole. */
export interface Fraction {
  part: number;
  whole: number;
}

/** Whole percent, or null for 0 of 0. */
export function percentOf({ part, whole }: Fraction): number | null {
  return whole === 0 ? null : Math.round((part / whole) * 100);
}

/** Exact share in [0, 1], or null for 0 of 0 (bands compare exact shares, not rounded ones). */
export function shareOf({ part, whole }: Fraction): number | null {
  return whole === 0 ? null : part / whole;
}

/**
 * A duration with its unit: under an hour in whole minutes (`12 min`), under two days in hours with
 * one decimal (`3.5 h`, `2 h`), else in days with one decimal (`4.5 d`).
 */
export function formatMinutes(minutes: number): string {
  if (!Number.isFinite(minutes)) throw new RangeError(`Duration must be finite, got ${minutes}`);
  const m = Math.max(0, minutes);
  if (Math.round(m) < 60) return `${Math.round(m)} min`;
  const oneDecimal = (x: number) => String(Math.round(x * 10) / 10);
  if (m < 48 * 60) return `${oneDecimal(m / 60)} h`;
  return `${oneDecimal(m / 1440)} d`;
}

// DORA performance bands, from the 2023 State of DevOps report's clusters as Apache DevLake uses them.
export const DORA_YEAR = 2023;
export type Band = 'elite' | 'high' | 'medium' | 'low';

/** Change failure rate: ≤ 5 % elite, ≤ 10 % high, ≤ 15 % medium, above low. Null without deploys. */
export function changeFailureBand(f: Fraction): Band | null {
  const share = shareOf(f);
  if (share === null) return null;
  if (share <= 0.05) return 'elite';
  if (share <= 0.1) return 'high';
  if (share <= 0.15) return 'medium';
  return 'low';
}

/** Time to restore (median, minutes): < 1 hour elite, < 1 day high, < 1 week medium, longer low. Null without incidents. */
export function restoreBand(medianMinutes: number | null): Band | null {
  if (medianMinutes === null) return null;
  if (medianMinutes < 60) return 'elite';
  if (medianMinutes < 1440) return 'high';
  if (medianMinutes < 7 * 1440) return 'medium';
  return 'low';
}

/** Deploys in a period and on how many of its days (24-hour slots counted from the period's start). */
export interface DeployFrequency {
  deploys: number;
  deployDays: number;
  days: number;
}

/**
 * Deployment frequency as DevLake's 2023 criteria read it, on the period's average: deploy days per
 * week ≥ 7 on demand (elite), ≥ 1 between daily and weekly (high), deploy days per 30 days ≥ 1
 * between weekly and monthly (medium), rarer (low).
 */
export function deployFrequencyBand(f: DeployFrequency): Band {
  const perWeek = (f.deployDays * 7) / f.days;
  const perMonth = (f.deployDays * 30) / f.days;
  if (perWeek >= 7) return 'elite';
  if (perWeek >= 1) return 'high';
  if (perMonth >= 1) return 'medium';
  return 'low';
}

export const FREQUENCY_WORDS: Record<Band, string> = {
  elite: 'on demand',
  high: 'daily to weekly',
  medium: 'weekly to monthly',
  low: 'rarer than monthly',
};

/** The rank a nearest-rank percentile picks among n sorted values: ceil(p/100 × n), at least 1. */
export function nearestRank(p: number, n: number): number {
  return Math.max(1, Math.ceil((p * n) / 100));
}

/** Count, average, median and p90 (nearest rank) of durations, in minutes; null figures when count is 0. */
export interface DurationStats {
  count: number;
  avgMinutes: number | null;
  medianMinutes: number | null;
  p90Minutes: number | null;
}

export const NO_DURATIONS: DurationStats = { count: 0, avgMinutes: null, medianMinutes: null, p90Minutes: null };

/** Production deploys of a period. */
export interface DeployTally {
  deploys: number;
  /** Failed, rolled back, or confirmed as the cause of a ticket (Deploy.changeFailure): each deploy once. */
  failures: number;
  /** Reported outside the service's deploy window. */
  outside: number;
}

/** Every figure of one period (docs/reports.md defines each). Priorities are P1, P2, P3. */
export interface PeriodFigures {
  period: Period;
  opened: { total: number; byPriority: Record<Priority, number> };
  timeToResolve: Record<Priority, DurationStats>;
  /** part: met, whole: resolved. */
  slaMet: Record<Priority, Fraction>;
  firstResponse: DurationStats;
  /** Resolved requests by service (duplicates left out), most first. */
  requests: Array<{ service: string; name: string; requests: number; codeChanges: number }>;
  /** Production deploys: change failures and deploys outside the support window, overall and per service. */
  deploys: DeployTally;
  deploysByService: Array<DeployTally & { service: string; name: string }>;
  frequency: DeployFrequency;
  timeToRestore: DurationStats;
  pages: { total: number; byPerson: Array<{ userId: string; pages: number }> };
  /** part: taken by the squad's gardener on duty, whole: tickets taken. */
  gardeners: Fraction;
  bands: { changeFailure: Band | null; frequency: Band; restore: Band | null };
}

/** The report: a period and the one before it. */
export interface Report {
  days: PeriodDays;
  /** The instant the periods end at; the Details view reads the same periods from it. */
  now: Date;
  doraYear: number;
  current: PeriodFigures;
  previous: PeriodFigures;
}

/** A ticket listed in the Details view with how long it took to resolve. */
export interface ListedTicket {
  id: number;
  title: string;
  priority: string;
  service: string;
  name: string;
  minutes: number;
}

/** The rows behind the current period's numbers. */
export interface ReportDetails {
  days: PeriodDays;
  period: Period;
  deploys: DeployTally;
  failedDeploys: Array<{
    id: number;
    name: string;
    version: string;
    status: string;
    deployedAt: Date;
    /** Tickets confirmed as caused by it. */
    tickets: Array<{ id: number; title: string }>;
  }>;
  /** The slowest resolved tickets of each priority. */
  slowest: ListedTicket[];
  /** Services with the most resolved requests that needed no code change. */
  noCode: Array<{ service: string; name: string; requests: number }>;
  /** The incident tickets behind time to restore, slowest first. */
  incidents: ListedTicket[];
}

/**
 * The SLA clock's verdict on a resolved ticket (the rule repos/metrics.ts `slaMet` counts in SQL):
 * met when it never breached and was resolved by its due time; null while it is not resolved.
 */
export function slaVerdict(t: { resolvedAt: Date | null; breachedAt: Date | null; slaDueAt: Date | null }): boolean | null {
  if (!t.resolvedAt) return null;
  return t.breachedAt === null && (t.slaDueAt === null || t.resolvedAt <= t.slaDueAt);
}

/** A ticket with its timings, as `/support export` lists it. */
export interface TicketTimings {
  id: number;
  createdAt: Date;
  priority: string;
  service: string;
  status: string;
  title: string;
  reporterId: string;
  ownerId: string | null;
  firstResponseAt: Date | null;
  firstResponderId: string | null;
  firstResponseMinutes: number | null;
  resolvedAt: Date | null;
  resolveMinutes: number | null;
  /** Closed waiting-on-reporter windows of the current SLA clock (since the last reopen), in minutes. */
  waitingMinutes: number;
  slaDueAt: Date | null;
  breachedAt: Date | null;
  codeChangeNeeded: boolean | null;
  duplicateOfId: number | null;
  incident: boolean;
  reopened: number;
}
