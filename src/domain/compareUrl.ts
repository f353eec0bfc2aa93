// Compare links: a per-service URL template (a dashboard comparing the old and new version, a diff)
// filled in with the deploy and the one before it. Every value is URL-encoded; a template naming a
// placeholder we do not know is a config error, not a broken link at deploy time.
import { fail, ok, type Result } from './result.js';

export const COMPARE_PLACEHOLDERS = ['service', 'version', 'previous', 'commit', 'previousCommit'] as const;
export type ComparePlaceholder = (typeof COMPARE_PLACEHOLDERS)[number];
export type CompareValues = Record<ComparePlaceholder, string | null>;

const PLACEHOLDER = /\{([^{}]*)\}/g;

/** Checks a template: an http(s) URL whose placeholders are all known. */
export function checkCompareTemplate(template: string): Result<string> {
  const unknown = [...template.matchAll(PLACEHOLDER)]
    .map((m) => m[1]!)
    .filter((name) => !(COMPARE_PLACEHOLDERS as readonly string[]).includes(name));
  if (unknown.length)
    return fail(
      `unknown placeholder${unknown.length > 1 ? 's' : ''} ${unknown.map((n) => `{${n}}`).join(', ')} (known: ${COMPARE_PLACEHOLDERS.map((n) => `{${n}}`).join(', ')})`,
    );
  if (!/^https?:\/\/\S+$/.test(template)) return fail('must be an http(s) URL template');
  return ok(template);
}

/**
 * The template filled in, or null when it uses a value this deploy lacks (a first deploy has no
 * previous version; a deploy without a commit has no {commit}): a half-filled link would mislead.
 */
export function expandCompareUrl(template: string, values: CompareValues): string | null {
  let missing = false;
  const url = template.replace(PLACEHOLDER, (_, name: ComparePlaceholder) => {
    const value = values[name];
    if (!value) missing = true;
    return encodeURIComponent(value ?? '');
  });
  return missing ? null : url;
}
