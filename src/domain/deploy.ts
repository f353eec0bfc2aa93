// What a deploy report is, how it is checked, and the rules that turn deploys into change failures
// and ticket suggestions. Pure: the HTTP adapter and the deploy service build on these.
import { z } from 'zod';
import { fail, ok, type Result } from './result.js';
import { controlCharacterIn } from './typedText.js';

export const DEPLOY_STATUSES = ['succeeded', 'failed', 'rolled_back'] as const;
export type DeployStatus = (typeof DEPLOY_STATUSES)[number];
export const PRODUCTION = 'production';

/** A deploy as the service records it, whichever way it arrived. */
export interface DeployInput {
  externalId: string | null;
  service: string;
  version: string;
  commit: string | null;
  /** As sent: a Slack user id, an email, a git login, or just a name. */
  author: string | null;
  mergedBy: string | null;
  url: string | null;
  environment: string;
  status: DeployStatus;
  /** Absent: the time it is received. */
  deployedAt: Date | null;
  source: 'api' | 'github' | 'slack';
}

/** A recorded deploy. */
export interface Deploy extends Omit<DeployInput, 'deployedAt' | 'source'> {
  id: number;
  dedupKey: string;
  deployedAt: Date;
  createdAt: Date;
  source: DeployInput['source'];
  /** Failed, rolled back, or confirmed as the cause of a ticket. */
  changeFailure: boolean;
  rolledBackAt: Date | null;
  /** Set when the suspect-deploy warning was queued; it is given once. */
  suspectWarnedAt: Date | null;
}

export type Verdict = 'caused' | 'unrelated' | 'suggested';

// PostgreSQL cannot store U+0000 at all, and no field of a deploy needs a control character.
const noControls = (s: string) => controlCharacterIn(s) === null;
const NO_CONTROLS = 'must not contain control characters';

// CI templates render missing values as "" or null; both mean "not given".
const optionalText = (max: number) =>
  z.preprocess(
    (v) => (v === null || (typeof v === 'string' && v.trim() === '') ? undefined : v),
    z.string().trim().max(max, `must be at most ${max} characters`).refine(noControls, NO_CONTROLS).optional(),
  );
const requiredText = (max: number) =>
  z
    .string({ error: (i) => (i.input === undefined ? 'is required' : 'must be a string') })
    .trim()
    .min(1, 'is required')
    .max(max, `must be at most ${max} characters`)
    .refine(noControls, NO_CONTROLS);

export const deployBodySchema = z
  .object({
    id: z.preprocess((v) => (typeof v === 'number' && Number.isSafeInteger(v) ? String(v) : v), optionalText(200)),
    service: requiredText(100),
    version: requiredText(100),
    commit: optionalText(100),
    author: optionalText(200),
    mergedBy: optionalText(200),
    url: z.preprocess(
      (v) => (v === null || v === '' ? undefined : v),
      z
        .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
        .max(2000, 'must be at most 2000 characters')
        .optional(),
    ),
    environment: z.preprocess((v) => (v === null || v === '' ? undefined : v), requiredText(60).default(PRODUCTION)),
    status: z.preprocess(
      (v) => (v === null || v === '' ? undefined : v),
      z.enum(DEPLOY_STATUSES, { error: `must be one of ${DEPLOY_STATUSES.join(', ')}` }).default('succeeded'),
    ),
    deployedAt: z.preprocess(
      (v) => (v === null || v === '' ? undefined : v),
      z.iso.datetime({ offset: true, error: 'must be an ISO 8601 time with a zone, e.g. 2026-11-24T10:00:00Z' }).optional(),
    ),
  })
  .strict();

export const DEPLOY_FIELDS = Object.keys(deployBodySchema.shape);

/** Reports from the future would link tickets that have not happened yet; a little clock skew is fine. */
export const MAX_CLOCK_SKEW_MS = 5 * 60_000;

/** Turns zod issues into one short sentence naming each field. */
export function describeIssues(issues: z.core.$ZodIssue[]): string {
  return issues
    .map((i) => {
      if (i.code === 'unrecognized_keys')
        return `unknown field${i.keys.length > 1 ? 's' : ''} ${i.keys.map((k) => `"${k}"`).join(', ')} (fields are camelCase: ${DEPLOY_FIELDS.join(', ')})`;
      return `"${i.path.join('.') || 'body'}" ${i.message}`;
    })
    .join('; ');
}

