// The report bench's data and its floor (see report.bench.ts): 100,000 tickets with their events,
// 10,000 deploys and 3,000 pages over half a year, bulk-inserted; and the hand-written SQL of every
// figure of one period.
import type { SupportConfig } from '../../src/config/supportConfig.js';
import { parseSupportConfig } from '../../src/config/supportConfig.js';
import { performance } from 'node:perf_hooks';
import { type Database, type Db, openDatabase } from '../../src/db/client.js';
import { applyMigrations } from '../../src/db/migrate.js';
import type { Provider } from '../../src/db/provider.js';
import type { Period } from '../../src/domain/metrics.js';
import { dutySegments } from '../../src/domain/rotation.js';
import { createTestDatabaseUrl, testConfigDoc } from '../support/harness.js';
import { insert } from './bulkInsert.js';

export const TICKETS = 100_000;
export const DEPLOYS = 10_000;
const PAGES = 3_000;
export const SPAN_DAYS = 180;
export const NOW = new Date('2026-11-24T12:00:00Z');
export const MIN = 60_000;
const DAY = 1440 * MIN;
const SERVICES = ['checkout', 'billing', 'search', 'cart', 'ledger', 'orders', 'emails', 'tax', 'auth', 'media'];
const ENGINEERS = Array.from({ length: 20 }, (_, i) => `UENG${i}`);

export function benchConfig(): SupportConfig {
  const doc = testConfigDoc();
  for (const id of SERVICES.slice(3)) doc.services[id] = { name: id, squad: 'payments' };
  return parseSupportConfig(doc, 'bench config');
}

/**
 * A new, migrated database holding the seeded history, its statistics fresh: what the report and
 * App Home benches read. `seconds` is how long seeding took; `close` closes and drops it.
 */
export async function seededBenchDatabase(provider: Provider): Promise<{ database: Database; seconds: number; close(): Promise<void> }> {
  const { url, drop } = await createTestDatabaseUrl(provider);
  await applyMigrations(url);
  const database = await openDatabase(url);
  const started = performance.now();
  await seed(database.db, provider);
  // A live PostgreSQL database is vacuumed by autovacuum; a fresh bulk insert is not yet, and until
  // it is, index-only scans visit the table (and the run times whenever autovacuum starts).
  await database.db.$executeRawUnsafe(provider === 'postgresql' ? 'VACUUM ANALYZE' : 'ANALYZE');
  const seconds = (performance.now() - started) / 1000;
  return {
    database,
    seconds,
    async close() {
      await database.close();
      await drop();
    },
  };
}

