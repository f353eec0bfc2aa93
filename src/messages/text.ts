// Small helpers for Slack text: user input is escaped and cut to Block Kit's limits.
import type { KnownBlock } from '@slack/types';

/** A Slack message as the builders make it: the text alone reads well in notifications. */
export interface Message {
  text: string;
  blocks?: KnownBlock[];
}

/** Escapes what Slack would read as markup, so user text shows verbatim. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Cuts to `max` characters with an ellipsis, never splitting an escape sequence. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = text.slice(0, max - 1);
  cut = cut.replace(/&[a-z]{0,4}$/, '');
  return `${cut}…`;
}

export function mention(userId: string | null | undefined, none = '_nobody_'): string {
  return userId ? `<@${userId}>` : none;
}

// One formatter per zone: building one costs far more than formatting, and an SLA pass formats a
// due time for each of up to a hundred reminders.
const fallbackFormats = new Map<string, Intl.DateTimeFormat>();

/** A time shown in each reader's own zone by Slack, with the company zone as fallback text. */
export function slackDate(at: Date, timeZone: string): string {
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
  const fallback = format.format(at).replace(',', '');
  return `<!date^${Math.floor(at.getTime() / 1000)}^{date_short_pretty} {time}|${fallback}>`;
}

export function plain(text: string, max = 3000): { type: 'plain_text'; text: string; emoji: true } {
  return { type: 'plain_text', text: truncate(text, max), emoji: true };
}

export function mrkdwn(text: string, max = 3000): { type: 'mrkdwn'; text: string } {
  return { type: 'mrkdwn', text: truncate(text, max) };
}
