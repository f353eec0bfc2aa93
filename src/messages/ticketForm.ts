import type { Service } from '../config/supportConfig.js';
import { PRIORITIES, PRIORITY_INFO, type Priority } from '../domain/priority.js';
import type { SlaPolicy } from '../domain/sla.js';
import { formatDuration } from '../domain/sla.js';
import type { SourceMessage } from '../domain/intake.js';
import { LIMITS, NOT_SURE_SERVICE } from '../domain/ticket.js';
import { CALLBACK, FIELD_ACTION } from './ids.js';
import { plain, userPlain } from './text.js';
import type { InputBlock, ModalView, PlainTextOption } from '@slack/types';

function slaText(policy: SlaPolicy): string {
  return `${formatDuration(policy.targetMinutes)} SLA${policy.businessHoursOnly ? ' (business hours)' : ', 24/7'}`;
}

export function priorityOption(p: Priority, sla: Record<Priority, SlaPolicy>): PlainTextOption {
  return {
    text: plain(`${p} · ${PRIORITY_INFO[p].label} · ${slaText(sla[p])}`, 75),
    description: plain(PRIORITY_INFO[p].examples, 75),
    value: p,
  };
}

export function priorityInput(sla: Record<Priority, SlaPolicy>, initial?: Priority): InputBlock {
  const options = PRIORITIES.map((p) => priorityOption(p, sla));
  return {
    type: 'input',
    block_id: 'priority',
    label: plain('Priority'),
    element: {
      type: 'static_select',
      action_id: FIELD_ACTION,
      placeholder: plain('How bad is it?'),
      options,
      ...(initial ? { initial_option: options.find((o) => o.value === initial) } : {}),
    },
  };
}

const initial = (value: string | undefined) => (value ? { initial_value: value } : {});

/**
 * The /support modal; from the message shortcut it comes pre-filled (`draft`) and remembers the
 * message (`source`) so the ticket links back to it.
 */
export function ticketFormView(args: {
  services: Service[];
  sla: Record<Priority, SlaPolicy>;
  channelId?: string;
  draft?: { title: string; description: string; link: string };
  source?: SourceMessage;
}): ModalView {
  const serviceOptions = [
    ...args.services.map((s) => ({ text: plain(s.name, 75), value: s.id })),
    { text: plain('Not sure', 75), value: NOT_SURE_SERVICE },
  ];
  return {
    type: 'modal',
    callback_id: CALLBACK.createTicket,
    title: plain('New support ticket', 24),
    submit: plain('File ticket', 24),
    close: plain('Cancel', 24),
    private_metadata: JSON.stringify({ channelId: args.channelId ?? null, ...(args.source ? { source: args.source } : {}) }),
    blocks: [
      {
        type: 'input',
        block_id: 'title',
        label: plain('Title'),
        element: {
          type: 'plain_text_input',
          action_id: FIELD_ACTION,
          max_length: LIMITS.title,
          placeholder: plain('Checkout fails for EU customers'),
          ...initial(args.draft?.title),
        },
      },
      {
        type: 'input',
        block_id: 'description',
        label: plain('Description'),
        element: {
          type: 'plain_text_input',
          action_id: FIELD_ACTION,
          multiline: true,
          max_length: LIMITS.description,
          placeholder: plain('What happened, for whom, since when, what you tried'),
          ...initial(args.draft?.description),
        },
      },
      priorityInput(args.sla),
      {
        type: 'input',
        block_id: 'service',
        label: plain('Service'),
        element: {
          type: 'static_select',
          action_id: FIELD_ACTION,
          placeholder: plain('Which part of the product?'),
          options: serviceOptions.slice(0, 100),
        },
      },
      {
        type: 'input',
        block_id: 'link',
        optional: true,
        label: plain('Link or reference'),
        element: {
          type: 'plain_text_input',
          action_id: FIELD_ACTION,
          max_length: LIMITS.link,
          placeholder: plain('https://… or ORDER-1234'),
          ...initial(args.draft?.link),
        },
      },
    ],
  };
}

export const NO_DEPLOY = 'none';

/**
 * Modal to resolve a ticket: a short resolution, whether code had to change, and — when deploys
 * are linked to the ticket — whether one of them caused it.
 */
export function resolveView(ticketId: number, title: string, linkedDeploys: Array<{ id: number; label: string }> = []): ModalView {
  const deployOptions = [
    { text: plain('No, none of them', 75), value: NO_DEPLOY },
    ...linkedDeploys.slice(0, 99).map((d) => ({ text: userPlain(d.label, 75), value: String(d.id) })),
  ];
  return {
    type: 'modal',
    callback_id: CALLBACK.resolveTicket,
    title: plain(`Resolve #${ticketId}`, 24),
    submit: plain('Resolve', 24),
    close: plain('Cancel', 24),
    private_metadata: JSON.stringify({ ticketId }),
    blocks: [
      { type: 'section', text: userPlain(title, LIMITS.title, 3000) },
      {
        type: 'input',
        block_id: 'resolution',
        label: plain('Resolution'),
        element: {
          type: 'plain_text_input',
          action_id: FIELD_ACTION,
          multiline: true,
          max_length: LIMITS.resolution,
          placeholder: plain('What fixed it, in a sentence'),
        },
      },
      {
        type: 'input',
        block_id: 'codeChange',
        label: plain('Code change needed?'),
        element: {
          type: 'radio_buttons',
          action_id: FIELD_ACTION,
          options: [
            { text: plain('Yes, code had to change'), value: 'yes' },
            { text: plain('No, it was a request / configuration / data fix'), value: 'no' },
          ],
        },
      },
      ...(linkedDeploys.length
        ? [
            {
              type: 'input',
              block_id: 'causedBy',
              label: plain('Did a linked deploy cause it?'),
              element: { type: 'static_select', action_id: FIELD_ACTION, options: deployOptions, initial_option: deployOptions[0] },
            } satisfies InputBlock,
          ]
        : []),
    ],
  };
}

export function changePriorityView(ticketId: number, current: Priority, sla: Record<Priority, SlaPolicy>): ModalView {
  return {
    type: 'modal',
    callback_id: CALLBACK.changePriority,
    title: plain(`Priority of #${ticketId}`, 24),
    submit: plain('Change', 24),
    close: plain('Cancel', 24),
    private_metadata: JSON.stringify({ ticketId }),
    blocks: [priorityInput(sla, current)],
  };
}