export async function seed(db: Db, provider: Provider): Promise<void> {
  const tickets: Array<Record<string, unknown>> = [];
  const events: Array<Record<string, unknown>> = [];
  const at = (ms: number) => new Date(ms);
  for (let i = 0; i < TICKETS; i++) {
    const created = NOW.getTime() - Math.floor(((i + 0.5) * SPAN_DAYS * DAY) / TICKETS);
    const priority = i % 20 === 0 ? 'P1' : i % 20 < 8 ? 'P2' : 'P3';
    const owner = i % 7 === 0 ? (i % 2 ? 'UGARD1' : 'UGARD2') : ENGINEERS[i % ENGINEERS.length]!;
    const firstResponse = created + ((i * 37) % 240) * MIN + MIN;
    const resolvedMs = created + ((i * 7919) % 3000) * MIN + 5 * MIN;
    const resolved = i % 10 !== 0 && resolvedMs < NOW.getTime() && firstResponse < resolvedMs;
    const due = created + (priority === 'P1' ? 60 : priority === 'P2' ? 180 : 1440) * MIN;
    tickets.push({
      id: i + 1,
      title: `ticket ${i}`,
      description: 'benchmark',
      priority,
      service: SERVICES[i % SERVICES.length]!,
      reporterId: 'UREPORTER',
      ownerId: owner,
      status: resolved ? 'resolved' : 'in_progress',
      channelId: 'C0SUPPORT',
      createdAt: at(created),
      updatedAt: at(created),
      slaStartedAt: at(created),
      slaDueAt: at(due),
      breachedAt: (resolved ? resolvedMs : NOW.getTime()) > due ? at(due) : null,
      firstResponseAt: firstResponse < NOW.getTime() ? at(firstResponse) : null,
      firstResponseMs: firstResponse < NOW.getTime() ? firstResponse - created : null,
      firstResponderId: firstResponse < NOW.getTime() ? owner : null,
      resolvedAt: resolved ? at(resolvedMs) : null,
      resolveMs: resolved ? resolvedMs - created : null,
      codeChangeNeeded: resolved ? i % 3 === 0 : null,
      duplicateOfId: resolved && i % 50 === 1 ? i : null,
      incident: i % 33 === 0,
    });
    events.push({ ticketId: i + 1, type: 'created', actorId: 'UREPORTER', at: at(created) });
    if (firstResponse < NOW.getTime()) {
      events.push({ ticketId: i + 1, type: 'taken', actorId: owner, at: at(firstResponse) });
      events.push({ ticketId: i + 1, type: 'first_response', actorId: owner, at: at(firstResponse) });
    }
    if (resolved) events.push({ ticketId: i + 1, type: 'resolved', actorId: owner, at: at(resolvedMs) });
  }
  await insert(db, provider, 'Ticket', tickets);
  await insert(db, provider, 'TicketEvent', events);
  const deploys = Array.from({ length: DEPLOYS }, (_, i) => {
    const deployedAt = at(NOW.getTime() - Math.floor(((i + 0.5) * SPAN_DAYS * DAY) / DEPLOYS));
    return {
      id: i + 1,
      dedupKey: `bench:${i}`,
      service: SERVICES[(i * 3) % SERVICES.length]!,
      version: `1.${i}`,
      environment: i % 10 === 9 ? 'staging' : 'production',
      status: i % 25 === 0 ? 'rolled_back' : i % 31 === 0 ? 'failed' : 'succeeded',
      changeFailure: i % 25 === 0 || i % 31 === 0 || i % 17 === 0,
      outsideWindow: i % 20 === 3,
      deployedAt,
      createdAt: deployedAt,
    };
  });
  await insert(db, provider, 'Deploy', deploys);
  // Deploys flagged as causing tickets have a caused link to the ticket filed right after them.
  const links = deploys
    .filter((d) => (d.id - 1) % 17 === 0)
    .map((d) => ({ deployId: d.id, ticketId: Math.min(TICKETS, Math.max(1, d.id * 10)), verdict: 'caused', createdAt: d.deployedAt }));
  await insert(db, provider, 'DeployLink', links);
  const pages = Array.from({ length: PAGES }, (_, i) => ({
    ticketId: i * 20 + 1,
    userId: `UONCALL${(i % 3) + 1}`,
    at: at(NOW.getTime() - Math.floor(((i + 0.5) * SPAN_DAYS * DAY) / PAGES)),
  }));
  await insert(db, provider, 'Page', pages);
}

/**
 * Hand-written SQL for every figure of one period: the floor. Parameters are the period's bounds.
 * It reads the same schema as the report: the stored durations and the covering indexes.
 */
