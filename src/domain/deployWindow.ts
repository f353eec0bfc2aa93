// Deploy windows: weekly ranges agreed with support, written like the rotations' handoffs
// ("mon-thu 10:00-16:00", "fri 10:00-12:00") and read as wall-clock times in the config's zone, so a
// window keeps its local hours across DST changes. Windows record and show; they never block.
import { TZDate } from '@date-fns/tz';
import { fail, ok, type Result } from './result.js';
import { parseHandoff } from './rotation.js';

export interface DeployWindow {
  /** ISO weekdays (1 = Monday … 7 = Sunday) the window is open on. */
  days: number[];
  /** Minutes after local midnight: [start, end). */
  start: number;
  end: number;
}

const DAY_NAMES = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const SYNTAX = 'expected "<day>[-<day>] HH:mm-HH:mm", e.g. "mon-thu 10:00-16:00"';

/** Reads "mon-thu 10:00-16:00" or "fri 10:00-12:00"; a day range may wrap ("sat-mon"). */
export function parseDeployWindow(spec: string): Result<DeployWindow> {
  const m = /^\s*([a-z]{3})(?:\s*-\s*([a-z]{3}))?\s+(\d{1,2}:\d{2})\s*-\s*(\d{1,2}:\d{2})\s*$/i.exec(spec);
  if (!m) return fail(`invalid deploy window "${spec}": ${SYNTAX}`);
  const [, firstDay, lastDay = firstDay, from, to] = m;
  // The handoff parser knows day names and local times; a window is two such points.
  let first: ReturnType<typeof parseHandoff>;
  let last: ReturnType<typeof parseHandoff>;
  try {
    first = parseHandoff(`${firstDay} ${from}`);
    last = parseHandoff(`${lastDay} ${to}`);
  } catch {
    return fail(`invalid deploy window "${spec}": ${SYNTAX}`);
  }
  const start = first.hour * 60 + first.minute;
  const end = last.hour * 60 + last.minute;
  if (end <= start) return fail(`invalid deploy window "${spec}": the end time must be after the start time on the same day`);
  const days: number[] = [];
  for (let d = first.isoWeekday; ; d = (d % 7) + 1) {
    days.push(d);
    if (d === last.isoWeekday) break;
  }
  return ok({ days, start, end });
}

/** True when no window is configured (every time is inside) or `at` falls in one of them. */
export function insideDeployWindows(windows: DeployWindow[], at: Date, timeZone: string): boolean {
  if (!windows.length) return true;
  const local = new TZDate(at.getTime(), timeZone);
  const isoWeekday = ((local.getDay() + 6) % 7) + 1;
  const minute = local.getHours() * 60 + local.getMinutes();
  return windows.some((w) => w.days.includes(isoWeekday) && minute >= w.start && minute < w.end);
}

const hhmm = (minutes: number) => `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

/** "Mon–Thu 10:00–16:00" (typographic dashes, as people write it). */
export function formatDeployWindow(w: DeployWindow): string {
  const first = DAY_NAMES[w.days[0]! - 1]!;
  const last = DAY_NAMES[w.days.at(-1)! - 1]!;
  return `${w.days.length > 1 ? `${first}–${last}` : first} ${hhmm(w.start)}–${hhmm(w.end)}`;
}

/** All windows of a service in one phrase: "Mon–Thu 10:00–16:00, Fri 10:00–12:00". */
export function formatDeployWindows(windows: DeployWindow[]): string {
  return windows.map(formatDeployWindow).join(', ');
}
