import { TZDate } from '@date-fns/tz';
import type { BusinessCalendar } from './calendar.js';
import { epochMs, minutesToMs as toMs, MS_PER_MINUTE } from './instants.js';

/** Half-open span of time [from, to). */
export interface Interval {
  from: Date;
  to: Date;
}

const MS_PER_DAY = 86_400_000;

interface LocalTime {
  hours: number;
  minutes: number;
}

interface CheckedCalendar {
  timeZone: string;
  workingDays: ReadonlySet<number>;
  holidays: ReadonlySet<string>;
  start: LocalTime;
  end: LocalTime;
}

/** One working day's opening, as epoch milliseconds. */
interface Opening {
  open: number;
  close: number;
}

// "24:00" is rejected on purpose: with it, consecutive days would touch and a round-the-clock
// calendar would never produce a boundary. Round-the-clock SLAs use businessHoursOnly=false instead.
const LOCAL_TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;
const LOCAL_DATE = /^\d{4}-\d{2}-\d{2}$/;

function parseLocalTime(value: string, field: string): LocalTime {
  const match = LOCAL_TIME.exec(value);
  if (!match) throw new Error(`Business calendar ${field} must be "HH:mm" between 00:00 and 23:59, got "${value}"`);
  return { hours: Number(match[1]), minutes: Number(match[2]) };
}

// Validated on every call because calendars come from config; a bad one must fail loudly
// rather than make the day-by-day searches below spin forever or silently never match.
function check(cal: BusinessCalendar): CheckedCalendar {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: cal.timeZone });
  } catch {
    throw new Error(`Business calendar has an unknown time zone "${cal.timeZone}"`);
  }
  for (const day of cal.workingDays) {
    if (!Number.isInteger(day) || day < 1 || day > 7) {
      throw new Error(`Business calendar working day ${day} is not an ISO weekday (1 = Monday … 7 = Sunday)`);
    }
  }
  if (cal.workingDays.length === 0) {
    throw new Error('Business calendar has no working days, so business time never passes');
  }
  for (const holiday of cal.holidays) {
    if (!LOCAL_DATE.test(holiday)) throw new Error(`Business calendar holiday "${holiday}" is not "YYYY-MM-DD"`);
  }
  const start = parseLocalTime(cal.start, 'start');
  const end = parseLocalTime(cal.end, 'end');
  if (end.hours * 60 + end.minutes <= start.hours * 60 + start.minutes) {
    throw new Error(`Business calendar end ${cal.end} must be after start ${cal.start}`);
  }
  return {
    timeZone: cal.timeZone,
    workingDays: new Set(cal.workingDays),
    holidays: new Set(cal.holidays),
    start,
    end,
  };
}

function minutesToMs(minutes: number): number {
  return toMs(minutes, 'Business');
}

/** Local calendar days are counted as days since 1970-01-01 so stepping a day never touches DST. */
function localDayNumber(cal: CheckedCalendar, ms: number): number {
  const local = new TZDate(ms, cal.timeZone);
  return Date.UTC(local.getFullYear(), local.getMonth(), local.getDate()) / MS_PER_DAY;
}

function openingOn(cal: CheckedCalendar, dayNumber: number): Opening | null {
  const day = new Date(dayNumber * MS_PER_DAY);
  const isoWeekday = day.getUTCDay() || 7;
  if (!cal.workingDays.has(isoWeekday) || cal.holidays.has(day.toISOString().slice(0, 10))) return null;
  const [y, m, d] = [day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate()];
  // TZDate moves a local time that falls in a spring-forward gap forward by the gap, and picks
  // the later of two instants in a fall-back overlap; either way the span stays in local order.
  const open = new TZDate(y, m, d, cal.start.hours, cal.start.minutes, 0, 0, cal.timeZone).getTime();
  const close = new TZDate(y, m, d, cal.end.hours, cal.end.minutes, 0, 0, cal.timeZone).getTime();
  // The gap shift can carry the opening to or past the closing (e.g. 01:00–02:00 in London on
  // 2026-03-29): that day then has no business time at all.
  return close > open ? { open, close } : null;
}

