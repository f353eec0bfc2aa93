// The outbox's queue: a use case writes its state change and the Slack messages it implies in one
// transaction; the relay (relay.ts) delivers them at least once, in order per ticket.
import type { KnownBlock } from '@slack/types';
import type { Db, Tx } from '../db/client.js';
import { Prisma } from '../generated/sqlite/client.js';

/** What a queued message asks Slack for. Ticket-bound kinds are rendered from the ticket when sent. */
export type OutboxKind =
  /** Post the ticket's root message, or edit it to show the ticket as it is now. */
  | { kind: 'ticket.root'; ticketId: number }
  /** A reply in the ticket's thread (also edits nothing). */
  | { kind: 'ticket.reply'; ticketId: number; text: string; blocks?: KnownBlock[] }
  /** The reporter's confirmation: a DM with the permalink of the root message. */
  | { kind: 'ticket.confirm'; ticketId: number }
  /** A DM to someone about a ticket (a page); the permalink of the root message is appended. */
  | { kind: 'ticket.dm'; ticketId: number; userId: string; text: string }
  /**
   * Any chat.postMessage (channel announcements, DMs to a user id). `thread` makes it a reply to the
   * message queued under that dedupKey (e.g. a deploy announcement), whose ts is known only once sent.
   */
  | { kind: 'post'; channel: string; text: string; blocks?: KnownBlock[]; ticketId?: number; thread?: { dedupKey: string } }
  /** Any other Web API call, e.g. usergroups.users.update. */
  | { kind: 'call'; method: string; args: Record<string, unknown> };

function outboxRow(message: OutboxKind, opts: { now: Date; dedupKey?: string }) {
  const ticketId = 'ticketId' in message ? (message.ticketId ?? null) : null;
  return {
    method: message.kind,
    payload: JSON.stringify(message),
    ticketId,
    orderingKey: ticketId !== null ? `ticket:${ticketId}` : null,
    nextAttemptAt: opts.now,
    createdAt: opts.now,
    ...(opts.dedupKey ? { dedupKey: opts.dedupKey } : {}),
  };
}

export async function enqueue(tx: Tx | Db, message: OutboxKind, opts: { now: Date; dedupKey?: string }): Promise<void> {
  await tx.outboxMessage.create({ data: outboxRow(message, opts) });
}

/**
 * Several messages (a batch of timers) in one INSERT, delivered in the order given. Raw SQL because
 * Prisma's createMany compiles every value into its query plan, at about 0.25 ms a row: most of
 * the time of an SLA pass otherwise.
 */
export async function enqueueAll(tx: Tx | Db, messages: OutboxKind[], opts: { now: Date }): Promise<void> {
  const rows = messages.map((m) => outboxRow(m, opts));
  // 1000 rows × 6 parameters stays well inside SQLite's limit of 32,766 bound parameters.
  for (let i = 0; i < rows.length; i += 1000) {
    const values = rows
      .slice(i, i + 1000)
      .map((r) => Prisma.sql`(${r.method}, ${r.payload}, ${r.ticketId}, ${r.orderingKey}, ${r.nextAttemptAt}, ${r.createdAt})`);
    await tx.$executeRaw`INSERT INTO "OutboxMessage" ("method", "payload", "ticketId", "orderingKey", "nextAttemptAt", "createdAt") VALUES ${Prisma.join(values)}`;
  }
}
