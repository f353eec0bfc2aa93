// Small helpers for Slack text: user input is escaped and cut to Block Kit's limits.
import type { KnownBlock } from '@slack/types';
import { graphemes, withoutDirectionControls } from '../domain/typedText.js';

/** A Slack message as the builders make it: the text alone reads well in notifications. */
export interface Message {
  text: string;
  blocks?: KnownBlock[];
}

/**
 * The one escaping function for text a person wrote, wherever it lands (message text, mrkdwn,
 * plain_text, DMs, modals): `&`, `<` and `>` become entities, so `<!channel>`, `<@U…>` and
 * `<url|label>` stay words, and direction overrides are dropped so text shows in the order it was
 * typed. `*`, `_`, `~` and backticks have no escape in mrkdwn: text that must show exactly as typed
 * goes into plain_text (see userPlain / userSections).
 */
export function escapeMrkdwn(text: string): string {
  return withoutDirectionControls(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * Escapes, then cuts to `maxVisible` characters as people count them and to `maxChars` as Slack
 * counts the escaped result (UTF-16 units, the stricter reading of its limits), whichever comes
 * first, with an ellipsis. Cuts fall between characters, so no entity or emoji is ever split.
 */
export function userText(raw: string, maxVisible: number, maxChars = 3000): string {
  const pieces = graphemes(raw).map(escapeMrkdwn);
  const whole = pieces.join('');
  if (pieces.length <= maxVisible && whole.length <= maxChars) return whole;
  let out = '';
  for (const [i, piece] of pieces.entries()) {
    if (i + 1 >= maxVisible || out.length + piece.length + 1 > maxChars) break;
    out += piece;
  }
  return `${out}…`;
}

/**
 * Escaped user text spread over pieces of at most `maxChars` each (e.g. one section block each),
 * so a long text is shown whole however much escaping grows it. Pieces break after a line or a
 * space near the end when there is one, else between two characters.
 */
export function userChunks(raw: string, maxChars: number): string[] {
  const chunks: string[] = [];
  let current = '';
  for (const piece of graphemes(raw).map(escapeMrkdwn)) {
    if (current.length + piece.length > maxChars) {
      const soft = Math.max(current.lastIndexOf('\n'), current.lastIndexOf(' '));
      const at = soft >= maxChars * 0.8 ? soft + 1 : current.length;
      chunks.push(current.slice(0, at));
      current = current.slice(at);
    }
    current += piece;
  }
  if (current || !chunks.length) chunks.push(current);
  return chunks;
}

/** Cuts text the bot built (user parts already escaped) to `max` characters with an ellipsis, never inside an entity or a character. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = '';
  for (const g of graphemes(text)) {
    if (cut.length + g.length > max - 1) break;
    cut += g;
  }
  cut = cut.replace(/&[a-z]{0,4}$/, '');
  return `${cut}…`;
}

/** Slack refuses section text over 3000 characters; a margin stays for what the bot adds. */
export const SECTION_CHARS = 2900;

export function mention(userId: string | null | undefined, none = '_nobody_'): string {
  return userId ? `<@${userId}>` : none;
}

// One formatter per zone: building one costs far more than formatting, and an SLA pass formats a
// due time for each of up to a hundred reminders.
const fallbackFormats = new Map<string, Intl.DateTimeFormat>();

/** "Tue 24 Nov 18:00 GMT": a time in the company zone (Slack fallbacks, the status page). */
export function localTime(at: Date, timeZone: string): string {
  let format = fallbackFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      weekday: 'short',
      day: 'numeric',
      month: 'short',
      hour: '2-digit',
      minute: '2-digit',
      timeZoneName: 'short',
    });
    fallbackFormats.set(timeZone, format);
  }
  return format.format(at).replace(',', '');
}

/** A time shown in each reader's own zone by Slack, with the company zone as fallback text. */
export function slackDate(at: Date, timeZone: string): string {
  return `<!date^${Math.floor(at.getTime() / 1000)}^{date_short_pretty} {time}|${localTime(at, timeZone)}>`;
}

export function plain(text: string, max = 3000): { type: 'plain_text'; text: string; emoji: true } {
  return { type: 'plain_text', text: truncate(text, max), emoji: true };
}

/** A person's text as plain_text: shown exactly as typed, formatting characters included. */
export function userPlain(raw: string, maxVisible: number, maxChars = maxVisible): { type: 'plain_text'; text: string; emoji: true } {
  return { type: 'plain_text', text: userText(raw, maxVisible, maxChars), emoji: true };
}

/** A person's long text as consecutive plain_text sections, shown whole. */
export function userSections(raw: string, blockId: string): KnownBlock[] {
  return userChunks(raw, SECTION_CHARS).map((text, i) => ({
    type: 'section',
    block_id: i === 0 ? blockId : `${blockId}_${i + 1}`,
    text: { type: 'plain_text', text: text || ' ', emoji: true },
  }));
}

export function mrkdwn(text: string, max = 3000): { type: 'mrkdwn'; text: string } {
  return { type: 'mrkdwn', text: truncate(text, max) };
}
