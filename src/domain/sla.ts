import { businessIntervalsFrom } from './businessHours.js';
import type { BusinessCalendar } from './calendar.js';
import { epochMs, minutesToMs as toMs, MS_PER_MINUTE } from './instants.js';

export interface SlaPolicy {
  targetMinutes: number;
  /** false = the clock runs 24/7 in real (UTC) minutes, unaffected by DST. */
  businessHoursOnly: boolean;
}

/** A waiting-on-reporter window; `to: null` means the ticket is still paused. */
export interface Pause {
  from: Date;
  to: Date | null;
}

export interface SlaInput {
  startedAt: Date;
  policy: SlaPolicy;
  calendar: BusinessCalendar;
  pauses: Pause[];
}

export type SlaState = 'on_track' | 'at_risk' | 'breached' | 'paused';

/** [from, to) in epoch milliseconds; `to` may be Infinity. */
interface Span {
  from: number;
  to: number;
}

function minutesToMs(minutes: number): number {
  return toMs(minutes, 'SLA');
}

function checkFraction(fraction: number): number {
  if (!(fraction > 0 && fraction <= 1)) throw new RangeError(`SLA fraction must be in (0, 1], got ${fraction}`);
  return fraction;
}

/**
 * Pauses as sorted, disjoint spans, because records may overlap or be out of order.
 * Empty or inverted pauses (to <= from) are ignored rather than rejected: they stop no clock.
 */
function mergedPauses(pauses: Pause[]): Span[] {
  const spans = pauses
    .map((p) => ({ from: epochMs(p.from, 'pause.from'), to: p.to === null ? Infinity : epochMs(p.to, 'pause.to') }))
    .filter((s) => s.to > s.from)
    .sort((a, b) => a.from - b.from);
  const merged: Span[] = [];
  for (const span of spans) {
    const last = merged.at(-1);
    if (last && span.from <= last.to) last.to = Math.max(last.to, span.to);
    else merged.push(span);
  }
  return merged;
}

function* baseSpans(input: SlaInput, startMs: number): Generator<Span> {
  if (!input.policy.businessHoursOnly) {
    yield { from: startMs, to: Infinity };
    return;
  }
  for (const { from, to } of businessIntervalsFrom(input.calendar, input.startedAt)) {
    yield { from: from.getTime(), to: to.getTime() };
  }
}

/**
 * The spans during which the SLA clock runs, from startedAt onwards, in order. Unbounded,
 * unless an open pause stops the clock for good, in which case it ends at that pause.
 */
function* runningSpans(input: SlaInput): Generator<Span> {
  const pauses = mergedPauses(input.pauses);
  let next = 0;
  for (const span of baseSpans(input, epochMs(input.startedAt, 'startedAt'))) {
    let from = span.from;
    while (from < span.to) {
      let pause = pauses[next];
      while (pause && pause.to <= from) pause = pauses[++next];
      if (!pause || pause.from >= span.to) {
        yield { from, to: span.to };
        break;
      }
      if (pause.from > from) yield { from, to: pause.from };
      if (pause.to === Infinity) return;
      from = pause.to;
    }
  }
}

function countedMs(input: SlaInput, now: Date): number {
  const nowMs = epochMs(now, 'now');
  let total = 0;
  for (const span of runningSpans(input)) {
    if (span.from >= nowMs) break;
    total += Math.min(span.to, nowMs) - span.from;
  }
  return total;
}

function instantAtMs(input: SlaInput, ms: number): Date | null {
  // The clock has already shown zero at the start, even if a pause holds it from there on.
  if (ms === 0) return new Date(epochMs(input.startedAt, 'startedAt'));
  let remaining = ms;
  for (const span of runningSpans(input)) {
    if (remaining <= span.to - span.from) return new Date(span.from + remaining);
    remaining -= span.to - span.from;
  }
  return null;
}

/** SLA minutes consumed in [startedAt, now): wall-clock or business minutes, minus pauses. Exact, may be fractional. */
export function countedMinutes(input: SlaInput, now: Date): number {
  return countedMs(input, now) / MS_PER_MINUTE;
}

/**
 * The earliest instant at which counted time reaches `minutes`, taking only the listed pauses
 * into account; null when an open pause stops the clock before that. Minutes are rounded to
 * whole milliseconds.
 */
export function instantAtMinutes(input: SlaInput, minutes: number): Date | null {
  return instantAtMs(input, minutesToMs(minutes));
}

export function dueAt(input: SlaInput): Date | null {
  return instantAtMinutes(input, input.policy.targetMinutes);
}

export function reminderAt(input: SlaInput, fraction = 0.75): Date | null {
  return instantAtMinutes(input, input.policy.targetMinutes * checkFraction(fraction));
}

/**
 * A breach wins over a pause because counted time never decreases as `now` moves on. Any pause
 * covering `now` counts as paused, including a closed one that ends in the future.
 */
export function slaState(input: SlaInput, now: Date, atRiskFraction = 0.75): SlaState {
  const fraction = checkFraction(atRiskFraction);
  const counted = countedMs(input, now);
  const target = input.policy.targetMinutes;
  if (counted >= minutesToMs(target)) return 'breached';
  const nowMs = now.getTime();
  if (mergedPauses(input.pauses).some((p) => p.from <= nowMs && nowMs < p.to)) return 'paused';
  if (counted >= minutesToMs(target * fraction)) return 'at_risk';
  return 'on_track';
}

/** Negative once breached. Exact, may be fractional. */
export function minutesLeft(input: SlaInput, now: Date): number {
  return input.policy.targetMinutes - countedMinutes(input, now);
}

/**
 * Rounds to the nearest minute, then shows the two largest units, dropping (not rounding) the
 * rest: "45 min", "2 h 5 min", "1 d 3 h". A day is 24 hours. The sign is dropped so callers
 * can word negatives as "overdue by …".
 */
export function formatDuration(minutes: number): string {
  if (!Number.isFinite(minutes)) throw new RangeError(`Duration must be finite, got ${minutes}`);
  const total = Math.round(Math.abs(minutes));
  const days = Math.floor(total / 1440);
  const hours = Math.floor((total % 1440) / 60);
  const mins = total % 60;
  if (days > 0) return hours > 0 ? `${days} d ${hours} h` : `${days} d`;
  if (hours > 0) return mins > 0 ? `${hours} h ${mins} min` : `${hours} h`;
  return `${mins} min`;
}
