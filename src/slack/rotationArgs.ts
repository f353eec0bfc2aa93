// The words after `/support cover|cover-me|swap|oncall-pay`, read into values. Pure: "now" and the time zone
// are passed in, and every failure is a sentence the caller can show next to the usage line.
import { TZDate } from '@date-fns/tz';
import { fail, ok, type Result } from '../domain/result.js';
import { localInstant, type TimeArg } from '../domain/rotation.js';
import { escapeMrkdwn } from '../messages/text.js';

type Parsed<T> = Result<T>;

export interface CoverArgs {
  userId: string;
  from: Date;
  to: Date;
  squad?: string;
}

export interface SwapArgs {
  a: string;
  b: string;
  at: TimeArg;
  squad?: string;
}

const quote = (word: string) => `\`${escapeMrkdwn(word.slice(0, 60))}\``;

/** Words, keeping a mention whose label holds spaces (`<@U1|Ada Lovelace>`) as one word. */
export function words(args: string): string[] {
  return args.match(/<[^>]*>|\S+/g) ?? [];
}

/** The user id of a mention as Slack sends it with escaping on: `<@U123|name>` or `<@U123>`. */
export function mentionedUser(word: string | undefined): Parsed<string> {
  const match = word === undefined ? null : /^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$/.exec(word);
  if (match) return ok(match[1]!);
  if (word === undefined) return fail('Mention the person with @.');
  // Unescaped text means Slack sent a name, not an id; a name cannot be resolved reliably.
  return fail(`${quote(word)} is not a mention; type @ and pick the person from the list.`);
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const TIME = /^\d{1,2}:\d{2}$/;

/** The local date after `date` ("YYYY-MM-DD"), by calendar, not by 24 hours. */
function nextDate(date: string): string {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y!, m! - 1, d! + 1)).toISOString().slice(0, 10);
}

/** Reads `now`, `YYYY-MM-DD` or `YYYY-MM-DD HH:mm` (two words) starting at ws[i]. */
function readTime(ws: string[], i: number, now: Date, timeZone: string): Parsed<{ time: TimeArg; next: number }> {
  const word = ws[i];
  if (word === undefined) return fail('A time is missing.');
  if (word.toLowerCase() === 'now') return ok({ time: { at: now }, next: i + 1 });
  if (!DATE.test(word)) return fail(`${quote(word)} is not a time; use \`now\`, \`YYYY-MM-DD\` or \`YYYY-MM-DD HH:mm\`.`);
  const clock = ws[i + 1];
  const withTime = clock !== undefined && TIME.test(clock);
  const text = withTime ? `${word} ${clock.padStart(5, '0')}` : word;
  try {
    const at = localInstant(text, timeZone);
    const time = withTime ? { at } : { at, dayEnd: localInstant(nextDate(word), timeZone) };
    return ok({ time, next: i + (withTime ? 2 : 1) });
  } catch {
    return fail(`${quote(text)} is not a real date and time.`);
  }
}

/** At most one trailing word, the squad; anything more is a mistake worth pointing out. */
function readSquad(ws: string[], i: number): Parsed<string | undefined> {
  if (ws.length > i + 1) return fail(`I did not understand ${quote(ws.slice(i + 1).join(' '))}.`);
  return ok(ws[i]?.toLowerCase());
}

export type WindowArgs = Omit<CoverArgs, 'userId'>;

/** `<from> <to> [squad]` from ws[i] on; a date-only `to` includes that whole day. */
function readWindow(ws: string[], i: number, now: Date, timeZone: string): Parsed<WindowArgs> {
  const from = readTime(ws, i, now, timeZone);
  if (!from.ok) return from;
  const to = readTime(ws, from.value.next, now, timeZone);
  if (!to.ok) return to;
  const end = to.value.time.dayEnd ?? to.value.time.at;
  if (end <= from.value.time.at) return fail('The end must be after the start.');
  const squad = readSquad(ws, to.value.next);
  if (!squad.ok) return squad;
  return ok({ from: from.value.time.at, to: end, ...(squad.value ? { squad: squad.value } : {}) });
}

/** `@person <from> <to> [squad]`. */
export function parseCover(args: string, now: Date, timeZone: string): Parsed<CoverArgs> {
  const ws = words(args);
  const user = mentionedUser(ws[0]);
  if (!user.ok) return user;
  const window = readWindow(ws, 1, now, timeZone);
  return window.ok ? ok({ userId: user.value, ...window.value }) : window;
}

/** `<from> <to> [squad]` of `/support cover-me`. */
export function parseCoverMe(args: string, now: Date, timeZone: string): Parsed<WindowArgs> {
  return readWindow(words(args), 0, now, timeZone);
}

/** `@a @b <date> [squad]`. */
export function parseSwap(args: string, now: Date, timeZone: string): Parsed<SwapArgs> {
  const ws = words(args);
  const a = mentionedUser(ws[0]);
  if (!a.ok) return a;
  const b = mentionedUser(ws[1]);
  if (!b.ok) return b;
  if (a.value === b.value) return fail('Name two different people.');
  const at = readTime(ws, 2, now, timeZone);
  if (!at.ok) return at;
  const squad = readSquad(ws, at.value.next);
  if (!squad.ok) return squad;
  return ok({ a: a.value, b: b.value, at: at.value.time, ...(squad.value ? { squad: squad.value } : {}) });
}

/** `YYYY-MM`, or by default the last complete month in `timeZone` (what payroll asks for). */
export function parseMonth(args: string, now: Date, timeZone: string): Parsed<string> {
  const word = args.trim();
  if (word === '') {
    const local = new TZDate(now.getTime(), timeZone);
    const previous = new Date(Date.UTC(local.getFullYear(), local.getMonth() - 1, 1));
    return ok(previous.toISOString().slice(0, 7));
  }
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(word)) return fail(`${quote(word)} is not a month; use \`YYYY-MM\`, e.g. \`2026-11\`.`);
  return ok(word);
}
