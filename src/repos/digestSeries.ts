// The one digest series the report does not have: tickets opened per local day. The other charts
// read the report's figures (services/digest.ts). One grouped query, the same on SQLite and
// PostgreSQL (CASE buckets over day boundaries the domain computes; CAST to INTEGER so that
// PostgreSQL's bigint comes back as a plain number).
import { Prisma } from '../generated/sqlite/client.js';
import type { Db, Tx } from './db.js';

type Reader = Db | Tx;

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
