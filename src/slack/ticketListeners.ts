// Buttons on ticket messages, the ticket modals and thread replies → ticket use cases.
import type { App, BlockAction, ButtonAction, ViewSubmitAction } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { Logger } from 'pino';
import { sourceFromMetadata } from '../domain/intake.js';
import { isPriority } from '../domain/priority.js';
import type { Result } from '../domain/result.js';
import { findTicket } from '../repos/tickets.js';
import { validateResolveForm, validateTicketForm, type TicketAction } from '../domain/ticket.js';
import { actOnTicket, createTicket, isAdmin, recordThreadReply, type TicketDeps } from '../services/tickets.js';
import { ACTION, CALLBACK, FIELD_ACTION } from '../messages/ids.js';
import { changePriorityView, resolveView, ticketFormView } from '../messages/ticketForm.js';

type StateValues = ViewSubmitAction['view']['state']['values'];

/** The value of a form field, whichever element holds it. */
export function fieldValue(values: StateValues, block: string): string | null {
  const el = values[block]?.[FIELD_ACTION] as { value?: string | null; selected_option?: { value: string } | null } | undefined;
  if (!el) return null;
  return el.selected_option?.value ?? el.value ?? null;
}

export function ticketIdFrom(raw: string | undefined): number | null {
  const n = Number(raw);
  return Number.isSafeInteger(n) && n > 0 ? n : null;
}

export function metadataTicketId(privateMetadata: string): number | null {
  try {
    return ticketIdFrom(String((JSON.parse(privateMetadata) as { ticketId?: unknown }).ticketId));
  } catch {
    return null;
  }
}

export function openTicketForm(deps: TicketDeps) {
  return async (client: WebClient, triggerId: string, channelId: string) => {
    await client.views.open({
      trigger_id: triggerId,
      view: ticketFormView({ services: Object.values(deps.config.services), sla: deps.config.sla, channelId }),
    });
  };
}

/** What the resolve form needs from the deploys feature, without the ticket listeners knowing it. */
export interface DeployCauses {
  /** Deploys linked to the ticket that may still be named as its cause. */
  linked(ticketId: number): Promise<Array<{ id: number; label: string }>>;
  confirm(input: { deployId: number; ticketId: number; actorId: string }): Promise<unknown>;
  /** Whether the person may name that deploy as the cause; asked before the ticket is resolved. */
  mayConfirm(input: { deployId: number; ticketId: number; actorId: string }): Promise<Result<void>>;
}

