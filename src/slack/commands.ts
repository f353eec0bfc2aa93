// The /support slash command: no text opens the ticket form; anything else is a subcommand whose
// answer is ephemeral to the caller. Unknown subcommands get the help, never silence.
import type { RespondArguments } from '@slack/bolt';
import type { ListenerApp } from './listenerIndex.js';
import type { KnownBlock } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import type { Logger } from 'pino';
import { escapeMrkdwn } from '../messages/text.js';

export interface CommandContext {
  userId: string;
  channelId: string;
  /** The words after the subcommand name. */
  args: string;
  triggerId: string;
  client: WebClient;
}

export interface CommandReply {
  text: string;
  blocks?: KnownBlock[];
}

export interface Subcommand {
  name: string;
  usage: string;
  summary: string;
  run(ctx: CommandContext): Promise<CommandReply>;
}

export function helpText(subcommands: Subcommand[], preface?: string): string {
  const lines = [
    ...(preface ? [preface, ''] : []),
    '*supportbot* — engineering support in one thread per ticket.',
    '`/support` — file a ticket (title, description, priority, service).',
    ...subcommands.map((s) => `\`/support ${s.usage}\` — ${s.summary}`),
    "In a ticket's thread use its buttons: *Take it*, *Resolve*, *Change priority*, *Waiting on reporter*, *Mark as duplicate*, *Reopen*.",
    'On any message: ⋮ → *Create support ticket*. On a ticket: :eyes: takes it, :white_check_mark: (owner) asks for the resolution.',
  ];
  return lines.join('\n');
}

export function helpSubcommand(all: () => Subcommand[]): Subcommand {
  return {
    name: 'help',
    usage: 'help',
    summary: 'this help.',
    run: async () => ({ text: helpText(all()) }),
  };
}

/** Answers within Slack's 3 s in the ack when the work is quick, else acks and answers after. */
const ANSWER_IN_ACK_MS = 2000;

export function registerSupportCommand(
  app: ListenerApp,
  deps: { subcommands: Subcommand[]; openTicketForm(client: WebClient, triggerId: string, channelId: string): Promise<void>; log: Logger },
): void {
  const byName = new Map(deps.subcommands.map((s) => [s.name, s]));
  app.command('/support', async ({ command, ack, client, respond }) => {
    const text = command.text.trim();
    const [first = '', ...rest] = text.split(/\s+/);
    const name = first.toLowerCase();
    if (name === '' || name === 'new') {
      await ack();
      try {
        await deps.openTicketForm(client, command.trigger_id, command.channel_id);
      } catch (err) {
        deps.log.error({ err }, 'could not open the ticket form');
        await respond({
          response_type: 'ephemeral',
          text: 'Sorry, the ticket form could not be opened. Please try `/support` again.',
        }).catch(() => {});
      }
      return;
    }
    const sub = byName.get(name);
    if (!sub) {
      await ack({
        response_type: 'ephemeral',
        text: helpText(deps.subcommands, `I don't know \`${escapeMrkdwn(name.slice(0, 40))}\`. Here is what I can do:`),
      });
      return;
    }
    const ctx: CommandContext = {
      userId: command.user_id,
      channelId: command.channel_id,
      args: rest.join(' '),
      triggerId: command.trigger_id,
      client,
    };
    const failed = (err: unknown): CommandReply => {
      deps.log.error({ err, subcommand: name }, 'subcommand failed');
      return { text: `Sorry, \`/support ${name}\` failed on our side. It has been logged; please try again.` };
    };
    const work = sub.run(ctx).catch(failed);
    let timer: NodeJS.Timeout | undefined;
    const quick = await Promise.race([work, new Promise<null>((r) => (timer = setTimeout(() => r(null), ANSWER_IN_ACK_MS)))]);
    clearTimeout(timer);
    if (quick) {
      await ack({ response_type: 'ephemeral', ...quick });
      return;
    }
    await ack({ response_type: 'ephemeral', text: `Working on \`/support ${name}\`…` });
    await respond({ response_type: 'ephemeral', replace_original: true, ...(await work) } as RespondArguments);
  });
}
