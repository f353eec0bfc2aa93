import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fileTicket, startHarness, type Harness } from './support/harness.js';

describe('HTTP routes', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.stop());

  it('/healthz answers 200 once the database and Slack answer', async () => {
    const res = await fetch(`${h.baseUrl}/healthz`);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { ok: true, checks: { database: 'ok', slack: 'ok' } });
  });

  it('/metrics serves Prometheus text with open tickets by priority, without a token', async () => {
    await fileTicket(h, { priority: 'P1' });
    await fileTicket(h, { priority: 'P1' });
    const res = await fetch(`${h.baseUrl}/metrics`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /text\/plain/);
    const text = await res.text();
    assert.match(text, /supportbot_open_tickets\{priority="P1"\} 2/);
    assert.match(text, /supportbot_outbox_sent_total\{kind="ticket.root"\} \d+/);
  });

  it('unknown routes get a plain 404', async () => {
    const res = await fetch(`${h.baseUrl}/nope`);
    assert.equal(res.status, 404);
    assert.equal(await res.text(), 'Not found');
  });
});

describe('/healthz before Slack answers', () => {
  it('is 503 and says which check fails while auth.test is refused', async () => {
    const h = await startHarness({ beforeStart: (fake) => fake.fail('auth.test', { error: 'invalid_auth' }) });
    try {
      const res = await fetch(`${h.baseUrl}/healthz`);
      assert.equal(res.status, 503);
      const body = await res.json();
      assert.equal(body.checks.database, 'ok');
      assert.equal(body.checks.slack, 'not connected yet');
    } finally {
      await h.stop();
    }
  });
});
