// `/support cover-me <from> <to> [squad]` and the buttons of its message: I'll cover, Withdraw.
// Refusals are answered to the clicker alone (ephemeral); the message itself shows the outcome.
import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import type { ListenerApp } from './listenerIndex.js';
import type { Logger } from 'pino';
import { COVER_ACTION } from '../messages/ids.js';
import { takeCoverRequest, requestCover, withdrawCoverRequest } from '../services/coverRequests.js';
import { resolveRotation, type RotationDeps } from '../services/rotations.js';
import { answerClickFailure, tellEphemeral } from './answers.js';
import type { Subcommand } from './commands.js';
import { parseCoverMe } from './rotationArgs.js';
import { usageReply } from './rotationCommands.js';

export function coverMeSubcommand(deps: RotationDeps): Subcommand {
  const { config } = deps;
  const sub: Subcommand = {
    name: 'cover-me',
    usage: 'cover-me <from> <to> [squad]',
    summary: "ask your rotation (on call, or the squad's gardener rotation) for cover; the first member who clicks takes it.",
    async run(ctx) {
      const args = parseCoverMe(ctx.args, deps.clock.now(), config.timeZone);
      if (!args.ok) return usageReply(sub, args.error, config.timeZone, '/support cover-me 2026-12-24 18:00 2026-12-27 09:00');
      const ref = resolveRotation(config, args.value.squad);
      if (!ref.ok) return { text: ref.error };
      const asked = await requestCover(deps, { requesterId: ctx.userId, from: args.value.from, to: args.value.to, ref: ref.value });
      if (!asked.ok) return { text: asked.error };
      return { text: `Asked in <#${config.channels.support}>. You will get a DM when someone takes it; it expires at its start.` };
    },
  };
  return sub;
}

export function registerCoverRequestListeners(app: ListenerApp, deps: RotationDeps & { log: Logger }): void {
  const button =
    (use: typeof takeCoverRequest, doing: string) =>
    async ({ ack, body, action, client }: { ack: () => Promise<void>; body: BlockAction; action: ButtonAction; client: App['client'] }) => {
      await ack();
      const channel = body.channel?.id ?? body.container?.channel_id;
      const requestId = Number(action.value);
      const tell = (text: string) => tellEphemeral(client, deps.log, { channel, user: body.user.id, text });
      if (!Number.isSafeInteger(requestId) || requestId <= 0) return tell('That button does not point at a cover request.');
      const ctx = { log: deps.log, client, channel, doing, ticketId: null, requestId: body.trigger_id, userId: body.user.id };
      await answerClickFailure(ctx, async () => {
        const done = await use(deps, { requestId, userId: body.user.id });
        if (!done.ok) await tell(done.error);
      });
    };
  app.action<BlockAction<ButtonAction>>(COVER_ACTION.take, button(takeCoverRequest, 'take the cover request'));
  app.action<BlockAction<ButtonAction>>(COVER_ACTION.withdraw, button(withdrawCoverRequest, 'withdraw the cover request'));
}
