// App Home on the report bench's data (100,000 tickets over half a year, 10,000 of them open; 10,000
// deploys): how long one person's dashboard takes to build and queue when they open the tab, and
// how long one refresh job pass takes — the team part once, the tickets of 40 viewers in one query,
// 40 views.publish rows — inside the scheduler's transaction. Printed: median ms of 5 runs.
import { performance } from 'node:perf_hooks';
import { pino } from 'pino';
import { ManualClock } from '../../src/clock.js';
import type { Provider } from '../../src/db/provider.js';
import { Scheduler } from '../../src/jobs/scheduler.js';
import { inTransaction } from '../../src/repos/db.js';
import { HOME_REFRESH_LIMITS, homeJobHandlers, openHome, planHomeRefresh } from '../../src/services/home.js';
import { median, onEachDatabase } from './bulkInsert.js';
import { benchConfig, NOW, seededBenchDatabase } from './reportData.js';

const RUNS = 5;
const log = pino({ level: 'silent' });

async function bench(provider: Provider): Promise<void> {
  const seeded = await seededBenchDatabase(provider);
  const { db } = seeded.database;
  const config = benchConfig();
  try {
    // The seeded owners (each owns ~500 open tickets), the reporter of every ticket, and people with none.
    const viewers = [...Array.from({ length: 20 }, (_, i) => `UENG${i}`), 'UGARD1', 'UGARD2', 'UREPORTER'];
    while (viewers.length < HOME_REFRESH_LIMITS.publishesPerRun) viewers.push(`UVIEWER${viewers.length}`);
    await db.homeViewer.createMany({ data: viewers.map((userId) => ({ userId, openedAt: NOW })) });
    const open = await db.ticket.count({ where: { status: { not: 'resolved' } } });

    const clock = new ManualClock(NOW);
    const deps = { db, provider, config, clock, kick: () => {} };
    const opens: number[] = [];
    const refreshes: number[] = [];
    const scheduler = new Scheduler(db, provider, clock, homeJobHandlers({ provider, config }), log);
    for (let run = 0; run < RUNS + 1; run++) {
      const at = new Date(NOW.getTime() + run * HOME_REFRESH_LIMITS.debounceMs);
      clock.set(at);
      let t = performance.now();
      await openHome(deps, 'UENG0');
      opens.push(performance.now() - t);
      await inTransaction(db, (tx) => planHomeRefresh(tx, 1, at));
      clock.set(new Date(at.getTime() + HOME_REFRESH_LIMITS.debounceMs));
      t = performance.now();
      const ran = await scheduler.pass();
      refreshes.push(performance.now() - t);
      if (ran !== 1) throw new Error(`the refresh pass ran ${ran} jobs`);
    }
    const published = await db.outboxMessage.count({ where: { method: 'call' } });
    if (published !== (RUNS + 1) * (1 + viewers.length)) throw new Error(`${published} views.publish queued`);
    const bytes = (await db.outboxMessage.findFirst({ where: { method: 'call' }, orderBy: { id: 'desc' } }))!.payload.length;
    // The first run warms caches and prepared statements; it is not counted.
    console.log(
      `${provider.padEnd(10)} ${open} open tickets: open Home (build + queue 1 view) ${median(opens.slice(1)).toFixed(1).padStart(7)} ms   refresh pass (${viewers.length} viewers) ${median(refreshes.slice(1)).toFixed(1).padStart(7)} ms   one view ${(bytes / 1024).toFixed(1)} kB`,
    );
  } finally {
    await seeded.close();
  }
}

await onEachDatabase(bench);