export function registerTicketListeners(app: App, deps: TicketDeps & { log: Logger; deployCauses?: DeployCauses }): void {
  const tell = async (client: WebClient, channel: string | undefined, user: string, text: string) => {
    if (!channel) return;
    await client.chat.postEphemeral({ channel, user, text }).catch((err) => deps.log.warn({ err }, 'could not send an ephemeral answer'));
  };

  app.view(CALLBACK.createTicket, async ({ ack, view, body }) => {
    const values = view.state.values;
    const checked = validateTicketForm(
      {
        title: fieldValue(values, 'title'),
        description: fieldValue(values, 'description'),
        priority: fieldValue(values, 'priority'),
        service: fieldValue(values, 'service'),
        link: fieldValue(values, 'link'),
      },
      Object.keys(deps.config.services),
    );
    if (!checked.ok) {
      await ack({ response_action: 'errors', errors: checked.error });
      return;
    }
    try {
      // Stored before the modal closes: a ticket the person saw accepted is never lost.
      await createTicket(deps, {
        form: checked.value,
        reporterId: body.user.id,
        source: sourceFromMetadata(view.private_metadata),
        viewId: view.id,
      });
      await ack();
    } catch (err) {
      deps.log.error({ err }, 'could not store a ticket');
      await ack({ response_action: 'errors', errors: { title: 'The ticket could not be saved just now. Please submit again.' } });
    }
  });

  const act =
    (action: TicketAction | ((id: number) => Promise<void>)) =>
    async ({
      ack,
      body,
      action: button,
      client,
    }: {
      ack: () => Promise<void>;
      body: BlockAction;
      action: ButtonAction;
      client: WebClient;
    }) => {
      await ack();
      const channel = body.channel?.id ?? body.container?.channel_id;
      const ticketId = ticketIdFrom(button.value);
      if (ticketId === null) return tell(client, channel, body.user.id, 'That button does not point at a ticket.');
      if (typeof action === 'function')
        return action(ticketId).catch(async (err) => {
          deps.log.error({ err }, 'ticket action failed');
          await tell(client, channel, body.user.id, 'Sorry, that did not work. Please try again.');
        });
      const result = await actOnTicket(deps, {
        ticketId,
        action,
        actor: { userId: body.user.id, isAdmin: isAdmin(deps.config, body.user.id) },
      });
      if (!result.ok) await tell(client, channel, body.user.id, result.error);
    };

  app.action<BlockAction<ButtonAction>>(ACTION.take, act({ type: 'take' }));
  app.action<BlockAction<ButtonAction>>(ACTION.wait, act({ type: 'wait' }));
  app.action<BlockAction<ButtonAction>>(ACTION.unwait, act({ type: 'unwait' }));
  app.action<BlockAction<ButtonAction>>(ACTION.reopen, act({ type: 'reopen' }));
  app.action<BlockAction<ButtonAction>>(ACTION.resolve, async (args) => {
    const { body, client } = args;
    await act(async (ticketId) => {
      const ticket = await findTicket(deps.db, ticketId);
      if (!ticket) return tell(client, body.channel?.id, body.user.id, `Ticket #${ticketId} does not exist.`);
      const linked = (await deps.deployCauses?.linked(ticket.id)) ?? [];
      await client.views.open({ trigger_id: body.trigger_id, view: resolveView(ticket.id, ticket.title, linked) });
    })(args);
  });
  app.action<BlockAction<ButtonAction>>(ACTION.changePriority, async (args) => {
    const { body, client } = args;
    await act(async (ticketId) => {
      const ticket = await findTicket(deps.db, ticketId);
      if (!ticket) return tell(client, body.channel?.id, body.user.id, `Ticket #${ticketId} does not exist.`);
      await client.views.open({ trigger_id: body.trigger_id, view: changePriorityView(ticket.id, ticket.priority, deps.config.sla) });
    })(args);
  });

  app.view(CALLBACK.resolveTicket, async ({ ack, view, body }) => {
    const ticketId = metadataTicketId(view.private_metadata);
    const checked = validateResolveForm({
      resolution: fieldValue(view.state.values, 'resolution'),
      codeChange: fieldValue(view.state.values, 'codeChange'),
    });
    if (!checked.ok) return void (await ack({ response_action: 'errors', errors: checked.error }));
    if (ticketId === null)
      return void (await ack({
        response_action: 'errors',
        errors: { resolution: 'This form lost track of its ticket; open it again from the ticket.' },
      }));
    const causedBy = Number(fieldValue(view.state.values, 'causedBy'));
    const cause =
      Number.isSafeInteger(causedBy) && causedBy > 0 && deps.deployCauses
        ? { causes: deps.deployCauses, input: { deployId: causedBy, ticketId, actorId: body.user.id } }
        : null;
    const allowed = cause ? await cause.causes.mayConfirm(cause.input) : null;
    if (allowed && !allowed.ok) return void (await ack({ response_action: 'errors', errors: { causedBy: allowed.error } }));
    const result = await actOnTicket(deps, {
      ticketId,
      action: { type: 'resolve', ...checked.value },
      actor: { userId: body.user.id, isAdmin: isAdmin(deps.config, body.user.id) },
    });
    await ack(result.ok ? undefined : { response_action: 'errors', errors: { resolution: result.error } });
    if (result.ok && cause) await cause.causes.confirm(cause.input);
  });

  app.view(CALLBACK.changePriority, async ({ ack, view, body }) => {
    const ticketId = metadataTicketId(view.private_metadata);
    const priority = fieldValue(view.state.values, 'priority');
    if (!isPriority(priority)) return void (await ack({ response_action: 'errors', errors: { priority: 'Choose P1, P2 or P3.' } }));
    if (ticketId === null)
      return void (await ack({
        response_action: 'errors',
        errors: { priority: 'This form lost track of its ticket; open it again from the ticket.' },
      }));
    const result = await actOnTicket(deps, {
      ticketId,
      action: { type: 'change_priority', priority },
      actor: { userId: body.user.id, isAdmin: isAdmin(deps.config, body.user.id) },
    });
    await ack(result.ok ? undefined : { response_action: 'errors', errors: { priority: result.error } });
  });

  app.event('message', async ({ event, body }) => {
    const m = event as { subtype?: string; thread_ts?: string; ts: string; user?: string; bot_id?: string; channel: string };
    if ((m.subtype && m.subtype !== 'thread_broadcast') || m.bot_id || !m.user || !m.thread_ts || m.thread_ts === m.ts) return;
    await recordThreadReply(deps, {
      channelId: m.channel,
      threadTs: m.thread_ts,
      userId: m.user,
      deliveryId: `event:${(body as { event_id: string }).event_id}`,
    });
  });
}
