// The one place that reads Slack's errors: which failures are worth retrying, how soon, and whether
// Slack may have acted anyway; the error name of a platform error; and our own errors in that shape.

interface SlackErrorShape {
  code?: string;
  retryAfter?: number;
  statusCode?: number;
  data?: { error?: string };
  message?: string;
}

// thread_parent_pending is ours: a thread reply waits (with backoff) for its parent to be posted.
const TRANSIENT_ERRORS = new Set([
  'internal_error',
  'fatal_error',
  'service_unavailable',
  'request_timeout',
  'ratelimited',
  'message_limit_exceeded',
  'thread_parent_pending',
]);
const MAX_BACKOFF_MS = 10 * 60_000;

/** A failed Web API call: retry in `retryInMs` (null: never), and whether Slack may have acted anyway. */
export interface SlackFailure {
  retryInMs: number | null;
  error: string;
  ambiguous: boolean;
}

/** Classifies a Web API failure: retry when (and how soon), and whether Slack may have acted anyway. */
export function classifyFailure(err: unknown, attempts: number): SlackFailure {
  const e = err as SlackErrorShape;
  const backoff = Math.min(1000 * 2 ** Math.max(attempts - 1, 0), MAX_BACKOFF_MS);
  switch (e.code) {
    case 'slack_webapi_rate_limited_error':
      return { retryInMs: Math.max((e.retryAfter ?? 1) * 1000, 1000), error: 'ratelimited', ambiguous: false };
    case 'slack_webapi_platform_error': {
      const error = e.data?.error ?? 'unknown_error';
      return { retryInMs: TRANSIENT_ERRORS.has(error) ? backoff : null, error, ambiguous: false };
    }
    case 'slack_webapi_http_error':
      return { retryInMs: backoff, error: `http_${e.statusCode}`, ambiguous: (e.statusCode ?? 500) >= 500 };
    default:
      // Timeouts and network errors: the request may have reached Slack.
      return { retryInMs: backoff, error: e.message ?? String(err), ambiguous: true };
  }
}

/** The Web API's error name ("users_not_found", "channel_not_found") of a platform error, else null. */
export function platformError(err: unknown): string | null {
  const e = err as SlackErrorShape;
  return e.code === 'slack_webapi_platform_error' ? (e.data?.error ?? null) : null;
}

/** An error of ours that the relay treats like Slack's platform error `error` (e.g. retry later). */
export function ownPlatformError(message: string, error: string): Error {
  return Object.assign(new Error(message), { code: 'slack_webapi_platform_error', data: { error } });
}

// Slack's answers when the bot may not post in a conversation at all: retrying cannot help, and the
// person who asked for the message is told why instead.
const POST_REFUSALS = new Set([
  'not_in_channel',
  'channel_not_found',
  'is_archived',
  'restricted_action',
  'restricted_action_read_only_channel',
  'restricted_action_thread_only_channel',
  'restricted_action_non_threadable_channel',
  'cannot_reply_to_message',
  'thread_locked',
  'team_access_not_granted',
  'ekm_access_denied',
]);

/** Whether a permanent failure means the bot may not post in that conversation (or thread). */
export function isPostRefusal(error: string): boolean {
  return POST_REFUSALS.has(error);
}

// Slack's answers when the token itself is refused: definitive, so start-up stops instead of retrying.
const TOKEN_REFUSALS = new Set([
  'invalid_auth',
  'not_authed',
  'account_inactive',
  'token_revoked',
  'token_expired',
  'not_allowed_token_type',
]);

/** The error name when Slack refused the token of a call (`invalid_auth`, `token_revoked`, …), else null. */
export function tokenRefusal(err: unknown): string | null {
  const error = platformError(err);
  return error !== null && TOKEN_REFUSALS.has(error) ? error : null;
}

/**
 * Whether Slack itself answered a failed call (a platform error, a 4xx, a 429), as opposed to the
 * network, a timeout or a 5xx: "is Slack reachable now" for readiness.
 */
export function slackAnswered(err: unknown): boolean {
  const e = err as SlackErrorShape;
  if (e.code === 'slack_webapi_platform_error' || e.code === 'slack_webapi_rate_limited_error') return true;
  return e.code === 'slack_webapi_http_error' && (e.statusCode ?? 500) < 500;
}

/** A short, stack-free description of a failed call for a log line ("invalid_auth", "connect ECONNREFUSED …"). */
export function describeFailure(err: unknown): string {
  const e = err as SlackErrorShape & { original?: { message?: string; cause?: { message?: string } } };
  if (e.code === 'slack_webapi_http_error') return `HTTP ${e.statusCode}`;
  // fetch's own message is "fetch failed"; the reason ("connect ECONNREFUSED …") is its cause.
  return platformError(err) ?? e.original?.cause?.message ?? e.original?.message ?? e.message ?? String(err);
}

/** What became of one HTTP call to the Web API, as a metric label. */
export type CallOutcome = 'ok' | 'platform_error' | 'ratelimited' | 'server_error' | 'client_error' | 'timeout' | 'network_error';

/** The outcome of a call Slack answered: its status, and for a 200 whether the body said ok. */
export function answeredOutcome(status: number, ok: boolean): CallOutcome {
  if (status === 429) return 'ratelimited';
  if (status >= 500) return 'server_error';
  if (status !== 200) return 'client_error';
  return ok ? 'ok' : 'platform_error';
}

/** The outcome of a call that got no answer: the request's timeout fired, or the network failed. */
export function unansweredOutcome(err: unknown): CallOutcome {
  return (err as { name?: string }).name === 'TimeoutError' ? 'timeout' : 'network_error';
}

/** The Web API call a failure came from, as our client tags it (see tagCall). */
export interface FailedCall {
  method: string;
  channel?: string;
}

const CALL = Symbol('slack call');

/** Marks a failed call's error with the method and channel it was for, so that a 429 pauses only that lane. */
export function tagCall(err: unknown, method: string, options: Record<string, unknown> | undefined): unknown {
  if (typeof err !== 'object' || err === null) return err;
  const channel = options?.channel ?? options?.channel_id;
  const call: FailedCall = typeof channel === 'string' ? { method, channel } : { method };
  return Object.assign(err, { [CALL]: call });
}

/** The call an error came from, when our client tagged it. */
export function failedCall(err: unknown): FailedCall | null {
  return (err as { [CALL]?: FailedCall } | null)?.[CALL] ?? null;
}
