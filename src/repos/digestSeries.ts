// The series behind the digest's charts, each one grouped query with
// the same results on SQLite and PostgreSQL. The one dialect difference, hours between two
// timestamps, is `hoursBetween` below; everything else is SQL both databases read alike (window
// functions, CASE buckets, CAST to DOUBLE PRECISION / INTEGER so that PostgreSQL's numeric and
// bigint come back as plain numbers).
import type { Provider } from '../db/provider.js';
import { isPriority, PRIORITIES, type Priority } from '../domain/priority.js';
import { Prisma } from '../generated/sqlite/client.js';
import type { Db, Tx } from './db.js';

type Reader = Db | Tx;
export interface Period {
  from: Date;
  to: Date;
}

/** Hours from column `a` to column `b` of "Ticket" (SQLite keeps timestamps as ISO 8601 text). */
function hoursBetween(provider: Provider, a: string, b: string): Prisma.Sql {
  return provider === 'postgresql'
    ? Prisma.raw(`EXTRACT(EPOCH FROM ("${b}" - "${a}")) / 3600.0`)
    : // julianday's fractions carry float noise; rounded to whole milliseconds, hours come out exact.
      Prisma.raw(`ROUND((julianday("${b}") - julianday("${a}")) * 86400000.0) / 3600000.0`);
}

export interface OpenTime {
  priority: Priority;
  resolved: number;
  averageHours: number;
  medianHours: number;
}

/**
 * Tickets resolved in the period (duplicates excepted), per priority: how many, and the average and
 * median hours from opened to resolved. The median is the middle row (or the mean of the two middle
 * rows) by ROW_NUMBER within the priority.
 */
export async function openTimeByPriority(db: Reader, provider: Provider, period: Period): Promise<OpenTime[]> {
  const rows = await db.$queryRaw<Array<{ priority: string; n: number; average: number; median: number }>>`
    WITH d AS (
      SELECT "priority", ${hoursBetween(provider, 'createdAt', 'resolvedAt')} AS h
      FROM "Ticket"
      WHERE "status" = 'resolved' AND "duplicateOfId" IS NULL AND "resolvedAt" >= ${period.from} AND "resolvedAt" < ${period.to}
    ), r AS (
      SELECT "priority", h, ROW_NUMBER() OVER (PARTITION BY "priority" ORDER BY h) AS rn, COUNT(*) OVER (PARTITION BY "priority") AS n FROM d
    )
    SELECT "priority", CAST(MAX(n) AS INTEGER) AS n, CAST(AVG(h) AS DOUBLE PRECISION) AS average,
      CAST(AVG(CASE WHEN rn IN ((n + 1) / 2, (n + 2) / 2) THEN h END) AS DOUBLE PRECISION) AS median
    FROM r GROUP BY "priority" ORDER BY "priority"`;
  return rows
    .flatMap((r) => (isPriority(r.priority) ? [{ ...r, priority: r.priority }] : []))
    .map((r) => ({ priority: r.priority, resolved: Number(r.n), averageHours: Number(r.average), medianHours: Number(r.median) }));
}

/** Tickets opened in [days[i], days[i + 1]) (the last up to `to`), one count per day, zeros included. */
export async function ticketsPerDay(db: Reader, days: Date[], to: Date): Promise<number[]> {
  if (!days.length) return [];
  const bucket = Prisma.join(
    days.slice(1).map((start, i) => Prisma.sql`WHEN "createdAt" < ${start} THEN ${i}`),
    ' ',
  );
  const rows = await db.$queryRaw<Array<{ day: number; n: number }>>`
    SELECT CAST(CASE ${bucket} ELSE ${days.length - 1} END AS INTEGER) AS day, CAST(COUNT(*) AS INTEGER) AS n
    FROM "Ticket" WHERE "createdAt" >= ${days[0]} AND "createdAt" < ${to}
    GROUP BY 1`;
  const counts = days.map(() => 0);
  for (const r of rows) counts[Number(r.day)] = Number(r.n);
  return counts;
}
