// Helpers for the status page tests: deploys through the real API, and the page fetched with a credential.
import assert from 'node:assert/strict';
import { DEPLOY_SECRET, STATUS_TOKEN, type Harness } from './harness.js';

/** Reports a production deploy through POST /api/deploys, as CI would. */
export async function reportDeploy(h: Harness, body: Record<string, unknown>): Promise<number> {
  const res = await fetch(`${h.baseUrl}/api/deploys`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${DEPLOY_SECRET}` },
    body: JSON.stringify({ environment: 'production', status: 'succeeded', deployedAt: h.clock.now().toISOString(), ...body }),
  });
  const text = await res.text();
  assert.ok(res.ok, text);
  await h.settle();
  return (JSON.parse(text) as { deploy: { id: number } }).deploy.id;
}

export const bearer = { authorization: `Bearer ${STATUS_TOKEN}` };

export function getStatus(h: Harness, headers: Record<string, string> = {}, query = ''): Promise<Response> {
  return fetch(`${h.baseUrl}/status${query}`, { headers, redirect: 'manual' });
}
