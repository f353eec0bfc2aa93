import { TZDate } from '@date-fns/tz';
import { businessIntervals } from './businessHours.js';
import type { BusinessCalendar } from './calendar.js';
import type { Duty } from './rotation.js';

/**
 * Hourly pay applies when hourlyRate is set and per-shift pay when shiftRate is set; if a config
 * sets both, both are paid (a stipend plus hours), so neither is silently ignored.
 */
export interface PayRates {
  currency: string;
  hourlyRate?: number;
  shiftRate?: number;
  calloutFee: number;
  weekendMultiplier: number;
  holidayMultiplier: number;
}

export interface Page {
  user: string;
  at: Date;
  ticketId: number;
}

export interface PayRow {
  user: string;
  outOfHoursHours: number;
  weekendOrHolidayHours: number;
  shifts: number;
  pages: number;
  pay: number;
}

export interface PayInput {
  /** On-call segments, possibly from several rotations, overlapping or not. */
  segments: Duty[];
  pages: Page[];
  calendar: BusinessCalendar;
  rates: PayRates;
  from: Date;
  to: Date;
}

const HOUR = 3_600_000;

type Span = [from: number, to: number];

/** Overlapping or touching spans become one, so a person holding two duties at once is paid once. */
function union(spans: Span[]): Span[] {
  const merged: Span[] = [];
  for (const [from, to] of [...spans].sort((a, b) => a[0] - b[0])) {
    const last = merged[merged.length - 1];
    if (last && from <= last[1]) last[1] = Math.max(last[1], to);
    else merged.push([from, to]);
  }
  return merged;
}

/** `business` must be sorted and disjoint, as businessIntervals returns it. */
function outOfHours([from, to]: Span, business: Span[]): Span[] {
  const rest: Span[] = [];
  let cursor = from;
  for (const [open, close] of business) {
    if (close <= cursor || open >= to) continue;
    if (open > cursor) rest.push([cursor, open]);
    cursor = Math.max(cursor, close);
  }
  if (cursor < to) rest.push([cursor, to]);
  return rest;
}

/**
 * Splits a span at local midnights and yields each day's piece with its multiplier. Non-working
 * days of the calendar count as weekend, so a Sunday–Thursday week is handled. On a holiday that
 * is also a weekend day the larger multiplier applies; they never stack.
 */
function* byLocalDay([from, to]: Span, calendar: BusinessCalendar, rates: PayRates) {
  for (let cursor = from; cursor < to; ) {
    const local = new TZDate(cursor, calendar.timeZone);
    const nextMidnight = new TZDate(local.getFullYear(), local.getMonth(), local.getDate() + 1, calendar.timeZone).getTime();
    const date = new Date(Date.UTC(local.getFullYear(), local.getMonth(), local.getDate())).toISOString().slice(0, 10);
    const weekend = !calendar.workingDays.includes(local.getDay() || 7);
    const holiday = calendar.holidays.includes(date);
    const multiplier =
      weekend || holiday ? Math.max(weekend ? rates.weekendMultiplier : -Infinity, holiday ? rates.holidayMultiplier : -Infinity) : 1;
    const end = Math.min(to, nextMidnight);
    yield { ms: end - cursor, premium: weekend || holiday, multiplier };
    cursor = end;
  }
}

function round2(amount: number): number {
  // toPrecision strips binary noise first, so 2.675 rounds up as a person would.
  return Math.round(Number((amount * 100).toPrecision(15))) / 100;
}

/**
 * Out-of-hours on-call pay per person over [from, to), sorted by user. People with duty in the
 * window but no out-of-hours time still get a (zero) row, as do people paged without duty.
 */
export function computeOnCallPay({ segments, pages, calendar, rates, from, to }: PayInput): PayRow[] {
  const [lo, hi] = [from.getTime(), to.getTime()];
  const business: Span[] = businessIntervals(calendar, from, to).map((i) => [i.from.getTime(), i.to.getTime()]);

  const duty = new Map<string, Span[]>();
  for (const s of segments) {
    const [a, b] = [Math.max(s.from.getTime(), lo), Math.min(s.to.getTime(), hi)];
    if (s.user === null || a >= b) continue;
    const spans = duty.get(s.user) ?? [];
    spans.push([a, b]);
    duty.set(s.user, spans);
  }
  const paged = new Map<string, number>();
  for (const p of pages) {
    const at = p.at.getTime();
    if (lo <= at && at < hi) paged.set(p.user, (paged.get(p.user) ?? 0) + 1);
  }

  const users = [...new Set([...duty.keys(), ...paged.keys()])].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return users.map((user) => {
    let outMs = 0;
    let premiumMs = 0;
    let weightedMs = 0;
    let shifts = 0;
    for (const span of union(duty.get(user) ?? [])) {
      const rest = outOfHours(span, business);
      if (rest.length > 0) shifts++;
      for (const piece of rest) {
        for (const day of byLocalDay(piece, calendar, rates)) {
          outMs += day.ms;
          if (day.premium) premiumMs += day.ms;
          weightedMs += day.ms * day.multiplier;
        }
      }
    }
    const pageCount = paged.get(user) ?? 0;
    const pay = (rates.hourlyRate ?? 0) * (weightedMs / HOUR) + (rates.shiftRate ?? 0) * shifts + rates.calloutFee * pageCount;
    return {
      user,
      outOfHoursHours: outMs / HOUR,
      weekendOrHolidayHours: premiumMs / HOUR,
      shifts,
      pages: pageCount,
      pay: round2(pay),
    };
  });
}

/** The local calendar month "YYYY-MM" as the instants [first midnight, next month's first midnight). */
export function monthRange(month: string, timeZone: string): { from: Date; to: Date } {
  const match = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(month);
  if (!match) throw new Error(`invalid month "${month}": expected "YYYY-MM"`);
  const [year, index] = [Number(match[1]), Number(match[2]) - 1];
  // Plain Dates, because TZDate serialises with an offset rather than "Z".
  return {
    from: new Date(new TZDate(year, index, 1, timeZone).getTime()),
    to: new Date(new TZDate(year, index + 1, 1, timeZone).getTime()),
  };
}

function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/**
 * RFC 4180 (CRLF line ends). Hours are rounded to 2 decimals for reading; money is printed with
 * exactly 2 so spreadsheets do not drop a trailing zero.
 */
export function payCsv(rows: PayRow[], currency: string): string {
  const header = ['user', 'out_of_hours_hours', 'weekend_or_holiday_hours', 'shifts', 'pages', 'pay', 'currency'];
  const lines = rows.map((r) =>
    [
      r.user,
      String(round2(r.outOfHoursHours)),
      String(round2(r.weekendOrHolidayHours)),
      String(r.shifts),
      String(r.pages),
      r.pay.toFixed(2),
      currency,
    ]
      .map(csvField)
      .join(','),
  );
  return [header.join(','), ...lines].map((line) => `${line}\r\n`).join('');
}
