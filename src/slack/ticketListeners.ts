// Buttons on ticket messages, the ticket modals and thread replies → ticket use cases.
import type { BlockAction, ButtonAction, ViewSubmitAction } from '@slack/bolt';
import type { ListenerApp } from './listenerIndex.js';
import type { View } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import type { Logger } from 'pino';
import { sourceFromMetadata } from '../domain/intake.js';
import { isPriority } from '../domain/priority.js';
import type { Result } from '../domain/result.js';
import { answerClickFailure, answerFormFailure, type FormAnswer, tellEphemeral } from './answers.js';
import { type Ticket, validateResolveForm, validateTicketForm, type TicketAction } from '../domain/ticket.js';
import { ticketByNumber } from '../services/intake.js';
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

/**
 * Whether a message, named by its author as an event gives it (a reply's `parent_user_id`, a
 * reaction's `item_user`), can be a ticket's root: every root is the bot's own post. Most threads
 * and reactions in a busy channel are under people's messages, and are let go without a read (on
 * SQLite, a reaction's read would also wait for the one writer). An event without the author is
 * looked up as before.
 */
export function byTheBot(authorId: string | undefined, botUserId: string | undefined): boolean {
  return !authorId || !botUserId || authorId === botUserId;
}

/** A form whose private metadata no longer names its ticket. */
export function lostTicket(field: string): FormAnswer {
  return { response_action: 'errors', errors: { [field]: 'This form lost track of its ticket; open it again from the ticket.' } };
}

