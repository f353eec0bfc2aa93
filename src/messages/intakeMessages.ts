// What the bot says about tickets filed from a message, reactions on ticket messages, and duplicates.
import type { KnownBlock, ModalView } from '@slack/types';
import { ACTION, CALLBACK, FIELD_ACTION } from './ids.js';
import { escapeMrkdwn, type Message, mention, mrkdwn, plain } from './text.js';

/** The reply under the source message, linking the ticket's thread. */
export function sourceReply(v: { ticketId: number; link: string; supportChannel: string }): string {
  return `:ticket: Filed as ticket <${v.link}|#${v.ticketId}> in <#${v.supportChannel}>; follow it in its thread there.`;
}

const REFUSAL_REASONS: Record<string, string> = {
  not_in_channel: 'I am not a member of that channel (invite me with `/invite @supportbot` to get these replies)',
  channel_not_found: 'I cannot see that conversation (a DM or a private channel I am not in)',
  is_archived: 'that channel is archived',
  thread_locked: 'that thread is locked',
};

/** The DM to the reporter when the bot may not reply under the source message (the ticket link is appended). */
export function sourceReplyRefused(error: string, channelId: string): string {
  const reason = REFUSAL_REASONS[error] ?? `Slack does not let me post there (${error})`;
  return `Your ticket is filed, but I could not reply under the message in <#${channelId}>: ${reason}. The ticket:`;
}

/** The thread prompt after the owner's ✅: a reaction carries no trigger to open the resolve form. */
export function resolvePrompt(ticketId: number): Message {
  const text = `:white_check_mark: Ready to resolve #${ticketId}? Say how it was resolved and whether code had to change.`;
  const blocks: KnownBlock[] = [
    { type: 'section', block_id: 'prompt', text: mrkdwn(text) },
    {
      type: 'actions',
      block_id: 'actions',
      elements: [{ type: 'button', text: plain('Resolve', 75), action_id: ACTION.resolve, value: String(ticketId), style: 'primary' }],
    },
  ];
  return { text, blocks };
}

/** Why a ✅ from this person does not ask for the resolution. */
export function checkRefusal(v: { ticketId: number; ownerId: string | null; resolved: boolean }): string {
  if (v.resolved) return `#${v.ticketId} is already resolved.`;
  if (!v.ownerId)
    return `Nobody owns #${v.ticketId} yet: take it first (:eyes: or *Take it*), then :white_check_mark: asks for the resolution.`;
  return `Only the owner's :white_check_mark: asks for the resolution of #${v.ticketId}, and ${mention(v.ownerId)} owns it. Use *Resolve* on the ticket if you may resolve it.`;
}

/** The note in the original's thread: the duplicate's reporter is called here. */
export function duplicateNotice(v: { duplicateId: number; title: string; reporterId: string; link: string | null }): string {
  const ticket = v.link ? `<${v.link}|#${v.duplicateId}>` : `#${v.duplicateId}`;
  return `${mention(v.reporterId)} your ticket ${ticket} (${escapeMrkdwn(v.title)}) is a duplicate of this one and is resolved as such; follow this thread.`;
}

/** The modal asking for the original ticket's number. */
export function markDuplicateView(ticketId: number, title: string): ModalView {
  return {
    type: 'modal',
    callback_id: CALLBACK.markDuplicate,
    title: plain(`Duplicate: #${ticketId}`, 24),
    submit: plain('Mark as duplicate', 24),
    close: plain('Cancel', 24),
    private_metadata: JSON.stringify({ ticketId }),
    blocks: [
      { type: 'section', text: plain(title, 3000) },
      {
        type: 'input',
        block_id: 'original',
        label: plain('Duplicate of ticket number'),
        hint: plain(`#${ticketId} is resolved as a duplicate (no code change); its reporter is told in the original's thread.`),
        element: { type: 'plain_text_input', action_id: FIELD_ACTION, max_length: 12, placeholder: plain('142') },
      },
    ],
  };
}
