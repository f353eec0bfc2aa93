// Validation problems as sentences a person can act on: zod's own wording ("Invalid input: expected
// record, received undefined") is replaced, and an unknown key is named with the nearest known one.
import type { z } from 'zod';

/** Edit distance (insertions, deletions, substitutions) between two strings. */
export function levenshtein(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/** The known word closest to `word`, when it is close enough to be a typo of it (case ignored). */
export function nearest(word: string, known: readonly string[]): string | undefined {
  let best: { key: string; distance: number } | undefined;
  for (const key of known) {
    const distance = levenshtein(word.toLowerCase(), key.toLowerCase());
    if (!best || distance < best.distance) best = { key, distance };
  }
  return best && best.distance <= Math.max(2, Math.floor(word.length / 3)) ? best.key : undefined;
}

const KINDS: Record<string, string> = {
  object: 'a mapping (key: value)',
  record: 'a mapping (key: value)',
  array: 'a list',
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  date: 'a date',
};

function found(input: unknown): string {
  if (input === null) return 'nothing (null)';
  if (Array.isArray(input)) return 'a list';
  if (typeof input === 'number' && Number.isNaN(input)) return 'text that is not a number';
  if (typeof input === 'object') return 'a mapping';
  if (typeof input === 'string') return `"${input}"`;
  return `${typeof input} ${String(input)}`;
}

function knownKeys(inst: unknown): string[] {
  const shape = (inst as { _zod?: { def?: { shape?: Record<string, unknown> } } } | undefined)?._zod?.def?.shape;
  return shape ? Object.keys(shape) : [];
}

/** `named`: the key is in the sentence (several unknown keys), not only in the path before it. */
function unknownKey(key: string, known: string[], named: boolean): string {
  const what = named ? `unknown key "${key}"` : 'unknown key';
  const guess = nearest(key, known);
  if (guess) return `${what}; did you mean "${guess}"?`;
  return known.length ? `${what}; the keys known here are ${known.join(', ')}` : what;
}

function quantity(n: number | bigint, one: string): string {
  return `${n} ${one}${Number(n) === 1 ? '' : 's'}`;
}

/**
 * zod's error map for config and environment: a sentence for every issue a schema leaves without
 * its own message. Messages given in the schemas (`'must be a Slack channel id …'`) win.
 */
export const sentences: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'is required';
      return `must be ${KINDS[issue.expected] ?? issue.expected}, not ${found(issue.input)}`;
    case 'unrecognized_keys': {
      const known = knownKeys(issue.inst);
      return issue.keys.map((key) => unknownKey(key, known, issue.keys.length > 1)).join('; ');
    }
    case 'invalid_value':
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}, not ${found(issue.input)}`;
    case 'too_small':
      if (issue.origin === 'array' || issue.origin === 'set') return `must list at least ${quantity(issue.minimum, 'item')}`;
      if (issue.origin === 'string') return `must be at least ${quantity(issue.minimum, 'character')}`;
      return `must be ${issue.inclusive ? 'at least' : 'more than'} ${issue.minimum}`;
    case 'too_big':
      if (issue.origin === 'array' || issue.origin === 'set') return `must list at most ${quantity(issue.maximum, 'item')}`;
      if (issue.origin === 'string') return `must be at most ${quantity(issue.maximum, 'character')}`;
      return `must be ${issue.inclusive ? 'at most' : 'less than'} ${issue.maximum}`;
    case 'invalid_format':
      return issue.format === 'url' ? 'must be a URL such as https://example.com/' : `must be ${issue.format}`;
    case 'invalid_union':
      return `is not in any form this key accepts (found ${found(issue.input)})`;
    case 'not_multiple_of':
      return `must be a multiple of ${issue.divisor}`;
    default:
      return undefined;
  }
};

/** One line per problem, each starting with the path it is about (`oncall.members.0: …`). */
export function issueLines(issues: readonly z.core.$ZodIssue[], topLevel = '(top level)'): string[] {
  return issues.map((issue) => {
    // An unknown key is named in full (`admns`, `oncall.memebrs`), not by its parent.
    const keys = issue.code === 'unrecognized_keys' && issue.keys.length === 1 ? issue.keys : [];
    const at = [...issue.path, ...keys].map((p) => String(p)).join('.') || topLevel;
    return `  ${at}: ${issue.message}`;
  });
}
