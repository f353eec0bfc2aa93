// Reporting deploys to the running bot as CI and GitHub do, and reading what it posted about them.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { DEPLOY_SECRET, type Harness } from './harness.js';

export const MIN = 60_000;
export type Auth = 'bearer' | 'hmac' | 'github' | 'none' | { bearer: string } | { signature: string } | { githubSignature: string };

export function sign(body: string, secret = DEPLOY_SECRET): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export async function send(h: Harness, body: unknown, opts: { auth?: Auth; headers?: Record<string, string> } = {}): Promise<Response> {
  const raw = typeof body === 'string' ? body : JSON.stringify(body);
  const auth = opts.auth ?? 'bearer';
  const headers: Record<string, string> = { 'content-type': 'application/json', ...opts.headers };
  if (auth === 'bearer') headers.authorization = `Bearer ${DEPLOY_SECRET}`;
  else if (auth === 'hmac') headers['x-supportbot-signature'] = sign(raw);
  else if (auth === 'github') headers['x-hub-signature-256'] = sign(raw);
  else if (typeof auth === 'object' && 'bearer' in auth) headers.authorization = `Bearer ${auth.bearer}`;
  else if (typeof auth === 'object' && 'githubSignature' in auth) headers['x-hub-signature-256'] = auth.githubSignature;
  else if (typeof auth === 'object') headers['x-supportbot-signature'] = auth.signature;
  return fetch(`${h.baseUrl}/api/deploys`, { method: 'POST', headers, body: raw });
}

export interface DeployAnswer {
  result: string;
  deploy: {
    id: number;
    author: string | null;
    mergedBy: string | null;
    url: string | null;
    changeFailure: boolean;
    status: string;
    stage: string | null;
    outsideWindow: boolean;
    compareUrl: string | null;
  };
}

/** Sends a deploy, expects a 2xx, waits for its Slack messages. */
export async function deploy(h: Harness, body: Record<string, unknown>, expected = 201): Promise<DeployAnswer> {
  const res = await send(h, body);
  const text = await res.text();
  assert.equal(res.status, expected, text);
  await h.settle();
  return JSON.parse(text) as DeployAnswer;
}

export const ago = (h: Harness, minutes: number) => new Date(h.clock.now().getTime() - minutes * MIN).toISOString();
export const blocksOf = (m: { text?: string; blocks?: unknown }) => `${m.text ?? ''} ${JSON.stringify(m.blocks ?? [])}`;
export const announcements = (h: Harness, service: string) =>
  h.fake.posted('C0DEPLOYS').filter((m) => !m.thread_ts && blocksOf(m).includes(`*${service}*`));
export const threadOf = (h: Harness, ts: string) => h.fake.posted('C0SUPPORT').filter((m) => m.thread_ts === ts);

export interface GithubStatus {
  statusId: number;
  state: string;
  sha: string;
  repo?: string;
  at?: string;
  environment?: string;
  /** The deployment's own payload (e.g. `{ stage: 'canary' }`). */
  payload?: Record<string, unknown>;
}

/** A `deployment_status` delivery as GitHub sends it. */
export const githubStatusPayload = (h: Harness, o: GithubStatus) => ({
  action: 'created',
  deployment_status: {
    id: o.statusId,
    state: o.state,
    environment: o.environment ?? 'production',
    created_at: o.at ?? h.clock.now().toISOString(),
    updated_at: o.at ?? h.clock.now().toISOString(),
    target_url: 'https://github.com/acme/checkout/actions/runs/1',
  },
  deployment: {
    id: o.statusId * 10,
    sha: o.sha,
    ref: 'main',
    environment: o.environment ?? 'production',
    payload: o.payload ?? {},
    creator: { login: 'octocat', type: 'User' },
  },
  repository: { full_name: o.repo ?? 'acme/checkout', html_url: `https://github.com/${o.repo ?? 'acme/checkout'}` },
  sender: { login: 'octocat' },
});
