// The weekly digest across real bot processes: two replicas on one PostgreSQL database ticking at
// the same moment send one digest; a process killed (kill -9) after recording the digest, in the
// middle of posting it, leaves it to the next process to finish: one message, three charts.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Database, openDatabase } from '../src/db/client.js';
import { BotProcess, waitFor, writeClock } from './support/botProcess.js';
import { FakeSlack } from './support/fakeSlack.js';
import { createTestDatabaseUrl } from './support/harness.js';
import { pngSize } from './support/png.js';

const MANAGERS = 'C0MANAGERS';
const DIGEST_ON = { digest: { enabled: true } };

function setup(prefix: string) {
  const s = {
    fake: undefined as unknown as FakeSlack,
    database: undefined as unknown as { url: string; drop(): Promise<void> },
    dir: '',
    clockFile: '',
    db: undefined as Database | undefined,
    bots: [] as BotProcess[],
  };
  before(async () => {
    s.fake = await new FakeSlack().start();
    s.database = await createTestDatabaseUrl();
    s.dir = mkdtempSync(path.join(tmpdir(), prefix));
    s.clockFile = path.join(s.dir, 'now');
  });
  after(async () => {
    await Promise.all(s.bots.map((b) => b.kill()));
    await s.db?.close();
    await s.fake.stop();
    await s.database.drop();
    rmSync(s.dir, { recursive: true, force: true });
  });
  return s;
}

const digestsFor = (fake: FakeSlack, to: string) =>
  fake.posted(MANAGERS).filter((m) => !m.files && m.text?.startsWith('Weekly support digest') && m.text.includes(`→ ${to}`));
const filesFor = (fake: FakeSlack, endDay: string) => fake.files.filter((f) => f.channel === MANAGERS && f.name.includes(`-${endDay}-`));
const nothingToSend = async (db: Database) =>
  (await db.db.outboxMessage.count({ where: { status: { in: ['pending', 'sending'] } } })) === 0;

const skipUnlessPostgres =
  process.env.TEST_DATABASE === 'postgresql'
    ? false
    : 'runs on PostgreSQL only (TEST_DATABASE=postgresql TEST_POSTGRES_URL=…): replicas need a shared server database';

describe('two bot processes on one PostgreSQL database, both ticking at Monday 09:00', { skip: skipUnlessPostgres }, () => {
  const s = setup('supportbot-digest-replicas-');

  it('send exactly one digest', async () => {
    writeClock(s.clockFile, '2026-11-22T12:00:00Z');
    // One after the other, so that only the first applies the migrations. Both check every 20 ms.
    for (let i = 0; i < 2; i++) {
      s.bots.push(
        await BotProcess.start({
          databaseUrl: s.database.url,
          slackApiUrl: s.fake.apiUrl,
          clockFile: s.clockFile,
          config: DIGEST_ON,
          digestTickMs: 20,
        }),
      );
    }
    s.db = await openDatabase(s.database.url);
    const db = s.db;
    // The first process sent the week it missed (to Mon 16 Nov) on start; the second found it sent.
    await waitFor('the missed week', async () => filesFor(s.fake, '2026-11-16').length === 1 && (await nothingToSend(db)));
    assert.equal(digestsFor(s.fake, 'Mon 16 Nov 09:00 GMT').length, 1);

    writeClock(s.clockFile, '2026-11-23T09:00:00Z');
    await waitFor('the week to Monday 23 Nov', async () => filesFor(s.fake, '2026-11-23').length >= 1 && (await nothingToSend(db)));
    // Ticks go on in both processes; give a second copy time to show up if there were one.
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(await nothingToSend(db), true);
    assert.equal(digestsFor(s.fake, 'Mon 23 Nov 09:00 GMT').length, 1);
    assert.equal(filesFor(s.fake, '2026-11-23').length, 1, 'one chart (tickets per day) for an empty week');
    const runs = await db.db.job.findMany({ where: { kind: 'digest' }, orderBy: { dueAt: 'asc' } });
    assert.deepEqual(
      runs.map((j) => [j.dedupKey, j.status]),
      [
        ['digest:2026-11-16T09:00:00.000Z', 'done'],
        ['digest:2026-11-23T09:00:00.000Z', 'done'],
      ],
    );
    assert.equal(await db.db.outboxMessage.count({ where: { orderingKey: 'digest:2026-11-23T09:00:00.000Z' } }), 2);
  });
});

describe('a bot process killed (kill -9) while posting the digest it recorded', () => {
  const s = setup('supportbot-digest-crash-');

  // The test's own connection is closed while a process starts: on SQLite, applying migrations
  // needs the database file to itself.
  const start = async () => {
    await s.db?.close();
    s.db = undefined;
    s.bots.push(
      await BotProcess.start({ databaseUrl: s.database.url, slackApiUrl: s.fake.apiUrl, clockFile: s.clockFile, config: DIGEST_ON }),
    );
    s.db = await openDatabase(s.database.url);
    return s.db;
  };

  it('is finished by the next process: one message, every chart once, not built again', async () => {
    // Slack posts the digest message but its answer never arrives: the process is stuck mid-send.
    s.fake.fail('chat.postMessage', { afterSuccessHang: true }, 1, (args) => args.channel === MANAGERS);
    writeClock(s.clockFile, '2026-11-23T09:30:00Z');
    let db = await start();
    await waitFor('the digest message at Slack', () => digestsFor(s.fake, 'Mon 23 Nov 09:00 GMT').length === 1);
    await s.bots.pop()!.kill('SIGKILL');
    const queued = () =>
      db.db.outboxMessage.findMany({ where: { orderingKey: 'digest:2026-11-23T09:00:00.000Z' }, orderBy: { id: 'asc' } });
    assert.deepEqual(
      (await queued()).map((m) => [m.method, m.status]),
      [
        ['post', 'sending'],
        ['upload', 'pending'],
      ],
      'recorded and queued before the kill; nothing shared yet',
    );
    assert.equal(s.fake.files.length, 0);

    // Past the outbox's claim lease (2 min) that the dead process left behind.
    writeClock(s.clockFile, '2026-11-23T09:33:00Z');
    db = await start();
    await waitFor('the digest finished', async () => filesFor(s.fake, '2026-11-23').length === 1 && (await nothingToSend(db)));
    assert.equal(digestsFor(s.fake, 'Mon 23 Nov 09:00 GMT').length, 1, 'the message Slack had already posted is not posted again');
    assert.ok(pngSize(filesFor(s.fake, '2026-11-23')[0]!.bytes).width >= 800);
    assert.equal(await db.db.job.count({ where: { kind: 'digest' } }), 1);
    assert.deepEqual(
      (await queued()).map((m) => m.status),
      ['sent', 'sent'],
    );
  });
});
