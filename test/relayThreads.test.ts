// A threaded post queued right behind its parent in the same lane (a deploy announcement and its
// "outside the support window" note): the lane goes on while the parent's sent mark and ts are
// written (relay.ts attempt), so the reply may be tried before that write lands. It waits for it,
// rather than finding its parent still `sending` and waiting out a retry's backoff.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { WebClient } from '@slack/web-api';
import { pino } from 'pino';
import { ManualClock } from '../src/clock.js';
import { type Database, openDatabase } from '../src/db/client.js';
import { applyMigrations } from '../src/db/migrate.js';
import { enqueue } from '../src/outbox/queue.js';
import { OutboxRelay } from '../src/outbox/relay.js';
import type { Db } from '../src/repos/db.js';
import { FakeSlack } from './support/fakeSlack.js';
import { createTestDatabaseUrl } from './support/harness.js';

/** Longer than the reply's whole attempt takes without the wait. */
const RECORDING_MS = 300;

describe('a threaded post right behind its parent in the lane', () => {
  let database: Database;
  let drop: () => Promise<void>;
  let fake: FakeSlack;
  before(async () => {
    const created = await createTestDatabaseUrl();
    drop = created.drop;
    await applyMigrations(created.url);
    database = await openDatabase(created.url);
    fake = await new FakeSlack().start();
  });
  after(async () => {
    await fake.stop();
    await database.close();
    await drop();
  });

  it("goes into the parent's thread once the parent is recorded, with no retry", async () => {
    const clock = new ManualClock('2026-11-24T10:00:00Z');
    fake.clock = () => clock.now().getTime();
    const now = clock.now();
    await enqueue(database.db, { kind: 'post', channel: 'C0DEPLOYS', text: 'checkout 1.2.3 deployed' }, { now, dedupKey: 'deploy:1' });
    await enqueue(
      database.db,
      { kind: 'post', channel: 'C0DEPLOYS', text: 'outside the window', thread: { dedupKey: 'deploy:1' } },
      { now },
    );
    const parentId = (await database.db.outboxMessage.findUniqueOrThrow({ where: { dedupKey: 'deploy:1' } })).id;
    // The parent's sent mark is slow to land (a busy database), as it may be under load.
    const slowToRecord = database.db.$extends({
      query: {
        outboxMessage: {
          async update({ args, query }) {
            if (args.where.id === parentId && args.data.status === 'sent') await sleep(RECORDING_MS);
            return query(args);
          },
        },
      },
    }) as unknown as Db;
    const client = new WebClient('xoxb-test-token', { slackApiUrl: fake.apiUrl });
    const noTickets = { ticketRoot: () => Promise.reject(new Error('no ticket messages here')) };
    const relay = new OutboxRelay(slowToRecord, client, clock, noTickets, pino({ level: 'silent' }));

    await relay.drain();
    await relay.stop();

    const [parent, reply] = fake.posted('C0DEPLOYS');
    assert.equal(parent?.text, 'checkout 1.2.3 deployed');
    assert.equal(reply?.text, 'outside the window', 'the reply went out without the clock moving');
    assert.equal(reply.thread_ts, parent.ts, "in the parent's thread");
    const rows = await database.db.outboxMessage.findMany({ orderBy: { id: 'asc' }, select: { status: true, attempts: true } });
    assert.deepEqual(rows, [
      { status: 'sent', attempts: 1 },
      { status: 'sent', attempts: 1 },
    ]);
  });
});
