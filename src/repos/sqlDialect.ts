// Everything the report queries write differently for SQLite and PostgreSQL, in one place: a
// timestamp as epoch milliseconds, bound values with their types, a real number, and the
// percentiles (nearest rank, each database with its own aggregate) — so both databases give the
// same figures to the millisecond.
import type { Provider } from '../db/provider.js';
import { Prisma } from '../generated/sqlite/client.js';

export type Sql = Prisma.Sql;
export const sql = Prisma.sql;
export const join = Prisma.join;
export const raw = Prisma.raw;
export const empty = Prisma.empty;

export interface SqlDialect {
  provider: Provider;
  /** A timestamp expression as whole epoch milliseconds (an integer). */
  epochMs(timestamp: Sql): Sql;
  /** A bound integer, typed so that VALUES lists and comparisons agree on both databases. */
  int(value: number): Sql;
  /** A bound text, typed likewise. */
  text(value: string): Sql;
  /** A bound instant, typed likewise and comparable with a DateTime column. */
  timestamp(value: Date): Sql;
  /** A numeric expression as a double (AVG of integers is NUMERIC on PostgreSQL). */
  real(expr: Sql): Sql;
  /** See percentilesBy. */
  percentiles(source: Sql): Sql;
}

/**
 * The nearest rank of percentile `p` among `n` values, 1-based: ceil(p × n / 100), which integer
 * division on both databases computes as (n × p + 99) / 100.
 */
const nearestRank = (n: Sql, p: number) => sql`((${n} * ${raw(String(p))} + 99) / 100)`;

/**
 * SQLite's percentile_disc(v, f) (built into better-sqlite3) returns the sorted value at 0-based
 * index floor(f × (n − 1)), not the nearest rank; the fraction that lands on nearest rank k is
 * (k − 1 + ½) / (n − 1): the half keeps floating-point error off the index boundary, and
 * MIN caps the last rank at 1 (k = n). It needs n first, hence the count over the same source.
 */
function sqlitePercentiles(source: Sql): Sql {
  const fraction = (p: number) => sql`MIN(1.0, (${nearestRank(sql`c.n`, p)} - 0.5) / MAX(c.n - 1, 1))`;
  return sql`
    SELECT m.grp AS grp, c.n AS n, CAST(AVG(m.v) AS REAL) AS avg,
      percentile_disc(m.v, ${fraction(50)}) AS p50, percentile_disc(m.v, ${fraction(90)}) AS p90
    FROM (${source}) AS m JOIN (SELECT grp, COUNT(*) AS n FROM (${source}) AS s GROUP BY grp) AS c ON c.grp = m.grp
    GROUP BY m.grp, c.n`;
}

/** PostgreSQL's percentile_disc is nearest rank: the first value whose cumulative share reaches p. */
function postgresqlPercentiles(source: Sql): Sql {
  return sql`
    SELECT grp, COUNT(*) AS n, CAST(AVG(v) AS DOUBLE PRECISION) AS avg,
      percentile_disc(0.5) WITHIN GROUP (ORDER BY v) AS p50, percentile_disc(0.9) WITHIN GROUP (ORDER BY v) AS p90
    FROM (${source}) AS measured GROUP BY grp`;
}

const sqlite: SqlDialect = {
  provider: 'sqlite',
  // Prisma stores SQLite DateTimes as ISO text; julianday reads it exactly to the millisecond once rounded.
  epochMs: (t) => sql`CAST(ROUND((julianday(${t}) - 2440587.5) * 86400000.0) AS INTEGER)`,
  int: (v) => sql`CAST(${Math.trunc(v)} AS INTEGER)`,
  text: (v) => sql`CAST(${v} AS TEXT)`,
  // Bound as the same ISO text Prisma stores, so text comparison orders it with the column.
  timestamp: (v) => sql`CAST(${v} AS TEXT)`,
  real: (e) => sql`CAST(${e} AS REAL)`,
  percentiles: sqlitePercentiles,
};

const postgresql: SqlDialect = {
  provider: 'postgresql',
  // timestamp(3) without time zone holds UTC here: EXTRACT(EPOCH) reads it as such.
  epochMs: (t) => sql`CAST(ROUND(EXTRACT(EPOCH FROM ${t}) * 1000) AS BIGINT)`,
  int: (v) => sql`CAST(${Math.trunc(v)} AS BIGINT)`,
  text: (v) => sql`CAST(${v} AS TEXT)`,
  timestamp: (v) => sql`CAST(${v} AS TIMESTAMP(3))`,
  real: (e) => sql`CAST(${e} AS DOUBLE PRECISION)`,
  percentiles: postgresqlPercentiles,
};

export function dialectFor(provider: Provider): SqlDialect {
  return provider === 'postgresql' ? postgresql : sqlite;
}

/** Milliseconds from `from` to `to` (two timestamp expressions). */
export function msBetween(d: SqlDialect, from: Sql, to: Sql): Sql {
  return sql`(${d.epochMs(to)} - ${d.epochMs(from)})`;
}

/**
 * Count, average, median and p90 of `v` per `grp` over `source` (a SELECT of columns `grp` and `v`).
 * Percentiles by nearest rank: the value at rank ceil(p × n / 100) in ascending order, so a
 * percentile is always one of the measured values (for an even count the median is the lower middle).
 */
export function percentilesBy(d: SqlDialect, source: Sql): Sql {
  return d.percentiles(source);
}

/** A value the drivers return for a number: number, bigint (PostgreSQL COUNT), Decimal or text. */
export function num(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'string') return Number(value);
  if (value && typeof value === 'object' && 'toNumber' in value) return (value as { toNumber(): number }).toNumber();
  if (value === null || value === undefined) return 0;
  throw new TypeError(`Not a number from the database: ${String(value)}`);
}

export function numOrNull(value: unknown): number | null {
  return value === null || value === undefined ? null : num(value);
}
