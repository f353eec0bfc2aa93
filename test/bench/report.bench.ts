// The full report (a period and the one before it: every figure of /support report) over 100,000
// tickets with their events (created, taken, first response, resolved: ~390,000) and 10,000 deploys
// spread over half a year, on SQLite and (when TEST_POSTGRES_URL is set) PostgreSQL, next to the
// floor: the same figures computed by hand-written SQL in the same run (one statement per figure
// group and period, the engine's own percentile where it has one). The floor's figures are checked
// against the report's, so both compute the same thing. Printed: median ms of 5 runs and the ratio.
// REPORT_BENCH_DAYS=90 (or 7,30) times only those periods; BENCH_DATABASE=sqlite only that database.
import { performance } from 'node:perf_hooks';
import type { SupportConfig } from '../../src/config/supportConfig.js';
import type { Db } from '../../src/db/client.js';
import type { Provider } from '../../src/db/provider.js';
import { type PeriodDays, periodsAt } from '../../src/domain/metrics.js';
import { buildReport, type Report } from '../../src/services/reports.js';
import { median, onEachDatabase } from './bulkInsert.js';
import { benchConfig, DEPLOYS, floorQueries, MIN, NOW, SPAN_DAYS, seededBenchDatabase, TICKETS } from './reportData.js';

const RUNS = 5;
const PERIODS = (process.env.REPORT_BENCH_DAYS ?? '7,30,90').split(',').map((d): PeriodDays => {
  if (d !== '7' && d !== '30' && d !== '90') throw new Error(`REPORT_BENCH_DAYS lists 7, 30 or 90, not ${d}`);
  return Number(d) as PeriodDays;
});

type FloorResult = Record<string, unknown[][]>;

async function floor(db: Db, provider: Provider, config: SupportConfig, days: PeriodDays): Promise<FloorResult[]> {
  const { current, previous } = periodsAt(days, NOW);
  const out: FloorResult[] = [];
  for (const p of [current, previous]) {
    const result: FloorResult = {};
    for (const q of floorQueries(provider, config, p))
      result[q.name] = (await db.$queryRawUnsafe<Array<Record<string, unknown>>>(q.sql)).map((r) => Object.values(r));
    out.push(result);
  }
  return out;
}

const n = (v: unknown) => (v === null ? null : Number(v));

/** The floor computes what the report shows: a few figures compared, for each period. */
function checkSame(report: Report, floors: FloorResult[]): void {
  for (const [i, figures] of [report.current, report.previous].entries()) {
    const f = floors[i]!;
    const opened = f.opened!.reduce((sum, r) => sum + n(r[1])!, 0);
    const p2 = f.resolve!.find((r) => r[0] === 'P2')!;
    const first = f.firstResponse![0]!;
    const deploys = f.deploys!.reduce<[number, number]>((s, r) => [s[0] + n(r[1])!, s[1] + n(r[2])!], [0, 0]);
    const pairs: Array<[string, unknown, unknown]> = [
      ['opened', figures.opened.total, opened],
      ['P2 resolved', figures.timeToResolve.P2.count, n(p2[1])],
      ['P2 median', figures.timeToResolve.P2.medianMinutes, n(p2[3])! / MIN],
      ['P2 p90', figures.timeToResolve.P2.p90Minutes, n(p2[4])! / MIN],
      ['first response median', figures.firstResponse.medianMinutes, n(first[3])! / MIN],
      ['deploys', figures.deploys.deploys, deploys[0]],
      ['failures', figures.deploys.failures, deploys[1]],
      ['deploy days', figures.frequency.deployDays, n(f.deployDays![0]![0])],
      ['restore median', figures.timeToRestore.medianMinutes, n(f.restore![0]![3])! / MIN],
      ['taken', figures.gardeners.whole, n(f.gardeners![0]![0])],
      ['by gardeners', figures.gardeners.part, n(f.gardeners![0]![1])],
    ];
    for (const [what, ours, theirs] of pairs)
      if (Math.abs(Number(ours) - Number(theirs)) > 1e-9) throw new Error(`${what}: report ${ours}, floor ${theirs}`);
  }
}

async function bench(provider: Provider): Promise<void> {
  const seeded = await seededBenchDatabase(provider);
  const { db } = seeded.database;
  const config = benchConfig();
  try {
    const events = await db.ticketEvent.count();
    console.log(
      `${provider}: seeded ${TICKETS} tickets, ${events} events, ${DEPLOYS} deploys over ${SPAN_DAYS} days in ${seeded.seconds.toFixed(1)} s`,
    );
    for (const days of PERIODS) {
      const ours: number[] = [];
      const theirs: number[] = [];
      let report: Report | undefined;
      let floors: FloorResult[] = [];
      for (let run = 0; run < RUNS + 1; run++) {
        let t = performance.now();
        floors = await floor(db, provider, config, days);
        theirs.push(performance.now() - t);
        t = performance.now();
        report = await buildReport({ db, provider, config }, { period: days, now: NOW });
        ours.push(performance.now() - t);
      }
      checkSame(report!, floors);
      // The first run warms caches and prepared statements; it is not counted.
      const [o, f] = [median(ours.slice(1)), median(theirs.slice(1))];
      console.log(
        `${provider.padEnd(10)} full report ${String(days).padStart(2)}d (both periods): ${o.toFixed(1).padStart(7)} ms   hand-written SQL floor: ${f.toFixed(1).padStart(7)} ms   ratio ${(o / f).toFixed(2)}x   (${report!.current.opened.total} tickets opened in the period)`,
      );
    }
  } finally {
    await seeded.close();
  }
}

await onEachDatabase(bench);
