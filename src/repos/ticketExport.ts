// The tickets of a period with their timings, for `/support export`: one query, the durations
// computed in SQL (sqlDialect.ts), rows ordered by ticket number.
import type { Period, TicketTimings } from '../domain/metrics.js';
import type { MetricsDb, Reader } from './metrics.js';
import { msBetween, num, numOrNull, sql } from './sqlDialect.js';

export type { Reader, TicketTimings };

const date = (v: unknown) => (v === null || v === undefined ? null : new Date(v as string | Date));
const bool = (v: unknown) => (v === null || v === undefined ? null : typeof v === 'boolean' ? v : num(v) === 1);

function waiting(pauses: unknown): number {
  const list = JSON.parse(String(pauses ?? '[]')) as Array<{ from: string; to: string }>;
  return list.reduce((sum, p) => sum + Math.max(0, Date.parse(p.to) - Date.parse(p.from)), 0) / 60_000;
}

/** Tickets filed in the period, oldest first. */
export async function ticketsFiledForExport(m: MetricsDb, p: Period): Promise<TicketTimings[]> {
  const d = m.dialect;
  const rows = await m.db.$queryRaw<Array<Record<string, unknown>>>(sql`
    SELECT t."id", t."createdAt", t."priority", t."service", t."status", t."title", t."reporterId", t."ownerId",
      t."firstResponseAt", t."firstResponderId", t."resolvedAt", t."slaDueAt", t."breachedAt", t."codeChangeNeeded",
      t."duplicateOfId", t."incident", t."pauses",
      ${msBetween(d, sql`t."createdAt"`, sql`t."firstResponseAt"`)} AS fr_ms,
      ${msBetween(d, sql`t."createdAt"`, sql`t."resolvedAt"`)} AS resolve_ms,
      (SELECT COUNT(*) FROM "TicketEvent" e WHERE e."ticketId" = t."id" AND e."type" = 'reopened') AS reopens
    FROM "Ticket" t WHERE t."createdAt" >= ${p.from} AND t."createdAt" < ${p.to} ORDER BY t."id"`);
  return rows.map((r) => {
    const fr = numOrNull(r.fr_ms);
    const resolve = numOrNull(r.resolve_ms);
    return {
      id: num(r.id),
      createdAt: date(r.createdAt)!,
      priority: String(r.priority),
      service: String(r.service),
      status: String(r.status),
      title: String(r.title),
      reporterId: String(r.reporterId),
      ownerId: r.ownerId === null ? null : String(r.ownerId),
      firstResponseAt: date(r.firstResponseAt),
      firstResponderId: r.firstResponderId === null ? null : String(r.firstResponderId),
      firstResponseMinutes: fr === null ? null : fr / 60_000,
      resolvedAt: date(r.resolvedAt),
      resolveMinutes: resolve === null ? null : resolve / 60_000,
      waitingMinutes: waiting(r.pauses),
      slaDueAt: date(r.slaDueAt),
      breachedAt: date(r.breachedAt),
      codeChangeNeeded: bool(r.codeChangeNeeded),
      duplicateOfId: numOrNull(r.duplicateOfId),
      incident: bool(r.incident) ?? false,
      reopened: num(r.reopens),
    };
  });
}
