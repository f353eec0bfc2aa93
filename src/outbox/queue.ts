// The outbox's queue: a use case writes its state change and the Slack messages it implies in one
// transaction; the relay (relay.ts) delivers them at least once, in order per ticket.
import type { KnownBlock } from '@slack/types';
import type { NotedDeploy } from '../messages/deployMessages.js';
import type { Db, Tx } from '../repos/db.js';
import { insertOutboxRow, insertOutboxRows, lastOfOrderingKey, type OutboxRow, rewriteUnsentPayload } from '../repos/outbox.js';

/** What a queued message asks Slack for. Ticket-bound kinds are rendered from the ticket when sent. */
export type OutboxKind =
  /** Post the ticket's root message, or edit it to show the ticket as it is now. */
  | { kind: 'ticket.root'; ticketId: number }
  /**
   * A reply in the ticket's thread (also edits nothing). `quiet`: people it names who must not be
   * pinged by it (whoever acted); it is posted without their mentions, then edited to show them.
   */
  | { kind: 'ticket.reply'; ticketId: number; text: string; blocks?: KnownBlock[]; quiet?: string[] }
  /**
   * A reply in the ticket's thread noting the deploys of its service since the last such note
   * (`deployIds`, oldest first). While it is unsent, later deploys are added to it rather than queued
   * as notes of their own (see lastQueuedFor / rewriteUnsent).
   */
  | {
      kind: 'ticket.deployNote';
      ticketId: number;
      deployIds: number[];
      /** The last deploys listed, as rendered, to rebuild the note when another joins it. */
      noted: NotedDeploy[];
      text: string;
      blocks: KnownBlock[];
    }
  /**
   * The answer under the message a ticket was filed from, linking the ticket's thread; when Slack
   * will not let the bot post there, the reporter is told why by DM.
   */
  | { kind: 'ticket.sourceReply'; ticketId: number; channel: string; threadTs: string }
  /** The reporter's confirmation: a DM with the permalink of the root message. */
  | { kind: 'ticket.confirm'; ticketId: number }
  /** A DM to someone about a ticket (a page); the permalink of the root message is appended. */
  | { kind: 'ticket.dm'; ticketId: number; userId: string; text: string }
  /**
   * Any chat.postMessage (channel announcements, DMs to a user id). `thread` makes it a reply to the
   * message queued under that dedupKey (e.g. a deploy announcement), whose ts is known only once sent.
   */
  | { kind: 'post'; channel: string; text: string; blocks?: KnownBlock[]; ticketId?: number; thread?: { dedupKey: string } }
  /**
   * chat.update of the message queued under that dedupKey (a deploy announcement as its rollout
   * advances), once it is posted. Edits of one message go out in the order they were queued.
   */
  | { kind: 'update'; channel: string; of: { dedupKey: string }; text: string; blocks?: KnownBlock[] }
  /**
   * A file shared in a channel (or thread) with files.uploadV2: a digest chart, a CSV export. The
   * bytes travel base64 in the payload, so keep files small (charts of ~100 kB are fine).
   */
  | {
      kind: 'upload';
      channel: string;
      filename: string;
      title: string;
      contentBase64: string;
      initialComment?: string;
      threadTs?: string;
      /** Read out by screen readers for an image. */
      altText?: string;
    }
  /** Any other Web API call, e.g. usergroups.users.update. */
  | { kind: 'call'; method: string; args: Record<string, unknown> };

/**
 * How soon a message goes out. Interactive (the default): what someone is waiting for — a new
 * ticket's root and confirmation, the answer to a click, a reminder. Bulk: deploy announcements and
 * the deploy notes in ticket threads, which a busy CI can queue by the thousand. The relay sends
 * interactive ones first; within an orderingKey (a ticket's thread) the queued order still holds.
 */
export const PRIORITY = { interactive: 0, bulk: 1 } as const;

export interface EnqueueOptions {
  now: Date;
  dedupKey?: string;
  /** Queued as bulk (see PRIORITY). */
  bulk?: boolean;
  /** Messages sharing it go out one after the other, in the order queued (a digest's parts). */
  orderingKey?: string;
}

function outboxRow(message: OutboxKind, opts: EnqueueOptions): OutboxRow {
  const ticketId = 'ticketId' in message ? (message.ticketId ?? null) : null;
  return {
    priority: opts.bulk ? PRIORITY.bulk : PRIORITY.interactive,
    method: message.kind,
    payload: JSON.stringify(message),
    ticketId,
    orderingKey:
      ticketId !== null ? `ticket:${ticketId}` : message.kind === 'update' ? `update:${message.of.dedupKey}` : (opts.orderingKey ?? null),
    nextAttemptAt: opts.now,
    createdAt: opts.now,
    ...(opts.dedupKey ? { dedupKey: opts.dedupKey } : {}),
  };
}

export async function enqueue(tx: Tx | Db, message: OutboxKind, opts: EnqueueOptions): Promise<void> {
  await insertOutboxRow(tx, outboxRow(message, opts));
}

/** Several messages (a batch of timers) in one statement, delivered in the order given. */
export async function enqueueAll(tx: Tx | Db, messages: OutboxKind[], opts: Omit<EnqueueOptions, 'dedupKey'>): Promise<void> {
  await insertOutboxRows(
    tx,
    messages.map((m) => outboxRow(m, opts)),
  );
}

/** The message last queued for a ticket's thread, and whether it may still be rewritten (never tried yet). */
export async function lastQueuedFor(
  tx: Tx,
  ticketId: number,
): Promise<{ id: number; message: OutboxKind; payload: string; unsent: boolean } | null> {
  const row = await lastOfOrderingKey(tx, `ticket:${ticketId}`);
  if (!row) return null;
  const unsent = row.status === 'pending' && row.attempts === 0;
  return { id: row.id, message: JSON.parse(row.payload) as OutboxKind, payload: row.payload, unsent };
}

/**
 * Replaces what a queued message says, if no relay has tried to send it yet and it still says
 * `was` (the payload read with it); whether it did. When another transaction rewrote it first, or a
 * relay claimed it, nothing changes: read it again. A relay claiming it at the same time sends the
 * old or the new text, never loses the change, as its claim reads the payload as it commits.
 */
export function rewriteUnsent(tx: Tx, queued: { id: number; payload: string }, message: OutboxKind): Promise<boolean> {
  return rewriteUnsentPayload(tx, queued, JSON.stringify(message));
}
