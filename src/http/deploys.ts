// POST /api/deploys: CI/CD reports deploys here, and so can GitHub's own deployment_status webhook.
// The raw body is read first (the HMAC signs bytes, not parsed JSON), then the caller is checked,
// then the JSON. Every refusal is a short plain-text sentence; none carries a stack trace.
import { createHmac } from 'node:crypto';
import express, { type Express, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import type { SupportConfig } from '../config/supportConfig.js';
import { type DeployInput, parseDeployBody } from '../domain/deploy.js';
import { fromGithubDeploymentStatus } from './github.js';
import { sameSecret } from './sameSecret.js';
import type { Deploy, RecordResult } from '../services/deploys.js';

export const DEPLOY_PATH = '/api/deploys';
/** Our HMAC header: `sha256=<hex HMAC-SHA256 of the raw body, keyed with DEPLOY_WEBHOOK_SECRET>`. */
export const SIGNATURE_HEADER = 'x-supportbot-signature';
/** GitHub signs webhook deliveries the same way under its own name. */
export const GITHUB_SIGNATURE_HEADER = 'x-hub-signature-256';
export const MAX_BODY = '64kb';

export function signBody(secret: string, body: Buffer | string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export type AuthOutcome = 'ok' | 'missing' | 'wrong';

/** Accepts `Authorization: Bearer <secret>` or a signature of the raw body in either HMAC header. */
export function authenticate(headers: Request['headers'], body: Buffer, secret: string): AuthOutcome {
  const presented: boolean[] = [];
  const auth = headers.authorization;
  if (auth) {
    const m = /^Bearer\s+(.+)$/i.exec(auth.trim());
    presented.push(m ? sameSecret(m[1]!, secret) : false);
  }
  for (const name of [SIGNATURE_HEADER, GITHUB_SIGNATURE_HEADER]) {
    const value = headers[name];
    if (typeof value === 'string') presented.push(sameSecret(value.trim().toLowerCase(), signBody(secret, body)));
  }
  if (!presented.length) return 'missing';
  return presented.some(Boolean) ? 'ok' : 'wrong';
}

/** The deploy as the API answers it: every reported field, and what the bot derived (id, change failure). */
function deployJson(d: Deploy) {
  const { dedupKey: _key, createdAt: _created, rolledBackAt: _rolledBack, suspectWarnedAt: _warned, ...reported } = d;
  return { ...reported, deployedAt: d.deployedAt.toISOString() };
}

export interface DeployRouteDeps {
  /** Unset → the route answers 503 and says which variable to set. */
  secret: string | undefined;
  config: SupportConfig;
  clock: Clock;
  log: Logger;
  record(input: DeployInput, opts?: { repositoryUrl?: string }): Promise<RecordResult>;
}

function say(res: Response, status: number, text: string): void {
  res.status(status).type('text/plain').send(text);
}

function answer(res: Response, result: RecordResult, log: Logger): void {
  if (result.kind === 'unknown_service') {
    say(res, 422, result.message);
    return;
  }
  log.info(
    { deployId: result.deploy.id, service: result.deploy.service, version: result.deploy.version, result: result.kind },
    'deploy reported',
  );
  res.status(result.kind === 'created' ? 201 : 200).json({ result: result.kind, deploy: deployJson(result.deploy) });
}

export function registerDeployRoutes(http: Express, deps: DeployRouteDeps): void {
  // Any content type: curl without -H still works, and the signature covers exactly these bytes.
  // Bodies over the limit end in the shared error handler as 413.
  http.post(DEPLOY_PATH, express.raw({ type: () => true, limit: MAX_BODY }), async (req: Request, res: Response) => {
    if (!deps.secret)
      return say(
        res,
        503,
        'The deploy API is not configured: set DEPLOY_WEBHOOK_SECRET on the bot and send it as "Authorization: Bearer <secret>".',
      );
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const auth = authenticate(req.headers, raw, deps.secret);
    if (auth !== 'ok') {
      res.set('WWW-Authenticate', 'Bearer');
      return say(
        res,
        401,
        auth === 'missing'
          ? `Missing credentials: send "Authorization: Bearer <DEPLOY_WEBHOOK_SECRET>" or "X-Supportbot-Signature: sha256=<HMAC-SHA256 of the body>".`
          : 'Wrong secret or signature.',
      );
    }
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      return say(res, 400, raw.length ? 'Malformed JSON body.' : 'Empty body: send the deploy as a JSON object.');
    }

    const event = req.headers['x-github-event'];
    if (typeof event === 'string') {
      if (event === 'ping') return say(res, 200, 'pong: the webhook reaches supportbot and its signature is valid.');
      if (event !== 'deployment_status')
        return say(res, 202, `Ignored: supportbot reads deployment_status events, not ${event.slice(0, 60)}.`);
      const mapped = fromGithubDeploymentStatus(body, deps.config.services);
      if (mapped.kind === 'invalid') return say(res, 400, mapped.message);
      if (mapped.kind === 'unmapped') return say(res, 422, mapped.message);
      if (mapped.kind === 'ignored') return say(res, 202, `Ignored: ${mapped.reason}.`);
      return answer(res, await deps.record(mapped.input, { repositoryUrl: mapped.repositoryUrl }), deps.log);
    }

    const parsed = parseDeployBody(body, deps.clock.now());
    if (!parsed.ok) return say(res, 400, parsed.error);
    answer(res, await deps.record(parsed.value), deps.log);
  });
}
