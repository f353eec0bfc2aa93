import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { after, before, describe, it } from 'node:test';
import { waitFor } from './support/botProcess.js';
import { fileTicket, startHarness, ticketFormValues, type Harness } from './support/harness.js';

const validTicket = { title: 'Checkout fails', description: 'Card payments fail', priority: 'P2', service: 'checkout' };

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

  it('/livez says the process is up; /readyz is the same check as /healthz', async () => {
    const live = await fetch(`${h.baseUrl}/livez`);
    assert.equal(live.status, 200);
    assert.deepEqual(await live.json(), { ok: true });
    const ready = await fetch(`${h.baseUrl}/readyz`);
    assert.equal(ready.status, 200);
    assert.deepEqual(await ready.json(), { ok: true, checks: { database: 'ok', slack: 'ok' } });
  });

  it("readiness reflects Slack's last answer, without asking Slack on each probe", async () => {
    const calls = h.fake.calls.length;
    for (let i = 0; i < 3; i++) assert.equal((await fetch(`${h.baseUrl}/readyz`)).status, 200);
    assert.equal(h.fake.calls.length, calls, 'a probe makes no Web API call');
    // Slack stops answering: the root message's post fails with a 503.
    h.fake.fail('chat.postMessage', { status: 503 }, 100);
    await h.slack.submitView({ callbackId: 'ticket_create', userId: 'UREPORTER', values: ticketFormValues(validTicket) });
    await waitFor('a failed post', () => h.fake.callsTo('chat.postMessage').length > 0);
    await waitFor('readiness to see Slack unreachable', async () => (await fetch(`${h.baseUrl}/readyz`)).status === 503);
    const down = await (await fetch(`${h.baseUrl}/healthz`)).json();
    assert.deepEqual(down, { ok: false, checks: { database: 'ok', slack: 'unreachable' } });
    // Slack answers again (an ok:false answer is an answer too).
    h.fake.reset();
    await h.restart();
    assert.equal((await fetch(`${h.baseUrl}/readyz`)).status, 200);
  });

  it('unknown routes get a plain 404', async () => {
    const res = await fetch(`${h.baseUrl}/nope`);
    assert.equal(res.status, 404);
    assert.equal(await res.text(), 'Not found');
  });
});

describe('/healthz before Slack answers', () => {
  it('is 503 and says which check fails while auth.test gets no answer', async () => {
    const h = await startHarness({ beforeStart: (fake) => fake.fail('auth.test', { status: 503 }) });
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

/** The database disappears under the bot: its SQLite folder is removed, or its PostgreSQL database dropped. */
async function goAway(url: string): Promise<void> {
  if (url.startsWith('file:')) return rmSync(path.dirname(url.slice('file:'.length)), { recursive: true, force: true });
  const admin = new pg.Client({ connectionString: process.env.TEST_POSTGRES_URL });
  await admin.connect();
  await admin.query(`DROP DATABASE ${new URL(url).pathname.slice(1)} WITH (FORCE)`);
  await admin.end();
}

describe('/healthz when the database is away', () => {
  it('is 503 with a short cause, never the raw database error, and logs the detail', async () => {
    const h = await startHarness();
    try {
      await h.bot.database.close();
      await goAway(h.env.DATABASE_URL);
      const res = await fetch(`${h.baseUrl}/healthz`);
      assert.equal(res.status, 503);
      const text = await res.text();
      assert.deepEqual(JSON.parse(text), { ok: false, checks: { database: 'unavailable', slack: 'ok' } });
      assert.ok(h.loggedErrors.includes('readiness: the database did not answer'), h.loggedErrors.join('\n'));
    } finally {
      await h.stop().catch(() => {});
    }
  });
});

describe('METRICS_PORT', () => {
  it('serves /metrics on a listener of its own, and no longer on PORT', async () => {
    const h = await startHarness({ env: { METRICS_PORT: '0', METRICS_HOST: '127.0.0.1' } });
    try {
      assert.ok(h.bot.metricsPort && h.bot.metricsPort !== h.bot.port);
      const metrics = await fetch(`http://127.0.0.1:${h.bot.metricsPort}/metrics`);
      assert.equal(metrics.status, 200);
      assert.match(await metrics.text(), /supportbot_outbox_sent_total/);
      assert.equal((await fetch(`${h.baseUrl}/metrics`)).status, 404);
      assert.equal((await fetch(`http://127.0.0.1:${h.bot.metricsPort}/healthz`)).status, 404);
      assert.equal((await fetch(`${h.baseUrl}/healthz`)).status, 200);
    } finally {
      await h.stop();
    }
  });
});

describe('SHUTDOWN_DRAIN_MS', () => {
  it('a stopping bot answers /readyz 503 and still serves Slack until the drain ends, then refuses', async () => {
    const h = await startHarness({ env: { SHUTDOWN_DRAIN_MS: '3000' } });
    const stopped = h.stop();
    try {
      const ready = await fetch(`${h.baseUrl}/readyz`);
      assert.equal(ready.status, 503);
      assert.deepEqual(await ready.json(), { ok: false, checks: { process: 'stopping', database: 'ok', slack: 'ok' } });
      const command = await h.slack.command('');
      assert.equal(command.status, 200, 'a request during the drain is served');
    } finally {
      await stopped;
    }
    await assert.rejects(fetch(`${h.baseUrl}/readyz`), 'the listener is closed once the drain is over');
  });
});
