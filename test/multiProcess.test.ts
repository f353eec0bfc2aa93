// Two bot processes on one PostgreSQL database, as replicas behind a load balancer: each due job is
// claimed by exactly one of them, every reminder and breach reaches Slack once, and a form submission
// delivered to both files one ticket; paced, they keep one channel to Slack's pace together.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openDatabase, type Database } from '../src/db/client.js';
import { SLACK_PACE } from '../src/outbox/lanes.js';
import { BotProcess, waitFor, writeClock } from './support/botProcess.js';
import { FakeSlack } from './support/fakeSlack.js';
import { createTestDatabaseUrl, ticketFormValues } from './support/harness.js';
import { FORM } from './support/slackRequests.js';

const TICKETS = 40;
const skip =
  process.env.TEST_DATABASE === 'postgresql'
    ? false
    : 'runs on PostgreSQL only (TEST_DATABASE=postgresql TEST_POSTGRES_URL=…): replicas need a shared server database';

/**
 * Two bot processes on a fresh database, one fake Slack and one clock file (the test writes it),
 * started before the suite's tests (one after the other, so that only the first applies the
 * migrations) and stopped after them. `slack` prepares the fake Slack first.
 */
function twoProcesses(opts: { jobBatchSize?: number; pace?: boolean; slack?: (fake: FakeSlack, clockFile: string) => void }) {
  const r = { fake: null as unknown as FakeSlack, db: null as unknown as Database, bots: [] as BotProcess[], clockFile: '' };
  let database: { url: string; drop(): Promise<void> };
  let dir: string;
  before(async () => {
    r.fake = await new FakeSlack().start();
    database = await createTestDatabaseUrl();
    dir = mkdtempSync(path.join(tmpdir(), 'supportbot-replicas-'));
    r.clockFile = path.join(dir, 'now');
    writeClock(r.clockFile, '2026-11-24T10:00:00Z');
    opts.slack?.(r.fake, r.clockFile);
    for (let i = 0; i < 2; i++) {
      const { jobBatchSize, pace } = opts;
      r.bots.push(
        await BotProcess.start({ databaseUrl: database.url, slackApiUrl: r.fake.apiUrl, clockFile: r.clockFile, jobBatchSize, pace }),
      );
    }
    r.db = await openDatabase(database.url);
  });
  after(async () => {
    await Promise.all(r.bots.map((b) => b.kill()));
    await r.db?.close();
    await r.fake?.stop();
    await database?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  return r;
}

describe('two bot processes on one PostgreSQL database', { skip }, () => {
  // Small claim batches, so that both processes find work in the same due set.
  const r = twoProcesses({ jobBatchSize: 4 });

  const roots = () => r.fake.posted('C0SUPPORT').filter((m) => !m.thread_ts && m.text?.includes('replica '));
  const perThread = (words: string) =>
    roots().map((root) => r.fake.posted('C0SUPPORT').filter((m) => m.thread_ts === root.ts && m.text?.includes(words)).length);
  const quiet = async (now: string) =>
    (await r.db.db.outboxMessage.count({ where: { status: { in: ['pending', 'sending'] } } })) === 0 &&
    (await r.db.db.job.count({ where: { status: { in: ['pending', 'running'] }, dueAt: { lte: new Date(now) } } })) === 0;

  it('claims each due job in exactly one process and sends each reminder and breach once', async () => {
    // Filed through both, as a load balancer would spread them.
    for (let i = 0; i < TICKETS; i++) {
      const res = await r.bots[i % 2]!.slack.submitView({
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
      writeClock(r.clockFile, now);
      await waitFor(`every "${words}"`, async () => perThread(words).every((n) => n > 0) && (await quiet(now)));
      assert.deepEqual(perThread(words), Array(TICKETS).fill(1));
    }

    // The SLA timers (ticket changes also plan App Home refreshes, which have no viewer here).
    const jobs = await r.db.db.job.findMany({ where: { status: 'done', kind: { in: ['sla.reminder', 'sla.breach'] } } });
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
    const body = r.bots[0]!.slack.viewSubmissionBody({
      callbackId: 'ticket_create',
      userId: 'UREPORTER',
      viewId: 'VREPLICAS01',
      values: ticketFormValues({ title: 'both replicas', description: 'd', priority: 'P3', service: 'checkout' }),
    });
    const timestamp = Math.floor(Date.now() / 1000);
    for (let round = 0; round < 3; round++) {
      const answers = await Promise.all(r.bots.map((b) => b.slack.send(body, FORM, { timestamp })));
      for (const res of answers) assert.equal(res.status, 200);
    }
    await waitFor('the ticket posted', () => quiet('2026-11-24T13:00:00Z'));
    assert.equal(await r.db.db.ticket.count({ where: { viewId: 'VREPLICAS01' } }), 1);
    assert.equal(r.fake.posted('C0SUPPORT').filter((m) => !m.thread_ts && m.text?.includes('both replicas')).length, 1);
  });
});

describe('two paced bot processes posting into one channel', { skip }, () => {
  const PACED = 30;
  const start = new Date('2026-11-24T10:00:00Z').getTime();
  const r = twoProcesses({
    pace: true,
    // Slack's limit on the bots' clock: the pace must hold for both processes together.
    slack: (fake, clockFile) => {
      fake.clock = () => new Date(readFileSync(clockFile, 'utf8')).getTime();
      fake.limitPostsPerChannel(SLACK_PACE['chat.postMessage']!);
    },
  });

  const roots = () => r.fake.posted('C0SUPPORT').filter((m) => !m.thread_ts && m.text?.includes('paced replica '));
  /** No message is being sent, and none first in line for its ticket is due at `now`: both processes are done with this second. */
  const idleAt = async (now: number) => {
    const open = await r.db.db.outboxMessage.findMany({
      where: { status: { in: ['pending', 'sending'] } },
      orderBy: { id: 'asc' },
      select: { id: true, orderingKey: true, status: true, nextAttemptAt: true },
    });
    const heads = open.filter((m, i) => m.orderingKey === null || open.findIndex((o) => o.orderingKey === m.orderingKey) === i);
    return heads.every((m) => m.status === 'pending' && m.nextAttemptAt.getTime() > now);
  };

  it('holds the channel to one post a second between them, without a 429', async () => {
    for (let i = 0; i < PACED; i++) {
      const res = await r.bots[i % 2]!.slack.submitView({
        callbackId: 'ticket_create',
        userId: 'UREPORTER',
        values: ticketFormValues({ title: `paced replica ${i}`, description: 'd', priority: 'P3', service: 'search' }),
      });
      assert.equal(res.status, 200);
    }
    let now = start;
    while (roots().length < PACED) {
      assert.ok(now - start < 120_000, `stuck with ${roots().length} roots posted`);
      await waitFor(`the messages due at ${new Date(now).toISOString()}`, () => idleAt(now));
      now += 1000;
      writeClock(r.clockFile, new Date(now).toISOString());
    }
    assert.deepEqual(r.fake.rateLimited, [], 'no post beyond the limit');
    assert.equal(new Set(roots().map((m) => m.text)).size, PACED, 'each root once');
    const seconds = (now - start) / 1000;
    const { burst } = SLACK_PACE['chat.postMessage']!;
    assert.ok(seconds >= PACED - burst && seconds <= PACED + 5, `the last root after ${seconds} s: one a second for both together`);
    const slots = await r.db.db.slackPace.findUniqueOrThrow({ where: { lane: 'chat.postMessage:C0SUPPORT' } });
    assert.ok(slots.nextAt.getTime() > start, 'one lane for both');
  });
});
