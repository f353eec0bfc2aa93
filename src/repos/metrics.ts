// The report's figures, computed in SQL: grouped queries on indexed columns, percentiles included,
// identical on SQLite and PostgreSQL (dialect differences are in sqlDialect.ts). Durations are the
// integers stored on the ticket (resolveMs, firstResponseMs) and every figure reads its rows from
// an index alone (prisma/schema.prisma says which). Nothing here loads the tickets of a period; the
// Details rows are bounded lists. Each function covers one period [from, to); what each figure
// counts is written in docs/reports.md.
import { PRODUCTION } from '../domain/deploy.js';
import { type DeployTally, type DurationStats, NO_DURATIONS, type Period } from '../domain/metrics.js';
import type { Db, Tx } from './db.js';
import { dialectFor, join, num, numOrNull, percentilesBy, type Sql, type SqlDialect, sql } from './sqlDialect.js';
import type { Provider } from '../db/provider.js';

export type Reader = Db | Tx;
export type { DeployTally, DurationStats };

/** How a query reaches the database: the handle and its dialect. */
export interface MetricsDb {
  db: Reader;
  dialect: SqlDialect;
}

export function metricsDb(db: Reader, provider: Provider): MetricsDb {
  return { db, dialect: dialectFor(provider) };
}

type Row = Record<string, unknown>;
const query = (m: MetricsDb, q: Sql) => m.db.$queryRaw<Row[]>(q);

const minutes = (ms: unknown) => {
  const v = numOrNull(ms);
  return v === null ? null : v / 60_000;
};

function statsByGroup(rows: Row[]): Map<string, DurationStats> {
  return new Map(
    rows.map((r) => [
      String(r.grp),
      { count: num(r.n), avgMinutes: minutes(r.avg), medianMinutes: minutes(r.p50), p90Minutes: minutes(r.p90) },
    ]),
  );
}

const inPeriod = (column: Sql, p: Period) => sql`${column} >= ${p.from} AND ${column} < ${p.to}`;

/**
 * The resolved tickets a period's resolution figures are about: finally resolved in the period
 * (resolvedAt is the last resolution: a reopen clears it), duplicates left out.
 */
const resolvedIn = (p: Period) => sql`t."status" = 'resolved' AND t."duplicateOfId" IS NULL AND ${inPeriod(sql`t."resolvedAt"`, p)}`;

/** Tickets filed in the period, by their current priority. */
export async function ticketsOpened(m: MetricsDb, p: Period): Promise<Map<string, number>> {
  const rows = await query(
    m,
    sql`SELECT t."priority" AS grp, COUNT(*) AS n FROM "Ticket" t WHERE ${inPeriod(sql`t."createdAt"`, p)} GROUP BY t."priority"`,
  );
  return new Map(rows.map((r) => [String(r.grp), num(r.n)]));
}

/** Time to resolve (opened → final resolution, wall clock, waiting included) by priority. */
export async function timeToResolve(m: MetricsDb, p: Period): Promise<Map<string, DurationStats>> {
  const source = sql`SELECT t."priority" AS grp, t."resolveMs" AS v FROM "Ticket" t WHERE ${resolvedIn(p)}`;
  return statsByGroup(await query(m, percentilesBy(m.dialect, source)));
}

/**
 * SLA met by priority: the SLA clock's own verdict on the resolved tickets — not breached and
 * resolved by the due time (which waiting on the reporter moved; a reopen restarts the clock).
 */
export async function slaMet(m: MetricsDb, p: Period): Promise<Map<string, { met: number; total: number }>> {
  const rows = await query(
    m,
    sql`SELECT t."priority" AS grp, COUNT(*) AS total,
        SUM(CASE WHEN t."breachedAt" IS NULL AND (t."slaDueAt" IS NULL OR t."resolvedAt" <= t."slaDueAt") THEN 1 ELSE 0 END) AS met
      FROM "Ticket" t WHERE ${resolvedIn(p)} GROUP BY t."priority"`,
  );
  return new Map(rows.map((r) => [String(r.grp), { met: num(r.met), total: num(r.total) }]));
}

/**
 * First response (opened → first reply by someone else, or Take it) over the first responses given
 * in the period: the ticket's firstResponseAt, written once with the `first_response` event, at its instant.
 */
export async function firstResponse(m: MetricsDb, p: Period): Promise<DurationStats> {
  const source = sql`SELECT 'all' AS grp, t."firstResponseMs" AS v FROM "Ticket" t WHERE ${inPeriod(sql`t."firstResponseAt"`, p)}`;
  return statsByGroup(await query(m, percentilesBy(m.dialect, source))).get('all') ?? NO_DURATIONS;
}

/**
 * Time to restore: over incident tickets resolved in the period — P1, or marked as an incident
 * (a deploy confirmed as the cause) — opened → final resolution.
 */
