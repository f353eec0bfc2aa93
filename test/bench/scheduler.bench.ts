// One scheduler pass over 100,000 open tickets (200,000 pending SLA jobs) of which 100 have their
// reminder due, on SQLite and (when TEST_POSTGRES_URL is set) PostgreSQL, next to the floor: the
// bare indexed query that finds those 100 jobs. Printed: the floor; a pass with no-op handlers (the
// scheduler's own cost: its transaction and the claim statement); and a real pass, where each of the
// 100 reminders reads its ticket and the gardener on duty and queues its two Slack messages.
import { performance } from 'node:perf_hooks';
import { pino } from 'pino';
import { ManualClock } from '../../src/clock.js';
import { parseSupportConfig } from '../../src/config/supportConfig.js';
import { openDatabase, type Db } from '../../src/db/client.js';
import type { Provider } from '../../src/db/provider.js';
import { applyMigrations } from '../../src/db/migrate.js';
import { Scheduler } from '../../src/jobs/scheduler.js';
import { findTickets } from '../../src/repos/tickets.js';
import { SLA_BREACH, SLA_REMINDER, slaJobHandlers, slaTimers } from '../../src/services/slaTimers.js';
import { createTestDatabaseUrl, testConfigDoc } from '../support/harness.js';
import { insert, median, onEachDatabase } from './bulkInsert.js';

const TICKETS = 100_000;
const DUE = 100;
const RUNS = 9;
const NOW = new Date('2026-11-24T12:00:00Z');
const MIN = 60_000;
const config = parseSupportConfig(testConfigDoc(), 'bench config');

async function seed(db: Db, provider: Provider): Promise<void> {
  // The first DUE tickets are unowned P1s filed 50 minutes ago: their reminders came due 5 minutes
  // ago. The other tickets' reminders and breaches are spread over the coming weeks.
  const tickets = Array.from({ length: TICKETS }, (_, i) => {
    const startedAt = new Date(NOW.getTime() - (i < DUE ? 50 : 1) * MIN);
    return {
      id: i + 1,
      title: `ticket ${i}`,
      description: 'benchmark',
      priority: i < DUE ? 'P1' : (['P1', 'P2', 'P3'] as const)[i % 3]!,
      service: 'checkout',
      reporterId: 'UREPORTER',
      channelId: config.channels.support,
      rootTs: `1700000000.${String(i).padStart(6, '0')}`,
      createdAt: startedAt,
      updatedAt: startedAt,
      slaStartedAt: startedAt,
    };
  });
  await insert(db, provider, 'Ticket', tickets);
  const dueTickets = await findTickets(
    db,
    Array.from({ length: DUE }, (_, i) => i + 1),
  );
  const jobs = [
    ...dueTickets.flatMap((t) => {
      const timers = slaTimers(config, t)!;
      return [timers.reminder, timers.breach].map((timer) => ({
        kind: timer.kind,
        ticketId: t.id,
        dueAt: timer.at,
        dedupKey: timer.dedupKey,
      }));
    }),
    ...tickets.slice(DUE).flatMap((t) => {
      const at = NOW.getTime() + (10 + (t.id % 30_000)) * MIN;
      return [SLA_REMINDER, SLA_BREACH].map((kind, n) => ({
        kind,
        ticketId: t.id,
        dueAt: new Date(at + n * 15 * MIN),
        dedupKey: `${kind}:${t.id}:bench`,
      }));
    }),
  ];
  await insert(db, provider, 'Job', jobs);
}

async function bench(provider: 'sqlite' | 'postgresql'): Promise<void> {
  const { url, drop } = await createTestDatabaseUrl(provider);
  await applyMigrations(url);
  const database = await openDatabase(url);
  const { db } = database;
  try {
    const seeded = performance.now();
    await seed(db, provider);
    await db.$executeRawUnsafe('ANALYZE');
    const pending = await db.job.count({ where: { status: 'pending' } });
    const dueNow = await db.job.count({ where: { status: 'pending', dueAt: { lte: NOW } } });
    console.log(
      `${provider}: seeded ${TICKETS} open tickets, ${pending} pending jobs, ${dueNow} due, in ${((performance.now() - seeded) / 1000).toFixed(1)} s`,
    );

    const p = (n: number) => (provider === 'postgresql' ? `$${n}` : '?');
    const floorSql = `SELECT "id" FROM "Job" WHERE "status" = 'pending' AND "dueAt" <= ${p(1)} ORDER BY "dueAt" LIMIT ${p(2)}`;
    const clock = new ManualClock(NOW);
    const quiet = pino({ level: 'silent' });
    const real = new Scheduler(db, provider, clock, slaJobHandlers(config), quiet);
    const noop = new Scheduler(db, provider, clock, { [SLA_REMINDER]: async () => {} }, quiet);
    const dueIds = (await db.$queryRawUnsafe<Array<{ id: number }>>(floorSql, NOW, DUE)).map((r) => r.id);
    const reset = async () => {
      await db.job.updateMany({
        where: { id: { in: dueIds } },
        data: { status: 'pending', claimedBy: null, claimedAt: null, attempts: 0, doneAt: null },
      });
      await db.outboxMessage.deleteMany();
    };

    const floor: number[] = [];
    const overhead: number[] = [];
    const pass: number[] = [];
    const timed = async <T>(into: number[], run: () => Promise<T>): Promise<T> => {
      const t = performance.now();
      const result = await run();
      into.push(performance.now() - t);
      return result;
    };
    for (let run = 0; run < RUNS + 1; run++) {
      const found = await timed(floor, () => db.$queryRawUnsafe<unknown[]>(floorSql, NOW, DUE));
      if (found.length !== DUE) throw new Error(`the floor query found ${found.length}`);
      if ((await timed(overhead, () => noop.pass())) !== DUE) throw new Error('the no-op pass missed jobs');
      await reset();
      if ((await timed(pass, () => real.pass())) !== DUE || (await db.outboxMessage.count()) !== 2 * DUE)
        throw new Error('the pass missed jobs');
      await reset();
    }
    // The first run warms caches and prepared statements; it is not counted.
    const [f, o, p1] = [floor, overhead, pass].map((xs) => median(xs.slice(1))) as [number, number, number];
    const line = (what: string, ms: number) =>
      console.log(`${provider.padEnd(10)} ${what.padEnd(52)} ${ms.toFixed(2).padStart(8)} ms  ${(ms / f).toFixed(1).padStart(6)}x`);
    line(`bare indexed query finding the ${DUE} due jobs (floor)`, f);
    line(`scheduler pass, no-op handlers (claim + commit)`, o);
    line(`scheduler pass, ${DUE} real SLA reminders`, p1);
  } finally {
    await database.close();
    await drop();
  }
}

await onEachDatabase(bench);