export function floorQueries(provider: Provider, config: SupportConfig, p: Period): Array<{ name: string; sql: string }> {
  const pg = provider === 'postgresql';
  const ms = (c: string) => (pg ? `(EXTRACT(EPOCH FROM ${c}) * 1000)` : `((julianday(${c}) - 2440587.5) * 86400000.0)`);
  const lit = (d: Date) =>
    pg ? `TIMESTAMP '${d.toISOString().replace('T', ' ').replace('Z', '')}'` : `'${d.toISOString().replace('Z', '+00:00')}'`;
  const inP = (c: string) => `${c} >= ${lit(p.from)} AND ${c} < ${lit(p.to)}`;
  const resolved = `"status" = 'resolved' AND "duplicateOfId" IS NULL AND ${inP('"resolvedAt"')}`;
  // PostgreSQL's percentile_disc is nearest rank. SQLite's (built into better-sqlite3) takes the
  // value at index floor(f × (n − 1)), so the fraction for rank k = ceil(p × n) is (k − ½) / (n − 1).
  const frac = (q: number) => `MIN(1.0, ((c.n * ${q} + 99) / 100 - 0.5) / MAX(c.n - 1, 1))`;
  const pct = (grp: string, v: string, from: string) =>
    pg
      ? `SELECT ${grp} AS grp, COUNT(*) AS n, AVG(${v}) AS avg, percentile_disc(0.5) WITHIN GROUP (ORDER BY ${v}) AS p50, percentile_disc(0.9) WITHIN GROUP (ORDER BY ${v}) AS p90 FROM ${from} GROUP BY 1`
      : `SELECT m.grp, c.n, AVG(m.v) AS avg, percentile_disc(m.v, ${frac(50)}) AS p50, percentile_disc(m.v, ${frac(90)}) AS p90
         FROM (SELECT ${grp} AS grp, ${v} AS v FROM ${from}) m JOIN (SELECT ${grp} AS grp, COUNT(*) AS n FROM ${from} GROUP BY 1) c ON c.grp = m.grp GROUP BY 1, 2`;
  const rotationOf: string[] = [];
  const segments: string[] = [];
  const ts = (ms: number) => (pg ? `CAST(${lit(new Date(ms))} AS TIMESTAMP(3))` : lit(new Date(ms)));
  for (const squad of Object.values(config.squads)) {
    if (!squad.gardener) continue;
    for (const s of Object.values(config.services)) if (s.squad === squad.id) rotationOf.push(`WHEN '${s.id}' THEN '${squad.gardener.id}'`);
    for (const d of dutySegments(squad.gardener, [], p.from, p.to))
      if (d.user) segments.push(`('${squad.gardener.id}', '${d.user}', ${ts(d.from.getTime())}, ${ts(d.to.getTime())})`);
  }
  return [
    { name: 'opened', sql: `SELECT "priority", COUNT(*) FROM "Ticket" WHERE ${inP('"createdAt"')} GROUP BY 1` },
    { name: 'resolve', sql: pct('"priority"', '"resolveMs"', `"Ticket" WHERE ${resolved}`) },
    {
      name: 'sla',
      sql: `SELECT "priority", COUNT(*) AS n, SUM(CASE WHEN "breachedAt" IS NULL AND ("slaDueAt" IS NULL OR "resolvedAt" <= "slaDueAt") THEN 1 ELSE 0 END) AS met FROM "Ticket" WHERE ${resolved} GROUP BY 1`,
    },
    { name: 'firstResponse', sql: pct(`'all'`, '"firstResponseMs"', `"Ticket" WHERE ${inP('"firstResponseAt"')}`) },
    {
      name: 'requests',
      sql: `WITH r AS MATERIALIZED (SELECT "service", "codeChangeNeeded" FROM "Ticket" WHERE ${resolved}) SELECT "service", COUNT(*) AS n, SUM(CASE WHEN "codeChangeNeeded" THEN 1 ELSE 0 END) AS code FROM r GROUP BY 1`,
    },
    {
      name: 'deploys',
      sql: `SELECT "service", COUNT(*) AS n, SUM(CASE WHEN "changeFailure" THEN 1 ELSE 0 END) AS failures, SUM(CASE WHEN "outsideWindow" THEN 1 ELSE 0 END) AS outside FROM "Deploy" WHERE "environment" = 'production' AND ${inP('"deployedAt"')} GROUP BY 1`,
    },
    {
      name: 'deployDays',
      sql: `SELECT COUNT(DISTINCT ${pg ? 'FLOOR' : 'CAST'}((${ms('"deployedAt"')} - ${p.from.getTime()}) / 86400000${pg ? '' : ' AS INTEGER'})) FROM "Deploy" WHERE "environment" = 'production' AND ${inP('"deployedAt"')}`,
    },
    { name: 'restore', sql: pct(`'all'`, '"resolveMs"', `"Ticket" WHERE ${resolved} AND ("priority" = 'P1' OR "incident")`) },
    { name: 'pages', sql: `SELECT "userId", COUNT(*) FROM "Page" WHERE ${inP('"at"')} GROUP BY 1` },
    {
      name: 'gardeners',
      sql: `WITH seg (rotation, user_id, from_at, to_at) AS (VALUES ${segments.join(', ')})
        SELECT (SELECT COUNT(DISTINCT "ticketId") FROM "TicketEvent" WHERE "type" = 'taken' AND ${inP('"at"')}) AS taken,
          (SELECT COUNT(DISTINCT e."ticketId") FROM seg JOIN "TicketEvent" e ON e."type" = 'taken' AND e."actorId" = seg.user_id AND e."at" >= seg.from_at AND e."at" < seg.to_at
            JOIN "Ticket" t ON t."id" = e."ticketId" WHERE CASE t."service" ${rotationOf.join(' ')} END = seg.rotation) AS g`,
    },
  ];
}
