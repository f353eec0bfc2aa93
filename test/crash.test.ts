// kill -9 of a real bot process in the middle of firing SLA timers, then a fresh process on the same
// database: every reminder and every breach still reaches Slack exactly once.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openDatabase, type Database } from '../src/db/client.js';
import { BotProcess, waitFor, writeClock } from './support/botProcess.js';
import { FakeSlack } from './support/fakeSlack.js';
import { createTestDatabaseUrl, ticketFormValues } from './support/harness.js';

const TICKETS = 12;

describe('a bot process killed mid-flight', () => {
  let fake: FakeSlack;
  let database: { url: string; drop(): Promise<void> };
  let dir: string;
  let clockFile: string;
  let bot: BotProcess | undefined;
  let db: Database | undefined;

  before(async () => {
    fake = await new FakeSlack().start();
    database = await createTestDatabaseUrl();
    dir = mkdtempSync(path.join(tmpdir(), 'supportbot-crash-'));
    clockFile = path.join(dir, 'now');
  });
  after(async () => {
    await bot?.kill();
    await db?.close();
    await fake.stop();
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  // The test's own connection is closed while a process starts: on SQLite, applying migrations
  // needs the database file to itself.
  const start = async () => {
    await db?.close();
    bot = await BotProcess.start({ databaseUrl: database.url, slackApiUrl: fake.apiUrl, clockFile });
    db = await openDatabase(database.url);
  };
  const roots = () => fake.posted('C0SUPPORT').filter((m) => !m.thread_ts && m.text?.includes('crash '));
  const perThread = (words: string) =>
    roots().map((r) => fake.posted('C0SUPPORT').filter((m) => m.thread_ts === r.ts && m.text?.includes(words)).length);
  let now = '';
  /** Nothing due left to run or to send: what Slack has now is all it will get until the clock moves. */
  const quiet = async () =>
    (await db!.db.outboxMessage.count({ where: { status: { in: ['pending', 'sending'] } } })) === 0 &&
    (await db!.db.job.count({ where: { status: { in: ['pending', 'running'] }, dueAt: { lte: new Date(now) } } })) === 0;
  const setClock = (iso: string) => {
    now = iso;
    writeClock(clockFile, iso);
  };

  it('sends every reminder and every breach exactly once across two kill -9s', async () => {
    setClock('2026-11-24T10:00:00Z');
    await start();
    for (let i = 0; i < TICKETS; i++) {
      const res = await bot!.slack.submitView({
        callbackId: 'ticket_create',
        userId: 'UREPORTER',
        values: ticketFormValues({ title: `crash ${i}`, description: 'd', priority: 'P2', service: 'checkout' }),
      });
      assert.equal(res.status, 200);
    }
    await waitFor('the tickets posted', quiet);
    assert.equal(roots().length, TICKETS);

    // Round 1: the first reminder Slack receives is posted but never answered, so the process is
    // stuck mid-send (and may be mid-way through the scheduler's batch) when it is killed.
    fake.fail('chat.postMessage', { afterSuccessHang: true }, 1);
    setClock('2026-11-24T12:15:00Z');
    await waitFor('a reminder in flight', () => perThread('SLA:').some((n) => n > 0));
    await bot!.kill('SIGKILL');
    assert.equal(await db!.db.outboxMessage.count({ where: { status: 'sending' } }), 1, 'killed in the middle of a Web API call');
    await start();
    // Past the claim leases (jobs 1 min, outbox 2 min) the dead process left behind.
    setClock('2026-11-24T12:18:00Z');
    await waitFor('every reminder', async () => perThread('SLA:').every((n) => n > 0) && (await quiet()));
    assert.deepEqual(perThread('SLA:'), Array(TICKETS).fill(1));
    assert.ok(fake.callsTo('conversations.replies').length >= 1, 'the interrupted send was looked for before posting again');

    // Round 2: killed as soon as the first breach reaches Slack, wherever it is by then.
    setClock('2026-11-24T13:00:00Z');
    await waitFor('a breach', () => perThread('SLA breached').some((n) => n > 0));
    await bot!.kill('SIGKILL');
    await start();
    setClock('2026-11-24T13:03:00Z');
    await waitFor('every breach', async () => perThread('SLA breached').every((n) => n > 0) && (await quiet()));
    assert.deepEqual(perThread('SLA breached'), Array(TICKETS).fill(1));
    assert.deepEqual(perThread('SLA:'), Array(TICKETS).fill(1), 'no reminder came back');

    const tickets = await db!.db.ticket.findMany();
    assert.ok(tickets.every((t) => t.breachedAt?.toISOString() === '2026-11-24T13:00:00.000Z'));
    assert.equal(await db!.db.ticketEvent.count({ where: { type: 'sla_breached' } }), TICKETS);
  });
});
