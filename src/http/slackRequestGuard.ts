// Checks every POST to /slack/events before Bolt's receiver sees it: the signature's timestamp in
// both directions (Bolt refuses only old ones), a body cap far below Bolt's 4 MB that refuses before
// reading more, the signature itself, and then the shape of the payload — so that a signed but
// malformed request gets a 400 at once instead of Bolt's 500 or its 404 after 3 s, and an unsigned
// one is a 401 whatever it contains. The checked bytes are handed to Bolt as `rawBody`, which its
// receiver reads instead of the stream (and verifies again).
import { createHmac } from 'node:crypto';
import querystring from 'node:querystring';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import { fail, ok, type Result } from '../domain/result.js';
import { sameSecret } from './sameSecret.js';

export const SLACK_EVENTS_PATH = '/slack/events';

/**
 * Slack's largest inbound payloads are interactions on a view, which carry the whole view back;
 * Slack refuses views over 250 kB, and form-encoding inflates JSON punctuation to three bytes, so
 * a legitimate body stays under ~750 kB even in the worst case. 1 MiB keeps a margin over that and
 * is a quarter of Bolt's default.
 */
export const MAX_SLACK_BODY_BYTES = 1024 * 1024;
/** How far Slack's request timestamp may be from our clock, either way (Slack's own rule for replay). */
export const MAX_CLOCK_SKEW_SECONDS = 5 * 60;

const FORM = 'application/x-www-form-urlencoded';

export interface SlackRequestGuardOptions {
  signingSecret: string;
  log: Logger;
  maxBytes?: number;
  /** Wall-clock milliseconds: the timestamp is Slack's real time, not the bot's business clock. */
  nowMs?: () => number;
}

/** Why a `X-Slack-Request-Timestamp` value is refused, or null when it is fresh. */
export function timestampProblem(header: string | string[] | undefined, nowMs: number): string | null {
  if (typeof header !== 'string' || !/^\d{1,12}$/.test(header)) return 'X-Slack-Request-Timestamp is missing or not a number of seconds.';
  const skew = Math.abs(Math.floor(nowMs / 1000) - Number(header));
  return skew > MAX_CLOCK_SKEW_SECONDS ? 'X-Slack-Request-Timestamp is more than 5 minutes away from now.' : null;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** A Slack payload as JSON (Events API) or inside `payload=` (interactivity) must name its type. */
function typedPayloadProblem(payload: unknown, where: string): string | null {
  if (!isRecord(payload)) return `${where} is not a JSON object.`;
  if (typeof payload.type !== 'string' || !payload.type) return `${where} has no "type".`;
  if (payload.type === 'block_actions' && !(Array.isArray(payload.actions) && payload.actions.every(isRecord)))
    return `${where} is block_actions without "actions".`;
  if (payload.type.startsWith('view_') && !isRecord(payload.view)) return `${where} is ${payload.type} without "view".`;
  return null;
}

/**
 * What is wrong with a signed body, or null when Bolt can route it. The content type is compared
 * exactly as Bolt does, so that what passes here is parsed the same way there.
 */
export function slackBodyProblem(raw: string, contentType: string | undefined): string | null {
  if (contentType !== FORM) return typedPayloadProblem(parseJson(raw), 'The JSON body');
  const form = querystring.parse(raw);
  if ('payload' in form) {
    if (typeof form.payload !== 'string') return 'The form has more than one "payload".';
    return typedPayloadProblem(parseJson(form.payload), 'The "payload" field');
  }
  if (typeof form.command === 'string' && form.command.startsWith('/')) return null;
  if (form.ssl_check !== undefined) return null;
  return 'The form is neither a slash command nor an interaction payload.';
}

/**
 * Slack's v0 signature: `v0=` and the hex HMAC-SHA256 of `v0:<timestamp>:<raw body>` under the
 * signing secret. Computed here rather than with Bolt's helper, so that Bolt stays out of http/;
 * Bolt's receiver checks it again after us.
 */
function slackSignature(signingSecret: string, timestamp: string, raw: string): string {
  return `v0=${createHmac('sha256', signingSecret).update(`v0:${timestamp}:${raw}`).digest('hex')}`;
}

/** Reads at most `max` bytes; past that it stops reading (the socket is closed after the answer). */
function readCapped(req: Request, max: number): Promise<Result<Buffer, 'too_large'>> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= max) return void chunks.push(chunk);
      req.off('data', onData);
      req.pause();
      resolve(fail('too_large'));
    };
    req.on('data', onData);
    req.once('end', () => resolve(ok(Buffer.concat(chunks))));
    req.once('error', reject);
  });
}

/** A refusal that also ends the connection, so that an unread body is not read any further. */
function refuse(res: Response, status: number, text: string): void {
  res.set('Connection', 'close').status(status).type('text/plain').send(text);
}

export function slackRequestGuard(opts: SlackRequestGuardOptions) {
  const max = opts.maxBytes ?? MAX_SLACK_BODY_BYTES;
  const nowMs = opts.nowMs ?? Date.now;
  const tooLarge = `Body too large: Slack requests are at most ${Math.round(max / 1024)} kB.`;
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const timestamp = req.headers['x-slack-request-timestamp'];
    const stale = timestampProblem(timestamp, nowMs());
    if (stale) return refuse(res, 401, stale);
    if (Number(req.headers['content-length']) > max) return refuse(res, 413, tooLarge);
    const body = await readCapped(req, max).catch(() => null);
    if (!body) return refuse(res, 400, 'The request body could not be read.');
    if (!body.ok) return refuse(res, 413, tooLarge);
    const raw = body.value.toString('utf8');
    const signature = req.headers['x-slack-signature'];
    const signed =
      typeof signature === 'string' &&
      typeof timestamp === 'string' &&
      sameSecret(signature, slackSignature(opts.signingSecret, timestamp, raw));
    if (!signed) return refuse(res, 401, 'The Slack signature does not match.');
    const problem = slackBodyProblem(raw, req.headers['content-type']);
    if (problem) {
      opts.log.warn({ problem }, 'malformed Slack request refused');
      return refuse(res, 400, `Malformed Slack request: ${problem}`);
    }
    Object.assign(req, { rawBody: body.value });
    next();
  };
}
