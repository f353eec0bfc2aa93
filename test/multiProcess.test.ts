// Two bot processes on one PostgreSQL database, as replicas behind a load balancer: each due job is
// claimed by exactly one of them, every reminder and breach reaches Slack once, and a form submission
// delivered to both files one ticket.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openDatabase, type Database } from '../src/db/client.js';
import { BotProcess, waitFor, writeClock } from './support/botProcess.js';
import { FakeSlack } from './support/fakeSlack.js';
import { createTestDatabaseUrl, ticketFormValues } from './support/harness.js';
import { FORM } from './support/slackRequests.js';

const TICKETS = 40;
const skip =
  process.env.TEST_DATABASE === 'postgresql'
    ? false
    : 'runs on PostgreSQL only (TEST_DATABASE=postgresql TEST_POSTGRES_URL=…): replicas need a shared server database';

describe('two bot processes on one PostgreSQL database', { skip }, () => {
  let fake: FakeSlack;
  let database: { url: string; drop(): Promise<void> };
  let dir: string;
  let clockFile: string;
  const bots: BotProcess[] = [];
  let db: Database;

  before(async () => {
    fake = await new FakeSlack().start();
    database = await createTestDatabaseUrl();
    dir = mkdtempSync(path.join(tmpdir(), 'supportbot-replicas-'));
    clockFile = path.join(dir, 'now');
    writeClock(clockFile, '2026-11-24T10:00:00Z');
    // One after the other, so that only the first applies the migrations. Small claim batches, so
    // that both processes find work in the same due set.
    for (let i = 0; i < 2; i++)
      bots.push(await BotProcess.start({ databaseUrl: database.url, slackApiUrl: fake.apiUrl, clockFile, jobBatchSize: 4 }));
    db = await openDatabase(database.url);
  });
  after(async () => {
    await Promise.all(bots.map((b) => b.kill()));
    await db?.close();
    await fake.stop();
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  const roots = () => fake.posted('C0SUPPORT').filter((m) => !m.thread_ts && m.text?.includes('replica '));
  const perThread = (words: string) =>
    roots().map((r) => fake.posted('C0SUPPORT').filter((m) => m.thread_ts === r.ts && m.text?.includes(words)).length);
  const quiet = async (now: string) =>
    (await db.db.outboxMessage.count({ where: { status: { in: ['pending', 'sending'] } } })) === 0 &&
    (await db.db.job.count({ where: { status: { in: ['pending', 'running'] }, dueAt: { lte: new Date(now) } } })) === 0;

  it('claims each due job in exactly one process and sends each reminder and breach once', async () => {
    // Filed through both, as a load balancer would spread them.
    for (let i = 0; i < TICKETS; i++) {
      const res = await bots[i % 2]!.slack.submitView({
        callbackId: 'ticket_create',
        userId: 'UREPORTER',
        values: ticketFormValues({ title: `replica ${i}`, description: 'd', priority: 'P2', service: 'checkout' }),
      });
      assert.equal(res.status, 200);
    }
    await waitFor('the tickets posted', () => quiet('2026-11-24T10:00:00Z'));
    assert.equal(roots().length, TICKETS);

    for (const [now, words] of [
      ['2026-11-24T12:15:00Z', 'SLA:'],
      ['2026-11-24T13:00:00Z', 'SLA breached'],
    ] as const) {
      writeClock(clockFile, now);
      await waitFor(`every "${words}"`, async () => perThread(words).every((n) => n > 0) && (await quiet(now)));
      assert.deepEqual(perThread(words), Array(TICKETS).fill(1));
    }

    // The SLA timers (ticket changes also plan App Home refreshes, which have no viewer here).
    const jobs = await db.db.job.findMany({ where: { status: 'done', kind: { in: ['sla.reminder', 'sla.breach'] } } });
    assert.equal(jobs.length, 2 * TICKETS);
    assert.deepEqual(
      jobs.filter((j) => j.attempts !== 1),
      [],
      'no job was claimed twice',
    );
    const claimants = new Set(jobs.map((j) => j.claimedBy!.split(':')[0]));
    assert.equal(claimants.size, 2, 'both processes claimed jobs');
  });

  it('one form submission delivered to both processes at once files one ticket', async () => {
    const body = bots[0]!.slack.viewSubmissionBody({
      callbackId: 'ticket_create',
      userId: 'UREPORTER',
      viewId: 'VREPLICAS01',
      values: ticketFormValues({ title: 'both replicas', description: 'd', priority: 'P3', service: 'checkout' }),
    });
    const timestamp = Math.floor(Date.now() / 1000);
    for (let round = 0; round < 3; round++) {
      const answers = await Promise.all(bots.map((b) => b.slack.send(body, FORM, { timestamp })));
      for (const res of answers) assert.equal(res.status, 200);
    }
    await waitFor('the ticket posted', () => quiet('2026-11-24T13:00:00Z'));
    assert.equal(await db.db.ticket.count({ where: { viewId: 'VREPLICAS01' } }), 1);
    assert.equal(fake.posted('C0SUPPORT').filter((m) => !m.thread_ts && m.text?.includes('both replicas')).length, 1);
  });
});
