// When the weekly digest is due and which days it covers. Pure: the cron expression, its zone and
// `now` are passed in. Croner walks the expression backwards in the zone (DST included: a local
// time skipped by the spring change fires at the first instant after the gap; one repeated in
// autumn fires once, at its first occurrence).
// A per-function entry point: the package index loads every function (about 15 MB of RSS).
import { addDays } from 'date-fns/addDays';
import { TZDate } from '@date-fns/tz';
import { Cron } from 'croner';

/** The digest's period: the DAYS local days ending at the scheduled instant `to` (exclusive). */
export interface DigestPeriod {
  from: Date;
  to: Date;
}

export const DIGEST_DAYS = 7;

function schedule(expression: string, timeZone: string): Cron {
  return new Cron(expression, { timezone: timeZone, paused: true });
}

/** Whether croner can walk this expression (the config also asks node-cron, which triggers it). */
export function isDigestCron(expression: string): boolean {
  try {
    schedule(expression, 'UTC');
    return true;
  } catch {
    return false;
  }
}

/** The latest instant ≤ now at which the expression fires in the zone; null if it never has. */
export function latestScheduledInstant(expression: string, timeZone: string, now: Date): Date | null {
  // Croner looks strictly before its reference, at whole seconds: start one second past now's second.
  const reference = new Date(Math.floor(now.getTime() / 1000) * 1000 + 1000);
  const [latest] = schedule(expression, timeZone).previousRuns(1, reference);
  return latest ?? null;
}

/** The DIGEST_DAYS local days (same wall-clock time, so 167 or 169 hours across a DST change) ending at `to`. */
export function digestPeriod(to: Date, timeZone: string): DigestPeriod {
  const from = addDays(new TZDate(to.getTime(), timeZone), -DIGEST_DAYS);
  return { from: new Date(from.getTime()), to };
}

/** The start of each local day of the period (the first is `from`), for "tickets per day". */
export function periodDays(period: DigestPeriod, timeZone: string): Date[] {
  const start = new TZDate(period.from.getTime(), timeZone);
  const days: Date[] = [];
  for (let i = 0; ; i++) {
    const day = addDays(start, i);
    if (day.getTime() >= period.to.getTime()) return days;
    days.push(new Date(day.getTime()));
  }
}

/** The local calendar day "YYYY-MM-DD" of an instant. */
export function localDay(t: Date, timeZone: string): string {
  const d = new TZDate(t.getTime(), timeZone);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}
