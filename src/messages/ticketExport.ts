// The tickets CSV of `/support export`, written by csv-stringify: one row per ticket, times in UTC
// (ISO 8601), durations in minutes with one decimal. Safe to open in a spreadsheet: a cell starting
// with = + - @ tab or carriage return gets a leading apostrophe, so it is shown, never run.
import { stringify } from 'csv-stringify/sync';
import type { TicketTimings } from '../domain/metrics.js';

/** A row of the CSV: the ticket's timings, its service's name and the SLA verdict (null while open). */
export type CsvTicket = Omit<TicketTimings, 'service'> & { serviceName: string; slaMet: boolean | null };

export const CSV_COLUMNS = [
  'ticket',
  'opened_at',
  'priority',
  'service',
  'status',
  'title',
  'reporter',
  'owner',
  'first_response_at',
  'first_responder',
  'first_response_minutes',
  'resolved_at',
  'time_to_resolve_minutes',
  'waiting_minutes',
  'sla_due_at',
  'sla_met',
  'sla_breached_at',
  'code_change_needed',
  'duplicate_of',
  'incident',
  'times_reopened',
] as const;

/** A cell a spreadsheet would read as a formula gets a leading apostrophe (OWASP's CSV injection advice). */
export function inertCell(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

const iso = (d: Date | null) => (d ? d.toISOString() : '');
const minutes = (m: number | null) => (m === null ? '' : (Math.round(m * 10) / 10).toString());
const yesNo = (b: boolean | null) => (b === null ? '' : b ? 'yes' : 'no');

export function ticketsCsv(tickets: CsvTicket[]): string {
  const rows = tickets.map((t) =>
    [
      String(t.id),
      iso(t.createdAt),
      t.priority,
      t.serviceName,
      t.status,
      t.title,
      t.reporterId,
      t.ownerId ?? '',
      iso(t.firstResponseAt),
      t.firstResponderId ?? '',
      minutes(t.firstResponseMinutes),
      iso(t.resolvedAt),
      minutes(t.resolveMinutes),
      minutes(t.waitingMinutes),
      iso(t.slaDueAt),
      yesNo(t.slaMet),
      iso(t.breachedAt),
      yesNo(t.codeChangeNeeded),
      t.duplicateOfId === null ? '' : String(t.duplicateOfId),
      yesNo(t.incident),
      String(t.reopened),
    ].map(inertCell),
  );
  return stringify([[...CSV_COLUMNS], ...rows], { record_delimiter: 'windows' });
}
