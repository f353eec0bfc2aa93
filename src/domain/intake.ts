// Turning a Slack message into a ticket draft (the "Create support ticket" message shortcut), and
// the rules of marking a ticket as a duplicate of another.
import { cutGraphemes } from './typedText.js';
import { fail, ok, type Result } from './result.js';
import { LIMITS } from './ticket.js';

/** Where a ticket came from: the message the shortcut was used on. */
export interface SourceMessage {
  channelId: string;
  ts: string;
  /** The thread to answer in: the message's own thread, or the message itself. */
  threadTs: string;
  permalink: string;
}

/** The source message the ticket form carries in its private_metadata, if it is well formed. */
export function sourceFromMetadata(privateMetadata: string): SourceMessage | null {
  try {
    const s = (JSON.parse(privateMetadata) as { source?: Partial<Record<keyof SourceMessage, unknown>> }).source;
    if (!s) return null;
    const { channelId, ts, threadTs, permalink } = s;
    if (typeof channelId !== 'string' || typeof ts !== 'string' || typeof threadTs !== 'string' || typeof permalink !== 'string')
      return null;
    return { channelId, ts, threadTs, permalink };
  } catch {
    return null;
  }
}

/**
 * A message's text as a person reads it: Slack's markup (`<@U1>`, `<#C1|name>`, `<url|label>`,
 * `<!here>`, entities) becomes plain words, because the form shows it as plain text and the
 * ticket escapes it again when shown.
 */
export function readableText(slackText: string): string {
  return slackText
    .replace(/<([^<>|]+)(?:\|([^<>]*))?>/g, (_all, target: string, label: string | undefined) => {
      if (target.startsWith('@')) return label ? `@${label}` : target;
      if (target.startsWith('#')) return label ? `#${label}` : target;
      if (target.startsWith('!')) return `@${(label ?? target.slice(1)).replace(/^@/, '').split('^')[0]}`;
      return label && label !== target ? `${label} (${target})` : target;
    })
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** The form's pre-filled title and description: the first line (cut), and the whole text (cut). */
export function draftFromMessage(slackText: string): { title: string; description: string } {
  const text = readableText(slackText).trim();
  const firstLine = text.split('\n').find((line) => line.trim()) ?? '';
  return {
    title: cutGraphemes(firstLine.trim(), LIMITS.title),
    description: cutGraphemes(text, LIMITS.description),
  };
}

/** The link Slack would give for a message, for when chat.getPermalink cannot be asked. */
export function builtPermalink(workspaceDomain: string, channelId: string, ts: string): string {
  return `https://${workspaceDomain}.slack.com/archives/${channelId}/p${ts.replace('.', '')}`;
}

/** A ticket number as people type it: "142" or "#142". */
export function parseTicketNumber(raw: string | null | undefined): Result<number> {
  const text = (raw ?? '').trim().replace(/^#/, '');
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n) || n <= 0) return fail('Type the number of the original ticket, such as 142.');
  return ok(n);
}

/** The ticket facts the duplicate rules look at. */
export interface DuplicateCandidate {
  id: number;
  duplicateOfId: number | null;
}

/**
 * Whether `ticket` may be marked as a duplicate of `original` (null: no such ticket). No chains:
 * the original must not be a duplicate itself, and the ticket must not be the original of others.
 */
export function checkDuplicate(
  ticket: DuplicateCandidate,
  originalId: number,
  original: DuplicateCandidate | null,
  duplicatesOfTicket: number[],
): Result<number> {
  if (originalId === ticket.id) return fail(`That is #${ticket.id} itself; type the number of the ticket it duplicates.`);
  if (!original) return fail(`There is no ticket #${originalId}.`);
  if (original.duplicateOfId !== null)
    return fail(
      `#${original.id} is itself a duplicate of #${original.duplicateOfId}; mark this one as a duplicate of #${original.duplicateOfId}.`,
    );
  if (duplicatesOfTicket.length)
    return fail(
      `${duplicatesOfTicket.map((id) => `#${id}`).join(', ')} ${duplicatesOfTicket.length === 1 ? 'is a duplicate' : 'are duplicates'} of #${ticket.id}; a ticket with duplicates cannot become one.`,
    );
  return ok(original.id);
}
