// Tickets from anywhere in Slack: the "Create support ticket" message shortcut, 👀 / ✅ reactions on
// a ticket's root message, and "Mark as duplicate" (button and modal) → the intake use cases.
import type { BlockAction, ButtonAction, MessageShortcut } from '@slack/bolt';
import type { ListenerApp } from './listenerIndex.js';
import type { WebClient } from '@slack/web-api';
import type { Logger } from 'pino';
import { builtPermalink, draftFromMessage, type SourceMessage } from '../domain/intake.js';
import { markDuplicateView } from '../messages/intakeMessages.js';
import { ACTION, CALLBACK, SHORTCUT } from '../messages/ids.js';
import { ticketFormView } from '../messages/ticketForm.js';
import { markDuplicate, reactOnTicket, ticketByNumber } from '../services/intake.js';
import { isAdmin, type TicketDeps } from '../services/tickets.js';
import { answerClickFailure, answerFormFailure, type EphemeralAnswer, tellEphemeral } from './answers.js';
import { byTheBot, fieldValue, lostTicket, metadataTicketId, ticketIdFrom } from './ticketListeners.js';

// The form must open within the trigger's 3 s; a slow permalink answer gives way to a built link.
const PERMALINK_WAIT_MS = 1000;

async function permalinkOf(client: WebClient, channel: string, ts: string, workspaceDomain: string): Promise<string> {
  const built = builtPermalink(workspaceDomain, channel, ts);
  let timer: NodeJS.Timeout | undefined;
  const asked = client.chat.getPermalink({ channel, message_ts: ts }).then(
    (r) => (r.permalink as string | undefined) ?? built,
    () => built,
  );
  const late = new Promise<string>((resolve) => (timer = setTimeout(() => resolve(built), PERMALINK_WAIT_MS)));
  const link = await Promise.race([asked, late]);
  clearTimeout(timer);
  return link;
}

export function registerIntakeListeners(app: ListenerApp, deps: TicketDeps & { log: Logger }): void {
  const actor = (userId: string) => ({ userId, isAdmin: isAdmin(deps.config, userId) });
  const tell = (client: WebClient, answer: EphemeralAnswer) => tellEphemeral(client, deps.log, answer);

  app.shortcut<MessageShortcut>(SHORTCUT.createTicketFromMessage, async ({ ack, shortcut, client }) => {
    await ack();
    const { channel, message } = shortcut;
    const permalink = await permalinkOf(client, channel.id, message.ts, shortcut.team?.domain ?? 'app');
    const source: SourceMessage = { channelId: channel.id, ts: message.ts, threadTs: message.thread_ts ?? message.ts, permalink };
    const draft = { ...draftFromMessage(message.text ?? ''), link: permalink };
    try {
      await client.views.open({
        trigger_id: shortcut.trigger_id,
        view: ticketFormView({ services: Object.values(deps.config.services), sla: deps.config.sla, channelId: channel.id, draft, source }),
      });
    } catch (err) {
      deps.log.error({ err }, 'could not open the ticket form from a message');
      await tell(client, {
        channel: channel.id,
        user: shortcut.user.id,
        text: 'Sorry, the ticket form could not be opened. Please try the shortcut again.',
      });
    }
  });

  app.event('reaction_added', async ({ event: e, body, client, context }) => {
    if (e.item.type !== 'message' || !byTheBot(e.item_user, context.botUserId)) return;
    const outcome = await reactOnTicket(deps, {
      channelId: e.item.channel,
      messageTs: e.item.ts,
      reaction: e.reaction,
      actor: actor(e.user),
      deliveryId: `event:${(body as { event_id: string }).event_id}`,
    });
    if (outcome.kind === 'refused') {
      await tell(client, { channel: e.item.channel, user: e.user, text: outcome.reason, thread_ts: e.item.ts });
    }
  });

  app.action<BlockAction<ButtonAction>>(ACTION.markDuplicate, async ({ ack, body, action, client }) => {
    await ack();
    const channel = body.channel?.id ?? body.container?.channel_id;
    const id = ticketIdFrom(action.value);
    const ctx = {
      log: deps.log,
      client,
      channel,
      doing: 'open the duplicate form of',
      ticketId: id,
      requestId: body.trigger_id,
      userId: body.user.id,
    };
    await answerClickFailure(ctx, async () => {
      const ticket = id === null ? null : await ticketByNumber(deps, id);
      if (!ticket) return tell(client, { channel, user: body.user.id, text: 'That button does not point at a ticket.' });
      await client.views.open({ trigger_id: body.trigger_id, view: markDuplicateView(ticket.id, ticket.title) });
    });
  });

  app.view(CALLBACK.markDuplicate, async ({ ack, view, body }) => {
    const ticketId = metadataTicketId(view.private_metadata);
    if (ticketId === null) return void (await ack(lostTicket('original')));
    const ctx = { log: deps.log, ack, field: 'original', doing: 'mark as a duplicate', ticketId, requestId: view.id, userId: body.user.id };
    await answerFormFailure(ctx, async () => {
      const result = await markDuplicate(deps, {
        ticketId,
        originalNumber: fieldValue(view.state.values, 'original'),
        actor: actor(body.user.id),
      });
      return result.ok ? undefined : { response_action: 'errors', errors: { original: result.error } };
    });
  });
}