export function openTicketForm(deps: TicketDeps) {
  return async (client: WebClient, triggerId: string, channelId?: string) => {
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

/** The words for a failed click or form, in "Could not <doing> #12 just now". */
const DOING: Record<Exclude<TicketAction['type'], 'mark_duplicate'>, string> = {
  take: 'take',
  wait: 'mark as waiting',
  unwait: 'resume',
  reopen: 'reopen',
  resolve: 'resolve',
  change_priority: 'change the priority of',
};

type ButtonArgs = { ack: () => Promise<void>; body: BlockAction; action: ButtonAction; client: WebClient };

export function registerTicketListeners(app: ListenerApp, deps: TicketDeps & { log: Logger; deployCauses?: DeployCauses }): void {
  const { log } = deps;
  const actor = (userId: string) => ({ userId, isAdmin: isAdmin(deps.config, userId) });

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
    if (!checked.ok) return void (await ack({ response_action: 'errors', errors: checked.error }));
    const ctx = { log, ack, field: 'title', doing: 'save the ticket', ticketId: null, requestId: view.id, userId: body.user.id };
    await answerFormFailure(ctx, async () => {
      // Stored before the modal closes: a ticket the person saw accepted is never lost.
      await createTicket(deps, {
        form: checked.value,
        reporterId: body.user.id,
        source: sourceFromMetadata(view.private_metadata),
        viewId: view.id,
      });
      return undefined;
    });
  });

  /** A click on a ticket's button: acknowledged at once, then the work, whose failure is answered. */
  const onTicketButton =
    (doing: string, work: (ticketId: number, args: ButtonArgs, channel: string | undefined) => Promise<unknown>) =>
    async (args: ButtonArgs) => {
      const { ack, body, action: button, client } = args;
      await ack();
      const channel = body.channel?.id ?? body.container?.channel_id;
      const ticketId = ticketIdFrom(button.value);
      if (ticketId === null)
        return tellEphemeral(client, log, { channel, user: body.user.id, text: 'That button does not point at a ticket.' });
      const ctx = { log, client, channel, doing, ticketId, requestId: body.trigger_id, userId: body.user.id };
      await answerClickFailure(ctx, () => work(ticketId, args, channel));
    };

  const act = (action: TicketAction & { type: keyof typeof DOING }) =>
    onTicketButton(DOING[action.type], async (ticketId, { body, client }, channel) => {
      const result = await actOnTicket(deps, { ticketId, action, actor: actor(body.user.id) });
      if (!result.ok) await tellEphemeral(client, log, { channel, user: body.user.id, text: result.error });
    });

  /** A button that opens a form about the ticket. */
  const openForm = (doing: string, view: (ticket: Ticket) => Promise<View> | View) =>
    onTicketButton(doing, async (ticketId, { body, client }, channel) => {
      const ticket = await ticketByNumber(deps, ticketId);
      if (!ticket) return tellEphemeral(client, log, { channel, user: body.user.id, text: `Ticket #${ticketId} does not exist.` });
      await client.views.open({ trigger_id: body.trigger_id, view: await view(ticket) });
    });

  app.action<BlockAction<ButtonAction>>(ACTION.take, act({ type: 'take' }));
  app.action<BlockAction<ButtonAction>>(ACTION.wait, act({ type: 'wait' }));
  app.action<BlockAction<ButtonAction>>(ACTION.unwait, act({ type: 'unwait' }));
  app.action<BlockAction<ButtonAction>>(ACTION.reopen, act({ type: 'reopen' }));
  app.action<BlockAction<ButtonAction>>(
    ACTION.resolve,
    openForm('open the resolve form of', async (ticket) =>
      resolveView(ticket.id, ticket.title, (await deps.deployCauses?.linked(ticket.id)) ?? []),
    ),
  );
  app.action<BlockAction<ButtonAction>>(
    ACTION.changePriority,
    openForm('open the priority form of', (ticket) => changePriorityView(ticket.id, ticket.priority, deps.config.sla)),
  );

  /** The ticket is resolved by now: a failure to record its cause must not read as a failed resolve. */
  const confirmCause = async (
    cause: { causes: DeployCauses; input: { deployId: number; ticketId: number; actorId: string } },
    ticketId: number,
  ): Promise<FormAnswer> => {
    try {
      await cause.causes.confirm(cause.input);
      return undefined;
    } catch (err) {
      log.error({ err, ticket: ticketId, deploy: cause.input.deployId }, `listener failed: could not name the cause of #${ticketId}`);
      const text = `#${ticketId} is resolved, but the deploy could not be named as its cause just now — close this form and click “This caused it” under the deploy in the ticket's thread.`;
      return { response_action: 'errors', errors: { causedBy: text } };
    }
  };

  app.view(CALLBACK.resolveTicket, async ({ ack, view, body }) => {
    const ticketId = metadataTicketId(view.private_metadata);
    const checked = validateResolveForm({
      resolution: fieldValue(view.state.values, 'resolution'),
      codeChange: fieldValue(view.state.values, 'codeChange'),
    });
    if (!checked.ok) return void (await ack({ response_action: 'errors', errors: checked.error }));
    if (ticketId === null) return void (await ack(lostTicket('resolution')));
    const causedBy = Number(fieldValue(view.state.values, 'causedBy'));
    const cause =
      Number.isSafeInteger(causedBy) && causedBy > 0 && deps.deployCauses
        ? { causes: deps.deployCauses, input: { deployId: causedBy, ticketId, actorId: body.user.id } }
        : null;
    const ctx = { log, ack, field: 'resolution', doing: 'resolve', ticketId, requestId: view.id, userId: body.user.id };
    await answerFormFailure(ctx, async (): Promise<FormAnswer> => {
      const allowed = cause ? await cause.causes.mayConfirm(cause.input) : null;
      if (allowed && !allowed.ok) return { response_action: 'errors', errors: { causedBy: allowed.error } };
      const result = await actOnTicket(deps, { ticketId, action: { type: 'resolve', ...checked.value }, actor: actor(body.user.id) });
      if (!result.ok) return { response_action: 'errors', errors: { resolution: result.error } };
      // Before the form closes, so that a failure here is shown under the field that named the deploy.
      return cause ? confirmCause(cause, ticketId) : undefined;
    });
  });

  app.view(CALLBACK.changePriority, async ({ ack, view, body }) => {
    const ticketId = metadataTicketId(view.private_metadata);
    const priority = fieldValue(view.state.values, 'priority');
    if (!isPriority(priority)) return void (await ack({ response_action: 'errors', errors: { priority: 'Choose P1, P2 or P3.' } }));
    if (ticketId === null) return void (await ack(lostTicket('priority')));
    const ctx = { log, ack, field: 'priority', doing: DOING.change_priority, ticketId, requestId: view.id, userId: body.user.id };
    await answerFormFailure(ctx, async () => {
      const result = await actOnTicket(deps, { ticketId, action: { type: 'change_priority', priority }, actor: actor(body.user.id) });
      return result.ok ? undefined : { response_action: 'errors', errors: { priority: result.error } };
    });
  });

  app.event('message', async ({ event, body, context }) => {
    const m = event as {
      subtype?: string;
      thread_ts?: string;
      ts: string;
      user?: string;
      bot_id?: string;
      channel: string;
      parent_user_id?: string;
    };
    if ((m.subtype && m.subtype !== 'thread_broadcast') || m.bot_id || !m.user || !m.thread_ts || m.thread_ts === m.ts) return;
    if (!byTheBot(m.parent_user_id, context.botUserId)) return;
    await recordThreadReply(deps, {
      channelId: m.channel,
      threadTs: m.thread_ts,
      userId: m.user,
      deliveryId: `event:${(body as { event_id: string }).event_id}`,
    });
  });
}
