// Block Kit as plain text for a terminal (`npm run demo` prints the report with it): a header
// underlined, sections and context lines as they read in Slack — mrkdwn's *bold* dropped, Slack's
// <!date^…|fallback>, <@U…> and <url|label> written as what they stand for, entities decoded.
import type { KnownBlock } from '@slack/types';

export function mrkdwnToPlain(text: string): string {
  return text
    .replace(/<!date\^\d+\^[^|>]*\|([^>]*)>/g, '$1')
    .replace(/<@([UW][A-Z0-9]+)>/g, '@$1')
    .replace(/<(https?:[^|>]+)\|([^>]+)>/g, '$2 ($1)')
    .replace(/<(https?:[^>]+)>/g, '$1')
    .replace(/\*([^*\n]+)\*/g, '$1')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

export function blocksToPlain(blocks: KnownBlock[]): string {
  const out: string[] = [];
  for (const block of blocks) {
    if (block.type === 'header') out.push(block.text.text, '='.repeat(block.text.text.length));
    else if (block.type === 'section' && block.text) out.push(mrkdwnToPlain(block.text.text), '');
    else if (block.type === 'context') out.push(block.elements.map((e) => ('text' in e ? mrkdwnToPlain(e.text) : '')).join(' '), '');
    else if (block.type === 'divider') out.push('');
  }
  return out.join('\n').trimEnd();
}