export async function timeToRestore(m: MetricsDb, p: Period): Promise<DurationStats> {
  const source = sql`SELECT 'all' AS grp, t."resolveMs" AS v FROM "Ticket" t WHERE ${resolvedIn(p)} AND (t."priority" = 'P1' OR t."incident")`;
  return statsByGroup(await query(m, percentilesBy(m.dialect, source))).get('all') ?? NO_DURATIONS;
}

export interface ServiceRequests {
  service: string;
  requests: number;
  codeChanges: number;
}

/** Resolved requests by service and how many needed a code change; most requests first. */
export async function requestsByService(m: MetricsDb, p: Period): Promise<ServiceRequests[]> {
  // Materialized: otherwise SQLite groups by walking the (service, status) index over every resolved ticket.
  const rows = await query(
    m,
    sql`WITH r AS MATERIALIZED (SELECT t."service" AS service, t."codeChangeNeeded" AS code FROM "Ticket" t WHERE ${resolvedIn(p)})
      SELECT service, COUNT(*) AS n, SUM(CASE WHEN code THEN 1 ELSE 0 END) AS code FROM r GROUP BY service ORDER BY COUNT(*) DESC, service`,
  );
  return rows.map((r) => ({ service: String(r.service), requests: num(r.n), codeChanges: num(r.code) }));
}

/** Production deploys in the period, overall and per service id (services without deploys are absent). */
export async function deployTallies(m: MetricsDb, p: Period): Promise<DeployTally & { byService: Record<string, DeployTally> }> {
  const rows = await query(
    m,
    sql`SELECT d."service" AS service, COUNT(*) AS n,
        SUM(CASE WHEN d."changeFailure" THEN 1 ELSE 0 END) AS failures,
        SUM(CASE WHEN d."outsideWindow" THEN 1 ELSE 0 END) AS outside
      FROM "Deploy" d WHERE d."environment" = ${PRODUCTION} AND ${inPeriod(sql`d."deployedAt"`, p)}
      GROUP BY d."service" ORDER BY d."service"`,
  );
  const total: DeployTally = { deploys: 0, failures: 0, outside: 0 };
  const byService: Record<string, DeployTally> = {};
  for (const r of rows) {
    const t = { deploys: num(r.n), failures: num(r.failures), outside: num(r.outside) };
    byService[String(r.service)] = t;
    total.deploys += t.deploys;
    total.failures += t.failures;
    total.outside += t.outside;
  }
  return { ...total, byService };
}

/** On how many 24-hour slots of the period (counted from its start) at least one production deploy happened. */
export async function deployDays(m: MetricsDb, p: Period): Promise<number> {
  const slot = sql`(${m.dialect.epochMs(sql`d."deployedAt"`)} - ${m.dialect.int(p.from.getTime())}) / 86400000`;
  const rows = await query(
    m,
    sql`SELECT COUNT(DISTINCT ${slot}) AS n FROM "Deploy" d WHERE d."environment" = ${PRODUCTION} AND ${inPeriod(sql`d."deployedAt"`, p)}`,
  );
  return num(rows[0]?.n);
}

/** Out-of-hours pages (every DM page, escalations included) by person; most first. */
export async function pagesByPerson(m: MetricsDb, p: Period): Promise<Array<{ userId: string; pages: number }>> {
  const rows = await query(
    m,
    sql`SELECT g."userId" AS u, COUNT(*) AS n FROM "Page" g WHERE ${inPeriod(sql`g."at"`, p)}
      GROUP BY g."userId" ORDER BY COUNT(*) DESC, g."userId"`,
  );
  return rows.map((r) => ({ userId: String(r.u), pages: num(r.n) }));
}

/** Who held a gardener rotation when: [from, to) in epoch ms (rotations are config, so the caller works them out). */
export interface DutySpan {
  rotationId: string;
  userId: string;
  fromMs: number;
  toMs: number;
}

/**
 * Tickets taken in the period, and of those, taken by the person on gardener duty for the ticket's
 * squad at that moment. `services` maps each service id to its squad's gardener rotation.
 */
