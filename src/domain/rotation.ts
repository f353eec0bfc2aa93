import { TZDate, tzOffset } from '@date-fns/tz';

export interface RotationMember {
  /** Slack user id. */
  user: string;
  /** Local "YYYY-MM-DD" on which the member joined (inclusive). */
  from?: string;
  /** Local "YYYY-MM-DD" on which the member left (exclusive). */
  until?: string;
}

export interface Rotation {
  /** "oncall" or "gardener:<squad>". */
  id: string;
  /** IANA zone in which `start` and `handoffs` are wall-clock times. */
  timeZone: string;
  /** In rotation order. */
  members: RotationMember[];
  /** Local "YYYY-MM-DD HH:mm" at which the first shift begins; the first active member holds it. */
  start: string;
  /** Weekly local handoff times such as "mon 09:00". */
  handoffs: string[];
}

/** Someone covers [from, to); among overlapping overrides the newest `createdAt` wins. */
export interface Override {
  id: string;
  user: string;
  from: Date;
  to: Date;
  createdAt: Date;
}

/** A time argument. Only a date means whole local days: `at` is its midnight, `dayEnd` the next. */
export interface TimeArg {
  at: Date;
  dayEnd?: Date;
}

/** A span [from, to) during which the same user holds the rotation for the same reason. */
export interface Duty {
  user: string | null;
  source: 'rotation' | 'override';
  from: Date;
  to: Date;
}

export interface HandoffTime {
  isoWeekday: number;
  hour: number;
  minute: number;
}

const MINUTE = 60_000;
const DAY = 1_440 * MINUTE;
const WEEK = 7 * DAY;
/** 1970-01-05 was a Monday; the weekly handoff grid is counted from it. */
const GRID_ORIGIN = 4 * DAY;
/** The extremes a Date can hold, standing in for "since ever" and "for ever". */
const MIN_MS = -8.64e15;
const MAX_MS = 8.64e15;
/**
 * How far ahead change searches look per step. Any window this long that starts after the last
 * override and membership change contains a handoff, so finding no change in it proves there
 * are no more.
 */
const SEARCH_STEP = 4 * WEEK;
const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

export function parseHandoff(spec: string): HandoffTime {
  const match = /^\s*([a-z]{3})\s+(\d{1,2}):(\d{2})\s*$/i.exec(spec);
  const isoWeekday = match ? WEEKDAYS.indexOf(match[1]!.toLowerCase()) + 1 : 0;
  const hour = Number(match?.[2]);
  const minute = Number(match?.[3]);
  if (isoWeekday === 0 || !(hour <= 23) || !(minute <= 59)) {
    throw new Error(`invalid handoff "${spec}": expected "<mon|tue|wed|thu|fri|sat|sun> HH:mm", e.g. "mon 09:00"`);
  }
  return { isoWeekday, hour, minute };
}

/*
 * Wall-clock arithmetic happens on "local milliseconds": the local date and time read as if it
 * were UTC. Counting handoffs on that scale keeps a "mon 09:00" handoff at 09:00 local across DST
 * changes; only the final conversion to an instant knows about the zone.
 */

function toLocal(t: number, timeZone: string): number {
  return t + tzOffset(timeZone, new Date(t)) * MINUTE;
}

function fromLocal(local: number, timeZone: string): number {
  const d = new Date(local);
  // TZDate moves a time in a spring-forward gap forward and takes the later instant of a
  // fall-back overlap, so the mapping never runs backwards.
  return new TZDate(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes(), 0, 0, timeZone).getTime();
}

function localDate(t: number, timeZone: string): string {
  return new Date(toLocal(t, timeZone)).toISOString().slice(0, 10);
}

function parseLocal(value: string, withTime: boolean): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})(?: (\d{2}):(\d{2}))?$/.exec(value);
  const local = match && Date.UTC(+match[1]!, +match[2]! - 1, +match[3]!, +(match[4] ?? 0), +(match[5] ?? 0));
  const canonical =
    local === null
      ? ''
      : new Date(local)
          .toISOString()
          .replace('T', ' ')
          .slice(0, withTime ? 16 : 10);
  // Round-tripping rejects impossible dates such as 2026-02-30, which Date.UTC would roll over.
  if (local === null || canonical !== value) {
    throw new Error(`invalid local ${withTime ? 'date-time' : 'date'} "${value}": expected "YYYY-MM-DD${withTime ? ' HH:mm' : ''}"`);
  }
  return local;
}

