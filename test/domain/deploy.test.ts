import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  githubCompareUrl,
  isChangeFailure,
  naturalKey,
  parseDeployBody,
  parsePersonRef,
  relationToTicket,
} from '../../src/domain/deploy.js';
import { fromGithubDeploymentStatus } from '../../src/http/github.js';

const now = new Date('2026-11-24T10:00:00Z');
const services = {
  checkout: { repositories: ['acme/checkout'] },
  web: { repositories: ['acme/mono'] },
  admin: { repositories: ['acme/mono'] },
};

describe('parseDeployBody', () => {
  it('fills defaults: production, succeeded, received now; lower-cases service and environment', () => {
    const r = parseDeployBody({ service: 'Checkout', version: '1.2.3', environment: 'Production' }, now);
    assert.ok(r.ok);
    assert.equal(r.value.service, 'checkout');
    assert.equal(r.value.environment, 'production');
    assert.equal(r.value.status, 'succeeded');
    assert.equal(r.value.deployedAt, null);
  });

  it('treats "" and null as not given (CI templates render missing values so)', () => {
    const r = parseDeployBody({ service: 'checkout', version: '1', mergedBy: '', url: null, status: '', id: 42 }, now);
    assert.ok(r.ok);
    assert.equal(r.value.mergedBy, null);
    assert.equal(r.value.url, null);
    assert.equal(r.value.status, 'succeeded');
    assert.equal(r.value.externalId, '42', 'numeric ids are accepted as strings');
  });

  it('names every bad field, and suggests camelCase for unknown ones', () => {
    const r = parseDeployBody({ service: '', version: 'x', status: 'ok', url: 'ftp://x', deployedAt: 'yesterday', merged_by: 'a' }, now);
    assert.ok(!r.ok);
    for (const part of [
      '"service" is required',
      '"status" must be one of succeeded, failed, rolled_back',
      '"url" must be an http(s) URL',
      '"deployedAt" must be an ISO 8601 time',
      'unknown field "merged_by"',
      'mergedBy',
    ]) {
      assert.ok(r.error.includes(part), `${r.error} mentions ${part}`);
    }
  });

  it('allows 5 minutes of clock skew, not more', () => {
    assert.ok(parseDeployBody({ service: 'a', version: 'b', deployedAt: '2026-11-24T10:05:00Z' }, now).ok);
    const r = parseDeployBody({ service: 'a', version: 'b', deployedAt: '2026-11-24T10:05:01Z' }, now);
    assert.ok(!r.ok && r.error.includes('"deployedAt" is in the future'));
  });
});

describe('parsePersonRef', () => {
  const logins = { OctoCat: 'UOCTO' };
  it('reads Slack ids, mentions, emails and mapped git logins; keeps anything else as text', () => {
    assert.deepEqual(parsePersonRef('U123ABC', logins), { kind: 'slack', userId: 'U123ABC' });
    assert.deepEqual(parsePersonRef('<@W0ABC|ann>', logins), { kind: 'slack', userId: 'W0ABC' });
    assert.deepEqual(parsePersonRef('Ann@Acme.com', logins), { kind: 'email', email: 'ann@acme.com' });
    assert.deepEqual(parsePersonRef('@octocat', logins), { kind: 'slack', userId: 'UOCTO' }, 'logins are case-insensitive');
    assert.deepEqual(parsePersonRef('Jane Doe', logins), { kind: 'text', text: 'Jane Doe' });
  });
  it('the configured mapping wins over an id-looking login', () => {
    assert.deepEqual(parsePersonRef('UBER', { uber: 'U0REAL' }), { kind: 'slack', userId: 'U0REAL' });
  });
});

describe('deploy rules', () => {
  it('a ticket filed within the look-back after a deploy suggests it (edges inclusive); before it, a note', () => {
    const at = new Date('2026-11-24T09:00:00Z');
    const min = (m: number) => new Date(at.getTime() + m * 60_000);
    assert.equal(relationToTicket(at, min(0), 60), 'suggest');
    assert.equal(relationToTicket(at, min(60), 60), 'suggest');
    assert.equal(relationToTicket(at, min(60.01), 60), 'none');
    assert.equal(relationToTicket(at, min(-1), 60), 'note');
  });

  it('failed and rolled-back deploys, and deploys that caused a ticket, are change failures', () => {
    assert.equal(isChangeFailure('succeeded', 0), false);
    assert.equal(isChangeFailure('succeeded', 2), true);
    assert.equal(isChangeFailure('failed', 0), true);
    assert.equal(isChangeFailure('rolled_back', 0), true);
  });

  it('the natural key tells statuses and environments apart', () => {
    const d = { service: 's', version: '1', environment: 'production', status: 'succeeded' };
    assert.notEqual(naturalKey(d), naturalKey({ ...d, status: 'failed' }));
    assert.notEqual(naturalKey(d), naturalKey({ ...d, environment: 'staging' }));
    assert.notEqual(naturalKey({ ...d, service: 's|1', version: '' }), naturalKey({ ...d, version: '|1' }), 'no separator collisions');
  });

  it('links GitHub commits: a compare link against the previous deploy, else the commit', () => {
    assert.equal(githubCompareUrl('https://github.com/acme/x', 'aaa', 'bbb'), 'https://github.com/acme/x/compare/aaa...bbb');
    assert.equal(githubCompareUrl('https://github.com/acme/x', null, 'bbb'), 'https://github.com/acme/x/commit/bbb');
  });
});

describe('fromGithubDeploymentStatus', () => {
  const payload = (state: string, repo = 'acme/checkout', extra: Record<string, unknown> = {}) => ({
    action: 'created',
    deployment_status: { id: 77, state, environment: 'production', updated_at: '2026-11-24T09:30:00Z' },
    deployment: {
      id: 9,
      sha: 'abcdef1234567890',
      ref: 'main',
      environment: 'production',
      payload: extra,
      creator: { login: 'github-actions[bot]', type: 'Bot' },
    },
    repository: { full_name: repo, html_url: `https://github.com/${repo}` },
  });

  it('maps final states; reports progress states as ignored', () => {
    const ok = fromGithubDeploymentStatus(payload('success'), services);
    assert.equal(ok.kind, 'deploy');
    if (ok.kind === 'deploy') {
      assert.equal(ok.input.status, 'succeeded');
      assert.equal(ok.input.version, 'main@abcdef1');
      assert.equal(ok.input.author, null, 'bots are not authors');
    }
    for (const s of ['failure', 'error']) {
      const r = fromGithubDeploymentStatus(payload(s), services);
      assert.ok(r.kind === 'deploy' && r.input.status === 'failed');
    }
    for (const s of ['queued', 'in_progress', 'inactive', 'pending'])
      assert.equal(fromGithubDeploymentStatus(payload(s), services).kind, 'ignored');
  });

  it('a repository deploying several services needs payload.service', () => {
    assert.equal(fromGithubDeploymentStatus(payload('success', 'acme/mono'), services).kind, 'unmapped');
    const r = fromGithubDeploymentStatus(payload('success', 'acme/mono', { service: 'admin', author: 'ann@acme.com' }), services);
    assert.ok(r.kind === 'deploy' && r.input.service === 'admin' && r.input.author === 'ann@acme.com');
  });
});
