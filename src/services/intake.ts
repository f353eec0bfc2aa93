// Tickets from anywhere in Slack: reactions on a ticket's root message act like its buttons, and a
// ticket can be resolved as a duplicate of another. (Filing from a message is createTicket with a
// source; the links both ways are drawn by the root message from ticketLinks.)
import { checkDuplicate, parseTicketNumber } from '../domain/intake.js';
import { fail, ok, type Result } from '../domain/result.js';
import type { Actor, Ticket } from '../domain/ticket.js';
import { checkRefusal, duplicateNotice, resolvePrompt } from '../messages/intakeMessages.js';
import type { TicketLinks } from '../messages/ticketMessage.js';
import { enqueue } from '../outbox/queue.js';
import { type Db, inTransaction } from '../repos/db.js';
import { duplicatesOf, findTicket, findTicketByThread, firstDelivery } from '../repos/tickets.js';
import { actOnTicketIn, type TicketDeps } from './tickets.js';

/** Reactions with a meaning on a ticket's root message. */
export const TAKE_REACTIONS = ['eyes'];
export const RESOLVE_REACTIONS = ['white_check_mark', 'heavy_check_mark'];

/** What the root message of `ticket` links to: its source message, its original, its duplicates. */
export async function ticketLinks(db: Db, ticket: Ticket): Promise<TicketLinks> {
  const original = ticket.duplicateOfId === null ? null : await findTicket(db, ticket.duplicateOfId);
  const duplicates = await duplicatesOf(db, ticket.id);
  return {
    source:
      ticket.sourceChannelId && ticket.sourcePermalink ? { channelId: ticket.sourceChannelId, permalink: ticket.sourcePermalink } : null,
    duplicateOf: original ? { id: original.id, link: original.rootPermalink } : null,
    duplicates: duplicates.map((d) => ({ id: d.id, link: d.rootPermalink })),
  };
}

/** A ticket by its number, for the forms about it. */
export function ticketByNumber(deps: Pick<TicketDeps, 'db'>, id: number): Promise<Ticket | null> {
  return findTicket(deps.db, id);
}

/** The outcome of a reaction: acted on, refused (with the sentence for the person), or not for us. */
export type ReactionOutcome = { kind: 'done' } | { kind: 'refused'; reason: string; ticket: Ticket } | { kind: 'ignored' };

/**
 * 👀 on a ticket's root message takes it, under the rules of the Take it button; ✅ by the owner
 * posts the Resolve button in the thread. Slack retries deliveries: `deliveryId` makes them count once.
 */
export async function reactOnTicket(
  deps: TicketDeps,
  input: { channelId: string; messageTs: string; reaction: string; actor: Actor; deliveryId: string },
): Promise<ReactionOutcome> {
  const take = TAKE_REACTIONS.includes(input.reaction);
  if (!take && !RESOLVE_REACTIONS.includes(input.reaction)) return { kind: 'ignored' };
  const now = deps.clock.now();
  const outcome = await inTransaction(deps.db, async (tx): Promise<ReactionOutcome> => {
    const ticket = await findTicketByThread(tx, input.channelId, input.messageTs);
    if (!ticket || !(await firstDelivery(tx, input.deliveryId, now))) return { kind: 'ignored' };
    if (take) {
      const taken = await actOnTicketIn(tx, deps, { ticketId: ticket.id, action: { type: 'take' }, actor: input.actor }, now);
      return taken.ok ? { kind: 'done' } : { kind: 'refused', reason: taken.error, ticket };
    }
    if (ticket.status === 'resolved' || ticket.ownerId !== input.actor.userId) {
      return {
        kind: 'refused',
        reason: checkRefusal({ ticketId: ticket.id, ownerId: ticket.ownerId, resolved: ticket.status === 'resolved' }),
        ticket,
      };
    }
    await enqueue(tx, { kind: 'ticket.reply', ticketId: ticket.id, ...resolvePrompt(ticket.id) }, { now });
    return { kind: 'done' };
  });
  if (outcome.kind === 'done') deps.kick();
  return outcome;
}

/**
 * Resolves `ticketId` as a duplicate of the ticket numbered `originalNumber` (as typed): its
 * reporter is called in the original's thread and both root messages are redrawn to link each other.
 */
export async function markDuplicate(
  deps: TicketDeps,
  input: { ticketId: number; originalNumber: string | null; actor: Actor },
): Promise<Result<Ticket>> {
  const number = parseTicketNumber(input.originalNumber);
  if (!number.ok) return number;
  const now = deps.clock.now();
  const result = await inTransaction(deps.db, async (tx): Promise<Result<Ticket>> => {
    const ticket = await findTicket(tx, input.ticketId);
    if (!ticket) return fail(`Ticket #${input.ticketId} does not exist.`);
    const original = number.value === ticket.id ? ticket : await findTicket(tx, number.value);
    const checked = checkDuplicate(
      ticket,
      number.value,
      original,
      (await duplicatesOf(tx, ticket.id)).map((d) => d.id),
    );
    if (!checked.ok) return checked;
    const marked = await actOnTicketIn(
      tx,
      deps,
      { ticketId: ticket.id, action: { type: 'mark_duplicate', originalId: checked.value }, actor: input.actor },
      now,
    );
    if (!marked.ok) return marked;
    const text = duplicateNotice({
      duplicateId: ticket.id,
      title: ticket.title,
      reporterId: ticket.reporterId,
      link: ticket.rootPermalink,
    });
    await enqueue(tx, { kind: 'ticket.reply', ticketId: checked.value, text, quiet: [input.actor.userId] }, { now });
    await enqueue(tx, { kind: 'ticket.root', ticketId: checked.value }, { now });
    return ok(marked.value);
  });
  if (result.ok) deps.kick();
  return result;
}