/**
 * The instant of a local "YYYY-MM-DD HH:mm", or "YYYY-MM-DD" meaning midnight, in `timeZone`,
 * by the same rules as a rotation's start (so config and commands read times alike). Throws a
 * readable error for anything else, impossible dates included.
 */
export function localInstant(value: string, timeZone: string): Date {
  return new Date(fromLocal(parseLocal(value, value.length > 10), timeZone));
}

function isActive(member: RotationMember, date: string): boolean {
  return (member.from === undefined || member.from <= date) && (member.until === undefined || date < member.until);
}

/** The rotation's shift timetable and holders, without overrides. Positions index `members`. */
interface Schedule {
  start: number;
  /** Instant at which shift k begins. */
  boundary(k: number): number;
  /** Index of the shift holding instant t; -1 before start. */
  shiftAt(t: number): number;
  holder(k: number): number | null;
  /** Instant from which the set of active members no longer changes. */
  settledFrom: number;
}

/**
 * Shift 0 runs from `start` to the first handoff strictly after it; shift k > 0 runs between
 * consecutive handoffs. Holders follow one rule: each shift goes to the next member after the
 * previous shift's holder, in list order and wrapping round, who is active on the local date
 * the shift begins. Joining or leaving therefore only affects the shifts in which that member
 * would be or is reached, instead of renumbering everyone after the change. While the active set
 * is constant holders just cycle through it, so they are computed per stretch of constant
 * membership rather than shift by shift, and the schedule is as cheap years after start as at it.
 */
function compile(rotation: Rotation): Schedule {
  const { timeZone, members } = rotation;
  const offsets = [
    ...new Set(
      rotation.handoffs.map((spec) => {
        const { isoWeekday, hour, minute } = parseHandoff(spec);
        return (isoWeekday - 1) * DAY + (hour * 60 + minute) * MINUTE;
      }),
    ),
  ].sort((a, b) => a - b);
  const perWeek = offsets.length;
  const startLocal = parseLocal(rotation.start, true);
  const start = fromLocal(startLocal, timeZone);
  if (Number.isNaN(start)) throw new Error(`rotation ${rotation.id}: unknown time zone "${timeZone}"`);

  const handoffsUpTo = (local: number): number => {
    const sinceOrigin = local - GRID_ORIGIN;
    const weeks = Math.floor(sinceOrigin / WEEK);
    const intoWeek = sinceOrigin - weeks * WEEK;
    return weeks * perWeek + offsets.filter((o) => o <= intoWeek).length;
  };
  const firstAfterStart = handoffsUpTo(startLocal);

  const boundary = (k: number): number => {
    if (k <= 0) return start;
    // Without handoffs the first shift never ends.
    if (perWeek === 0) return MAX_MS;
    const n = firstAfterStart + k - 1;
    const weeks = Math.floor(n / perWeek);
    return fromLocal(GRID_ORIGIN + weeks * WEEK + offsets[n - weeks * perWeek]!, timeZone);
  };

  const shiftAt = (t: number): number => {
    if (t < start) return -1;
    // Counting on the local scale is exact except within a fall-back hour, which the
    // comparisons against real instants correct.
    let k = handoffsUpTo(toLocal(t, timeZone)) - firstAfterStart;
    while (boundary(k + 1) <= t) k++;
    while (k > 0 && boundary(k) > t) k--;
    return k;
  };

  const firstShiftFrom = (date: string): number => {
    const midnight = fromLocal(parseLocal(date, false), timeZone);
    const k = shiftAt(midnight);
    return k >= 0 && boundary(k) === midnight ? k : k + 1;
  };
  const changeShifts = new Set(
    members
      .flatMap((m) => [m.from, m.until])
      .filter((date) => date !== undefined)
      .map(firstShiftFrom)
      .filter((k) => k > 0 && boundary(k) < MAX_MS),
  );
  const stretches = [0, ...[...changeShifts].sort((a, b) => a - b)].map((first) => {
    const date = localDate(boundary(first), timeZone);
    const active = members.flatMap((m, position) => (isActive(m, date) ? [position] : []));
    return { first, active };
  });

  const holder = (k: number): number | null => {
    let previous = -1;
    for (let i = 0; i < stretches.length; i++) {
      const { first, active } = stretches[i]!;
      const end = stretches[i + 1]?.first ?? Infinity;
      if (active.length === 0) {
        if (k < end) return null;
        continue;
      }
      const after = active.findIndex((position) => position > previous);
      const offset = Math.max(0, after);
      const at = (shift: number): number => active[(offset + shift - first) % active.length]!;
      if (k < end) return at(k);
      previous = at(end - 1);
    }
    return null;
  };

  return { start, boundary, shiftAt, holder, settledFrom: boundary(stretches[stretches.length - 1]!.first) };
}

