// Lengths as people count them: one emoji, one flag or one accented letter is one character, where
// JavaScript's `length` counts UTF-16 units (an emoji is two, a family emoji eleven).
const segmenter = new Intl.Segmenter('en', { granularity: 'grapheme' });

export function graphemeLength(text: string): number {
  let n = 0;
  for (const _ of segmenter.segment(text)) n += 1;
  return n;
}

/** `text` cut to at most `max` graphemes, ending in "…" when cut; never splits a grapheme. */
export function cutGraphemes(text: string, max: number): string {
  const parts: string[] = [];
  for (const { segment } of segmenter.segment(text)) {
    if (parts.length === max) {
      parts.length = max - 1;
      return `${parts.join('').trimEnd()}…`;
    }
    parts.push(segment);
  }
  return text;
}
