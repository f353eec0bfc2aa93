// What people type, measured and checked the way they see it. Pure: the form validators and the
// message builders share these, so a limit means the same thing in the form and in the message.

const segmenter = new Intl.Segmenter('en', { granularity: 'grapheme' });

/** The characters a person sees: an emoji, a flag or a letter with its accents is one. */
export function graphemes(text: string): string[] {
  return Array.from(segmenter.segment(text), (s) => s.segment);
}

/** Length as people count it (JavaScript's `length` counts an emoji as two or more). */
export function visibleLength(text: string): number {
  let n = 0;
  for (const _ of segmenter.segment(text)) n++;
  return n;
}

/**
 * Direction overrides and isolates (U+202A–U+202E, U+2066–U+2069) make text display in another
 * order than it is stored ("gpj.exe" shown as "exe.jpg"); nobody needs them in a ticket. Other
 * invisible characters stay: the zero-width joiner builds emoji and, like the non-joiner, is needed
 * in several scripts, and neither reorders text.
 */
const DIRECTION_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/g;

export function withoutDirectionControls(text: string): string {
  return text.replace(DIRECTION_CONTROLS, '');
}

/**
 * The first C0 control or DEL in `text`, named for a person ("a tab", "a control character
 * (U+0000)"), or null. PostgreSQL cannot store U+0000 in text at all, and the others only garble a
 * message; `allowed` lists the ones a field accepts (a description keeps its newlines and tabs).
 */
export function controlCharacterIn(text: string, allowed: '' | '\n\t' = ''): string | null {
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if ((code >= 0x20 && code !== 0x7f) || allowed.includes(ch)) continue;
    if (ch === '\n' || ch === '\r') return 'a line break';
    if (ch === '\t') return 'a tab';
    return `a control character (U+${code.toString(16).toUpperCase().padStart(4, '0')})`;
  }
  return null;
}

/** `text` cut to at most `max` visible characters, ending in "…" when cut; never splits one. */
export function cutGraphemes(text: string, max: number): string {
  const parts = graphemes(text);
  if (parts.length <= max) return text;
  return `${parts
    .slice(0, max - 1)
    .join('')
    .trimEnd()}…`;
}