interface Span {
  user: string | null;
  source: Duty['source'];
  from: number;
  to: number;
}

interface RankedOverride {
  user: string;
  from: number;
  to: number;
}

/** Oldest first, so the last override covering an instant is the one in force. */
function rank(overrides: Override[]): RankedOverride[] {
  return (
    overrides
      .map((o, index) => ({ user: o.user, from: o.from.getTime(), to: o.to.getTime(), created: o.createdAt.getTime(), index }))
      .filter((o) => o.from < o.to)
      // Equal createdAt: the later entry wins, so re-saving the same list is deterministic.
      .sort((a, b) => a.created - b.created || a.index - b.index)
      .map(({ user, from, to }) => ({ user, from, to }))
  );
}

function inForce(ranked: RankedOverride[], t: number): number {
  for (let i = ranked.length - 1; i >= 0; i--) {
    const o = ranked[i]!;
    if (o.from <= t && t < o.to) return i;
  }
  return -1;
}

function userAt(rotation: Rotation, position: number | null): string | null {
  return position === null ? null : rotation.members[position]!.user;
}

function toDuty(span: Span): Duty {
  return { user: span.user, source: span.source, from: new Date(span.from), to: new Date(span.to) };
}

function dutyAtMs(rotation: Rotation, schedule: Schedule, ranked: RankedOverride[], t: number): Span {
  const winner = inForce(ranked, t);
  let span: Span;
  let cutters: RankedOverride[];
  if (winner >= 0) {
    const o = ranked[winner]!;
    span = { user: o.user, source: 'override', from: o.from, to: o.to };
    // Older overrides are hidden while this one lasts; only newer ones can interrupt it.
    cutters = ranked.slice(winner + 1);
  } else {
    const k = schedule.shiftAt(t);
    span =
      k < 0
        ? { user: null, source: 'rotation', from: MIN_MS, to: schedule.start }
        : { user: userAt(rotation, schedule.holder(k)), source: 'rotation', from: schedule.boundary(k), to: schedule.boundary(k + 1) };
    cutters = ranked;
  }
  for (const o of cutters) {
    for (const edge of [o.from, o.to]) {
      if (edge <= t && edge > span.from) span.from = edge;
      if (edge > t && edge < span.to) span.to = edge;
    }
  }
  return span;
}

function pushMerged(spans: Span[], next: Span): void {
  const last = spans[spans.length - 1];
  if (last && last.user === next.user && last.source === next.source && last.to === next.from) last.to = next.to;
  else spans.push(next);
}

function segmentsMs(rotation: Rotation, schedule: Schedule, ranked: RankedOverride[], from: number, to: number): Span[] {
  if (!(from < to)) return [];
  const base: Span[] = [];
  if (from < schedule.start) base.push({ user: null, source: 'rotation', from, to: Math.min(to, schedule.start) });
  for (let k = Math.max(schedule.shiftAt(from), 0); ; k++) {
    const a = Math.max(schedule.boundary(k), from);
    if (!(a < to)) break;
    const b = Math.min(schedule.boundary(k + 1), to);
    if (a < b) base.push({ user: userAt(rotation, schedule.holder(k)), source: 'rotation', from: a, to: b });
  }

  const cuts = new Set([from, to, ...base.map((s) => s.from)]);
  for (const o of ranked) {
    for (const edge of [o.from, o.to]) if (from < edge && edge < to) cuts.add(edge);
  }
  const points = [...cuts].sort((a, b) => a - b);
  const spans: Span[] = [];
  let b = 0;
  for (let i = 0; i + 1 < points.length; i++) {
    const [a, z] = [points[i]!, points[i + 1]!];
    while (base[b]!.to <= a) b++;
    const winner = inForce(ranked, a);
    const piece: Span =
      winner >= 0
        ? { user: ranked[winner]!.user, source: 'override', from: a, to: z }
        : { user: base[b]!.user, source: 'rotation', from: a, to: z };
    pushMerged(spans, piece);
  }
  return spans;
}