/** Checks a decoded JSON body against the deploy API's fields. */
export function parseDeployBody(body: unknown, now: Date): Result<DeployInput> {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return fail("The body must be a JSON object with the deploy's fields.");
  const parsed = deployBodySchema.safeParse(body);
  if (!parsed.success) return fail(`Invalid deploy: ${describeIssues(parsed.error.issues)}.`);
  const v = parsed.data;
  const deployedAt = v.deployedAt ? new Date(v.deployedAt) : null;
  if (deployedAt && deployedAt.getTime() > now.getTime() + MAX_CLOCK_SKEW_MS) {
    return fail(`Invalid deploy: "deployedAt" is in the future (${v.deployedAt}).`);
  }
  return ok({
    externalId: v.id ?? null,
    service: v.service.toLowerCase(),
    version: v.version,
    commit: v.commit ?? null,
    author: v.author ?? null,
    mergedBy: v.mergedBy ?? null,
    url: v.url ?? null,
    environment: v.environment.toLowerCase(),
    status: v.status,
    deployedAt,
    source: 'api',
  });
}

/**
 * "The same deploy sent twice" when no id says so: same service, version, environment and status.
 * Stored unique, so concurrent duplicates cannot both be inserted.
 */
export function naturalKey(d: { service: string; version: string; environment: string; status: string }): string {
  return JSON.stringify([d.service, d.version, d.environment, d.status]);
}

/**
 * A change failure is a production change that failed, was rolled back, or was confirmed as the
 * cause of at least one ticket. Kept as one flag per deploy so the change failure rate is a count of
 * distinct deploys (one bad deploy with five tickets counts once; the rate never exceeds 100%).
 */
export function isChangeFailure(status: string, confirmedCauses: number): boolean {
  return status === 'failed' || status === 'rolled_back' || confirmedCauses > 0;
}

export type TicketRelation = 'suggest' | 'note' | 'none';

/**
 * How a deploy relates to an open ticket on its service: filed within the look-back window after
 * the deploy → a suspected cause (the author and merger are paged); filed before the deploy → the
 * deploy happened while the ticket was open (a note). Both edges are inclusive.
 */
export function relationToTicket(deployedAt: Date, ticketCreatedAt: Date, lookbackMinutes: number): TicketRelation {
  const gap = ticketCreatedAt.getTime() - deployedAt.getTime();
  if (gap < 0) return 'note';
  return gap <= lookbackMinutes * 60_000 ? 'suggest' : 'none';
}

/** A person named in a deploy report, before anyone asks Slack. */
export type PersonRef = { kind: 'slack'; userId: string } | { kind: 'email'; email: string } | { kind: 'text'; text: string };

const SLACK_ID = /^[UW][A-Z0-9]{2,}$/;

/**
 * Reads "U123", "<@U123>", "a@b.com", "octocat" / "@octocat" (mapped through `gitLogins`,
 * case-insensitive as GitHub logins are). The mapping is checked first: configuration wins over
 * guessing. Anything else stays text, so nobody is silently dropped.
 */
export function parsePersonRef(raw: string, gitLogins: Record<string, string>): PersonRef {
  const text = raw.trim();
  const login = text.replace(/^@/, '').toLowerCase();
  const mapped = Object.entries(gitLogins).find(([k]) => k.toLowerCase() === login);
  if (mapped) return { kind: 'slack', userId: mapped[1] };
  const mentioned = /^<@([UW][A-Z0-9]{2,})(\|[^>]*)?>$/.exec(text);
  if (mentioned) return { kind: 'slack', userId: mentioned[1]! };
  if (SLACK_ID.test(text)) return { kind: 'slack', userId: text };
  if (/^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/.test(text)) return { kind: 'email', email: text.toLowerCase() };
  return { kind: 'text', text };
}

/** Stored people are a Slack user id when resolved, else the name as sent. */
export function isSlackUserId(value: string): boolean {
  return SLACK_ID.test(value);
}

/** GitHub's link between the previous and the new commit, or to the commit alone for a first deploy. */
export function githubCompareUrl(repositoryUrl: string, previousCommit: string | null, commit: string): string {
  return previousCommit && previousCommit !== commit
    ? `${repositoryUrl}/compare/${previousCommit}...${commit}`
    : `${repositoryUrl}/commit/${commit}`;
}