export async function gardenerTakes(
  m: MetricsDb,
  p: Period,
  duty: { services: Array<{ service: string; rotationId: string }>; spans: DutySpan[] },
): Promise<{ taken: number; byGardener: number }> {
  const d = m.dialect;
  const taken = sql`SELECT COUNT(DISTINCT e."ticketId") FROM "TicketEvent" e WHERE e."type" = 'taken' AND ${inPeriod(sql`e."at"`, p)}`;
  const [from, to] = [p.from.getTime(), p.to.getTime()];
  const spans = duty.spans.filter((s) => s.toMs > from && s.fromMs < to);
  let byGardener = sql`0`;
  if (duty.services.length && spans.length) {
    const seg = join(
      spans.map(
        (s) =>
          sql`(${d.text(s.rotationId)}, ${d.text(s.userId)}, ${d.timestamp(new Date(Math.max(s.fromMs, from)))}, ${d.timestamp(new Date(Math.min(s.toMs, to)))})`,
      ),
    );
    // The ticket's rotation as an expression, not a joined table: joined, both planners pair every
    // span with every service of its rotation before looking at a single take.
    const rotationOf = sql`CASE t."service" ${join(
      duty.services.map((s) => sql`WHEN ${d.text(s.service)} THEN ${d.text(s.rotationId)}`),
      ' ',
    )} END`;
    // Each span, cut to the period, reads its holder's takes from the (type, actorId, at) index;
    // only those are looked up for their ticket's service.
    byGardener = sql`(WITH seg (rotation, user_id, from_at, to_at) AS (VALUES ${seg})
      SELECT COUNT(DISTINCT e."ticketId") FROM seg
        JOIN "TicketEvent" e ON e."type" = 'taken' AND e."actorId" = seg.user_id AND e."at" >= seg.from_at AND e."at" < seg.to_at
        JOIN "Ticket" t ON t."id" = e."ticketId"
      WHERE ${rotationOf} = seg.rotation)`;
  }
  const rows = await query(m, sql`SELECT (${taken}) AS taken, ${byGardener} AS g`);
  return { taken: num(rows[0]?.taken), byGardener: num(rows[0]?.g) };
}

// The rows behind the numbers (the Details view): bounded lists.

export interface FailedDeploy {
  id: number;
  service: string;
  version: string;
  status: string;
  deployedAt: Date;
  /** Tickets confirmed as caused by it. */
  tickets: Array<{ id: number; title: string }>;
}

/** The production deploys counted as change failures in the period, newest first, with the tickets they caused. */
export async function failedDeploys(db: Reader, p: Period, take: number): Promise<FailedDeploy[]> {
  const rows = await db.deploy.findMany({
    where: { environment: PRODUCTION, changeFailure: true, deployedAt: { gte: p.from, lt: p.to } },
    orderBy: [{ deployedAt: 'desc' }, { id: 'desc' }],
    take,
    include: {
      links: { where: { verdict: 'caused' }, orderBy: { ticketId: 'asc' }, include: { ticket: { select: { id: true, title: true } } } },
    },
  });
  return rows.map((d) => ({
    id: d.id,
    service: d.service,
    version: d.version,
    status: d.status,
    deployedAt: d.deployedAt,
    tickets: d.links.map((l) => l.ticket),
  }));
}

export interface SlowTicket {
  id: number;
  title: string;
  priority: string;
  service: string;
  minutes: number;
}

const toSlowTicket = (r: Row): SlowTicket => ({
  id: num(r.id),
  title: String(r.title),
  priority: String(r.priority),
  service: String(r.service),
  minutes: num(r.v) / 60_000,
});

/** The `perPriority` slowest resolved tickets of each priority (the time-to-resolve cohort), slowest first. */
export async function slowestTickets(m: MetricsDb, p: Period, perPriority: number): Promise<SlowTicket[]> {
  const rows = await query(
    m,
    sql`SELECT id, title, priority, service, v FROM (
        SELECT t."id" AS id, t."title" AS title, t."priority" AS priority, t."service" AS service,
          t."resolveMs" AS v, ROW_NUMBER() OVER (PARTITION BY t."priority" ORDER BY t."resolveMs" DESC, t."id") AS rn
        FROM "Ticket" t WHERE ${resolvedIn(p)}) AS ranked
      WHERE rn <= ${m.dialect.int(perPriority)} ORDER BY priority, v DESC, id`,
  );
  return rows.map(toSlowTicket);
}

/** Services with the most resolved requests that needed no code change; most first. */
export async function noCodeServices(m: MetricsDb, p: Period, take: number): Promise<Array<{ service: string; requests: number }>> {
  const rows = await query(
    m,
    sql`SELECT t."service" AS service, COUNT(*) AS n FROM "Ticket" t
      WHERE ${resolvedIn(p)} AND NOT (CASE WHEN t."codeChangeNeeded" THEN 1 ELSE 0 END = 1)
      GROUP BY t."service" ORDER BY COUNT(*) DESC, t."service" LIMIT ${m.dialect.int(take)}`,
  );
  return rows.map((r) => ({ service: String(r.service), requests: num(r.n) }));
}

/** The incident tickets behind time to restore, slowest first. */
export async function incidentTickets(m: MetricsDb, p: Period, take: number): Promise<SlowTicket[]> {
  const rows = await query(
    m,
    sql`SELECT t."id" AS id, t."title" AS title, t."priority" AS priority, t."service" AS service, t."resolveMs" AS v
      FROM "Ticket" t WHERE ${resolvedIn(p)} AND (t."priority" = 'P1' OR t."incident")
      ORDER BY v DESC, t."id" LIMIT ${m.dialect.int(take)}`,
  );
  return rows.map(toSlowTicket);
}