interface Change {
  at: number;
  user: string | null;
  previous: string | null;
}

/** Instants in (after, until] at which the user on duty changes, in order. */
function* changes(rotation: Rotation, overrides: Override[], after: number, until: number): Generator<Change> {
  const schedule = compile(rotation);
  const ranked = rank(overrides);
  const quietFrom = Math.max(schedule.start, schedule.settledFrom, ...ranked.map((o) => o.to));
  let previous: string | null | undefined;
  for (let from = after; from <= until; ) {
    const to = Math.min(from + SEARCH_STEP, until + 1);
    let changed = false;
    for (const span of segmentsMs(rotation, schedule, ranked, from, to)) {
      if (previous !== undefined && span.user !== previous) {
        yield { at: span.from, user: span.user, previous };
        changed = true;
      }
      previous = span.user;
    }
    if (!changed && from >= quietFrom) return;
    from = to;
  }
}

/**
 * Who holds the rotation at `t`, with the bounds of that constant stretch: the current shift
 * (or override) cut by any override edge. Unlike dutySegments, consecutive shifts held by the
 * same person are not merged here. Before `start`, or with nobody active, user is null;
 * an open-ended side is the earliest/latest representable Date.
 */
export function dutyAt(rotation: Rotation, overrides: Override[], t: Date): Duty {
  return toDuty(dutyAtMs(rotation, compile(rotation), rank(overrides), t.getTime()));
}

/** Consecutive segments covering [from, to) with overrides applied; neighbours with the same user and source are merged. */
export function dutySegments(rotation: Rotation, overrides: Override[], from: Date, to: Date): Duty[] {
  return segmentsMs(rotation, compile(rotation), rank(overrides), from.getTime(), to.getTime()).map(toDuty);
}

/**
 * The next `count` instants strictly after `t` at which the person on duty changes, whether by
 * handoff or by an override starting or ending. An override that hands duty to the person who
 * already holds it is not a change.
 */
export function nextHandoffs(rotation: Rotation, overrides: Override[], t: Date, count: number): Array<{ at: Date; user: string | null }> {
  const result: Array<{ at: Date; user: string | null }> = [];
  if (count <= 0) return result;
  for (const change of changes(rotation, overrides, t.getTime(), MAX_MS - 1)) {
    result.push({ at: new Date(change.at), user: change.user });
    if (result.length >= count) break;
  }
  return result;
}

/** Changes of the person on duty in (from, to], e.g. the handoffs missed while the bot was down. */
export function handoffsBetween(
  rotation: Rotation,
  overrides: Override[],
  from: Date,
  to: Date,
): Array<{ at: Date; user: string | null; previous: string | null }> {
  return [...changes(rotation, overrides, from.getTime(), to.getTime())].map((c) => ({ ...c, at: new Date(c.at) }));
}

/**
 * Whom to page at `t`, in order: the person on duty, then the members active at `t` in rotation
 * order starting after the scheduled holder. When an override is in force the covered holder
 * therefore comes last, as the one least likely to be available.
 */
export function escalationChain(rotation: Rotation, overrides: Override[], t: Date, length: number): string[] {
  const schedule = compile(rotation);
  const at = t.getTime();
  const { members } = rotation;
  const k = schedule.shiftAt(at);
  const scheduled = (k < 0 ? null : schedule.holder(k)) ?? -1;
  const date = localDate(at, rotation.timeZone);
  const following = members
    .map((_, i) => members[(scheduled + 1 + i) % members.length]!)
    .filter((m) => isActive(m, date))
    .map((m) => m.user);
  const onDuty = dutyAtMs(rotation, schedule, rank(overrides), at).user;
  const chain = new Set(onDuty === null ? following : [onDuty, ...following]);
  return [...chain].slice(0, Math.max(length, 0));
}