/**
 * Openings that end after `fromMs`, in order, forever. Terminates per item because check()
 * guarantees at least one working day a week and holidays are a finite list.
 */
function* openingsAfter(cal: CheckedCalendar, fromMs: number): Generator<Opening, never, undefined> {
  for (let day = localDayNumber(cal, fromMs); ; day++) {
    const opening = openingOn(cal, day);
    if (opening && opening.close > fromMs) yield opening;
  }
}

function openingsBetween(cal: CheckedCalendar, fromMs: number, toMs: number): Opening[] {
  const clipped: Opening[] = [];
  if (toMs <= fromMs) return clipped;
  const openings = openingsAfter(cal, fromMs);
  for (;;) {
    const { open, close } = openings.next().value;
    if (open >= toMs) return clipped;
    clipped.push({ open: Math.max(open, fromMs), close: Math.min(close, toMs) });
  }
}

export function isBusinessTime(cal: BusinessCalendar, t: Date): boolean {
  const ms = epochMs(t, 't');
  return openingsAfter(check(cal), ms).next().value.open <= ms;
}

/** `t` itself when the business is open, otherwise the next opening. */
export function nextBusinessStart(cal: BusinessCalendar, t: Date): Date {
  const ms = epochMs(t, 't');
  return new Date(Math.max(openingsAfter(check(cal), ms).next().value.open, ms));
}

/** The first instant strictly after `t` at which isBusinessTime changes value. */
export function nextBusinessBoundary(cal: BusinessCalendar, t: Date): Date {
  const ms = epochMs(t, 't');
  const { open, close } = openingsAfter(check(cal), ms).next().value;
  return new Date(open > ms ? open : close);
}

/** Business time inside [from, to), in order; empty when to <= from. */
export function businessIntervals(cal: BusinessCalendar, from: Date, to: Date): Interval[] {
  return openingsBetween(check(cal), epochMs(from, 'from'), epochMs(to, 'to')).map(({ open, close }) => ({
    from: new Date(open),
    to: new Date(close),
  }));
}

/**
 * Business time from `from` onwards, unbounded and lazy, for callers that do not know in
 * advance how far they need to look (e.g. an SLA clock with pauses).
 */
export function businessIntervalsFrom(cal: BusinessCalendar, from: Date): IterableIterator<Interval> {
  const fromMs = epochMs(from, 'from');
  const openings = openingsAfter(check(cal), fromMs);
  return (function* () {
    for (;;) {
      const { open, close } = openings.next().value;
      yield { from: new Date(Math.max(open, fromMs)), to: new Date(close) };
    }
  })();
}

/** Exact (possibly fractional) business minutes in [from, to); 0 when to <= from. */
export function businessMinutesBetween(cal: BusinessCalendar, from: Date, to: Date): number {
  const openings = openingsBetween(check(cal), epochMs(from, 'from'), epochMs(to, 'to'));
  return openings.reduce((sum, { open, close }) => sum + close - open, 0) / MS_PER_MINUTE;
}

/**
 * The earliest instant by which `minutes` of business time have elapsed since `from`; counting
 * starts at the next opening when `from` is out of hours. The earliest instant means a duration
 * that ends exactly at closing time yields the closing time, not the next morning. Zero minutes
 * (after rounding to whole milliseconds) yields `from` unchanged even out of hours: nothing has
 * to elapse, and it keeps "due = start + 0" equal to the start.
 */
export function addBusinessMinutes(cal: BusinessCalendar, from: Date, minutes: number): Date {
  const checked = check(cal);
  const fromMs = epochMs(from, 'from');
  let remaining = minutesToMs(minutes);
  if (remaining === 0) return new Date(fromMs);
  const openings = openingsAfter(checked, fromMs);
  for (;;) {
    const { open, close } = openings.next().value;
    const start = Math.max(open, fromMs);
    if (remaining <= close - start) return new Date(start + remaining);
    remaining -= close - start;
  }
}
