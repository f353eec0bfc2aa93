// Everything the report queries write differently for SQLite and PostgreSQL, in one place: a
// timestamp as epoch milliseconds, a bound integer with its type, a real number, and the one
// percentile method (nearest rank) — so both databases give the same figures to the millisecond.
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
  /** A numeric expression as a double (AVG of integers is NUMERIC on PostgreSQL). */
  real(expr: Sql): Sql;
}

const sqlite: SqlDialect = {
  provider: 'sqlite',
  // Prisma stores SQLite DateTimes as ISO text; julianday reads it exactly to the millisecond once rounded.
  epochMs: (t) => sql`CAST(ROUND((julianday(${t}) - 2440587.5) * 86400000.0) AS INTEGER)`,
  int: (v) => sql`CAST(${Math.trunc(v)} AS INTEGER)`,
  text: (v) => sql`CAST(${v} AS TEXT)`,
  real: (e) => sql`CAST(${e} AS REAL)`,
};

const postgresql: SqlDialect = {
  provider: 'postgresql',
  // timestamp(3) without time zone holds UTC here: EXTRACT(EPOCH) reads it as such.
  epochMs: (t) => sql`CAST(ROUND(EXTRACT(EPOCH FROM ${t}) * 1000) AS BIGINT)`,
  int: (v) => sql`CAST(${Math.trunc(v)} AS BIGINT)`,
  text: (v) => sql`CAST(${v} AS TEXT)`,
  real: (e) => sql`CAST(${e} AS DOUBLE PRECISION)`,
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
 * Integer division on both databases computes the ceiling as (n × p + 99) / 100.
 */
export function percentilesBy(d: SqlDialect, source: Sql): Sql {
  return sql`
    SELECT grp, MAX(n) AS n, ${d.real(sql`AVG(v)`)} AS avg,
      MAX(CASE WHEN rn = (n * 50 + 99) / 100 THEN v END) AS p50,
      MAX(CASE WHEN rn = (n * 90 + 99) / 100 THEN v END) AS p90
    FROM (
      SELECT grp, v, ROW_NUMBER() OVER (PARTITION BY grp ORDER BY v) AS rn, COUNT(*) OVER (PARTITION BY grp) AS n
      FROM (${source}) AS measured
    ) AS ranked
    GROUP BY grp`;
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
