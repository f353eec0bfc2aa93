// The job scheduler on a real database (SQLite, or PostgreSQL with TEST_DATABASE=postgresql), with
// handlers defined here: due order, exactly-once effects, retries, cancellation, concurrent passes.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { pino } from 'pino';
import { ManualClock } from '../src/clock.js';
import { openDatabase, type Database, type Tx } from '../src/db/client.js';
import { applyMigrations } from '../src/db/migrate.js';
import { cancelJobs, scheduleJob, scheduleJobs, Scheduler, type Job, type JobHandlers } from '../src/jobs/scheduler.js';
import { isUniqueViolation } from '../src/repos/db.js';
import { enqueue } from '../src/outbox/queue.js';
import { createTestDatabaseUrl } from './support/harness.js';

const T0 = new Date('2026-11-24T10:00:00Z');
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);
const log = pino({ level: 'silent' });

/** A job's effect: an outbox row naming the job, written in the job's transaction. */
const effect = (tx: Tx, job: Job, now: Date) => enqueue(tx, { kind: 'post', channel: 'C0TEST', text: `job ${job.id}` }, { now });

describe('job scheduler', () => {
  let database: Database;
  let drop: () => Promise<void>;
  let url: string;
  let clock: ManualClock;
  const failures = new Map<number, number>();
  const handlers: JobHandlers = {
    'test.effect': async (tx, jobs, now) => {
      for (const job of jobs) await effect(tx, job, now);
    },
    // Fails its first n attempts (failures: job id → n).
    'test.flaky': async (tx, jobs, now) => {
      for (const job of jobs) {
        await effect(tx, job, now);
        if (job.attempts <= (failures.get(job.id) ?? 0)) throw new Error('flaky handler');
      }
    },
    // Counts its jobs once its transaction has committed (as the SLA metrics do).
    'test.counted': async (tx, jobs, now, afterCommit) => {
      for (const job of jobs) await effect(tx, job, now);
      afterCommit(() => {
        counted += jobs.length;
      });
    },
    // Holds its pass's transaction open until the test lets go.
    'test.blocking': async (tx, jobs, now) => {
      for (const job of jobs) await effect(tx, job, now);
      await blocked;
    },
  };
  let blocked: Promise<void> = Promise.resolve();
  let counted = 0;
  const scheduler = (opts: { batchSize?: number; db?: Database } = {}) =>
    new Scheduler((opts.db ?? database).db, database.provider, clock, handlers, log, opts.batchSize);
  const effects = () => database.db.outboxMessage.count();
  const effectsOf = async (jobId: number) =>
    (await database.db.outboxMessage.findMany()).filter((m) => JSON.parse(m.payload).text === `job ${jobId}`).length;

  before(async () => {
    ({ url, drop } = await createTestDatabaseUrl());
    await applyMigrations(url);
    database = await openDatabase(url);
  });
  after(async () => {
    await database.close();
    await drop();
  });
  beforeEach(async () => {
    await database.db.outboxMessage.deleteMany();
    await database.db.job.deleteMany();
    clock = new ManualClock(T0);
    failures.clear();
  });

  it('runs a job once when it is due, not before, earliest first', async () => {
    await scheduleJob(database.db, { kind: 'test.effect', dueAt: at(60) });
    await scheduleJob(database.db, { kind: 'test.effect', dueAt: at(30) });
    const s = scheduler();
    assert.equal(await s.drain(), 0);
    clock.set(at(59));
    assert.equal(await s.drain(), 1, 'only the job due at +30 s');
    clock.set(at(60));
    assert.equal(await s.drain(), 1);
    assert.equal(await s.drain(), 0, 'nothing runs twice');
    const jobs = await database.db.job.findMany({ orderBy: { id: 'asc' } });
    assert.deepEqual(
      jobs.map((j) => [j.status, j.attempts, j.doneAt?.toISOString()]),
      [
        ['done', 1, at(60).toISOString()],
        ['done', 1, at(59).toISOString()],
      ],
    );
    assert.equal(await effects(), 2);
  });

  it('rolls back the effects of a failed handler and retries it with backoff until it succeeds', async () => {
    await scheduleJob(database.db, { kind: 'test.flaky', dueAt: T0 });
    const job = (await database.db.job.findFirst())!;
    failures.set(job.id, 2);
    const s = scheduler();
    await s.drain();
    let row = (await database.db.job.findUnique({ where: { id: job.id } }))!;
    assert.equal(row.status, 'pending');
    assert.equal(row.lastError, 'flaky handler');
    assert.equal(row.dueAt.toISOString(), at(1).toISOString(), 'first retry after 1 s');
    assert.equal(await effectsOf(job.id), 0, 'the effect of the failed run was rolled back');
    clock.set(at(1));
    await s.drain();
    row = (await database.db.job.findUnique({ where: { id: job.id } }))!;
    assert.equal(row.dueAt.toISOString(), at(3).toISOString(), 'second retry 2 s later');
    clock.set(at(3));
    await s.drain();
    row = (await database.db.job.findUnique({ where: { id: job.id } }))!;
    assert.equal(row.status, 'done');
    assert.equal(row.attempts, 3);
    assert.equal(await effectsOf(job.id), 1, 'the successful run committed its effect once');
  });

  it('a failing job does not hold back the others due with it', async () => {
    await scheduleJob(database.db, { kind: 'test.effect', dueAt: T0 });
    await scheduleJob(database.db, { kind: 'test.flaky', dueAt: T0 });
    await scheduleJob(database.db, { kind: 'test.effect', dueAt: T0 });
    const [first, flaky, last] = await database.db.job.findMany({ orderBy: { id: 'asc' } });
    failures.set(flaky!.id, 1);
    await scheduler().drain();
    assert.deepEqual(
      (await database.db.job.findMany({ orderBy: { id: 'asc' } })).map((j) => j.status),
      ['done', 'pending', 'done'],
    );
    assert.deepEqual([await effectsOf(first!.id), await effectsOf(flaky!.id), await effectsOf(last!.id)], [1, 0, 1]);
  });

  it("a handler's after-commit effect runs once its job has committed, not for a batch that rolled back", async () => {
    counted = 0;
    await scheduleJob(database.db, { kind: 'test.counted', dueAt: T0 });
    await scheduleJob(database.db, { kind: 'test.flaky', dueAt: T0 });
    const [job, flaky] = await database.db.job.findMany({ orderBy: { id: 'asc' } });
    failures.set(flaky!.id, 1);
    await scheduler().drain();
    assert.equal(await effectsOf(job!.id), 1);
    assert.equal(counted, 1, 'the batch that rolled back did not count; the job run on its own did');
  });

  it('a job of an unknown kind is retried, not dropped', async () => {
    await scheduleJob(database.db, { kind: 'test.unknown', dueAt: T0 });
    await scheduler().drain();
    const row = (await database.db.job.findFirst())!;
    assert.equal(row.status, 'pending');
    assert.match(row.lastError!, /no handler for job kind "test.unknown"/);
  });

  it('cancelling keeps the jobs named in keep, and a cancelled dedupKey can be scheduled again', async () => {
    await scheduleJob(database.db, { kind: 'test.effect', ticketId: 8, dueAt: at(10), dedupKey: 'a' });
    await scheduleJob(database.db, { kind: 'test.effect', ticketId: 8, dueAt: at(20), dedupKey: 'b' });
    await database.db.$transaction((tx) => cancelJobs(tx, { ticketId: 8, kinds: ['test.effect'], keep: ['b'] }));
    await scheduleJob(database.db, { kind: 'test.effect', ticketId: 8, dueAt: at(30), dedupKey: 'a' });
    const rows = await database.db.job.findMany({ orderBy: { id: 'asc' } });
    assert.deepEqual(
      rows.map((r) => [r.status, r.dedupKey]),
      [
        ['cancelled', null],
        ['pending', 'b'],
        ['pending', 'a'],
      ],
    );
    // A unique violation callers recognise (a replica that scheduled the same work first), also
    // from the several-row INSERT that plans a ticket's SLA timers.
    for (const jobs of [[{ dedupKey: 'b' }], [{ dedupKey: 'c' }, { dedupKey: 'b' }]])
      await assert.rejects(
        scheduleJobs(
          database.db,
          jobs.map((j) => ({ kind: 'test.effect', ticketId: 8, dueAt: at(40), ...j })),
        ),
        (err) => isUniqueViolation(err),
        'a live dedupKey is unique',
      );
    assert.equal(await database.db.job.count({ where: { dedupKey: 'c' } }), 0, 'nothing of a refused INSERT is kept');
  });

  it('on PostgreSQL, a pass skips the jobs another pass holds instead of waiting for them', {
    skip: process.env.TEST_DATABASE !== 'postgresql' && 'row locks: PostgreSQL only',
  }, async () => {
    await scheduleJob(database.db, { kind: 'test.blocking', dueAt: T0 });
    await scheduleJob(database.db, { kind: 'test.effect', dueAt: at(1) });
    clock.set(at(1));
    let release!: () => void;
    blocked = new Promise((r) => (release = r));
    const second = await openDatabase(url);
    try {
      const holding = scheduler({ batchSize: 1 }).pass();
      await new Promise((r) => setTimeout(r, 200));
      assert.equal(await scheduler({ batchSize: 10, db: second }).pass(), 1, 'only the job nobody holds');
      release();
      assert.equal(await holding, 1);
      const jobs = await database.db.job.findMany();
      assert.ok(jobs.every((j) => j.status === 'done' && j.attempts === 1));
      assert.equal(await effects(), 2);
    } finally {
      release();
      await second.close();
    }
  });

  it('two schedulers racing over the same due jobs claim and run each exactly once', async () => {
    const n = 300;
    await database.db.job.createMany({ data: Array.from({ length: n }, (_, i) => ({ kind: 'test.effect', dueAt: at(-i % 7) })) });
    // PostgreSQL: a second connection pool, as a second process has. SQLite: one connection, because
    // better-sqlite3 waits for a lock synchronously and would stall a second one in this process;
    // the claim is still one statement per scheduler, racing the other's.
    const second = database.provider === 'postgresql' ? await openDatabase(url) : database;
    try {
      const a = scheduler({ batchSize: 10 });
      const b = scheduler({ batchSize: 10, db: second });
      const [byA, byB] = await Promise.all([a.drain(), b.drain()]);
      assert.equal(byA + byB, n, 'claims add up to the jobs, none twice');
      const jobs = await database.db.job.findMany();
      assert.equal(jobs.length, n);
      assert.ok(
        jobs.every((j) => j.status === 'done' && j.attempts === 1),
        'every job claimed once',
      );
      const owners = new Set(jobs.map((j) => j.claimedBy!.split(':')[0]));
      assert.equal(owners.size, 2, 'both schedulers took a share');
      const outbox = await database.db.outboxMessage.findMany();
      assert.equal(outbox.length, n, 'one effect per job');
      assert.equal(new Set(outbox.map((m) => JSON.parse(m.payload).text)).size, n);
    } finally {
      if (second !== database) await second.close();
    }
  });
});
