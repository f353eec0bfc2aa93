// Slack side of deploys: `/support deploy <service> <version> [url]` and the buttons under the
// deploys listed in a ticket's thread (This caused it / Not related / Undo).
import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import type { ListenerApp } from './listenerIndex.js';
import type { Logger } from 'pino';
import { parseDeployBody } from '../domain/deploy.js';
import { COMPARE_ACTION } from '../messages/deployRollout.js';
import { decideLink, recordDeploy, type DeployDeps } from '../services/deploys.js';
import { outsideWindowLabel } from '../services/deployWindows.js';
import { serviceName } from '../services/tickets.js';
import { answerClickFailure, tellEphemeral } from './answers.js';
import type { Subcommand } from './commands.js';
import { DEPLOY_ACTION, deployName, parseLinkValue, type Verdict } from '../messages/deployMessages.js';
import { escapeMrkdwn } from '../messages/text.js';

const USAGE = 'deploy <service> <version> [url]';

/** Slack wraps links in slash-command text as <url> or <url|label> when it formats them. */
function unwrapLink(word: string): string {
  const m = /^<([^|>]+)(\|[^>]*)?>$/.exec(word);
  return m ? m[1]! : word;
}

/** Records a deploy by hand; the person typing it is its author. */
export function deploySubcommand(deps: DeployDeps): Subcommand {
  return {
    name: 'deploy',
    usage: USAGE,
    summary: 'record a production deploy by hand (you are its author); it is announced and linked to tickets.',
    async run(ctx) {
      const [service, version, rawUrl, ...extra] = ctx.args.split(/\s+/).filter(Boolean);
      const known = Object.keys(deps.config.services).join(', ');
      if (!service || !version || extra.length)
        return {
          text: `Usage: \`/support ${USAGE}\`, e.g. \`/support deploy ${Object.keys(deps.config.services)[0]} 1.4.2\`. Services: ${known}.`,
        };
      // The same checks as the API, so both answer alike.
      const parsed = parseDeployBody({ service, version, url: rawUrl ? unwrapLink(rawUrl) : null, author: ctx.userId }, deps.clock.now());
      if (!parsed.ok) return { text: parsed.error };
      const result = await recordDeploy(deps, { ...parsed.value, source: 'slack' });
      if (result.kind === 'unknown_service') return { text: escapeMrkdwn(result.message) };
      const name = deployName({ serviceName: serviceName(deps.config, result.deploy.service), version: result.deploy.version });
      if (result.kind !== 'created')
        return { text: `${name} is already recorded (deploy ${result.deploy.id}); nothing was announced again.` };
      const outside = result.deploy.outsideWindow ? outsideWindowLabel(deps.config, result.deploy.service, result.deploy.deployedAt) : null;
      return {
        text:
          `Recorded ${name} in production as your deploy; it is announced in <#${deps.config.channels.deploys}> and linked to tickets on that service.` +
          (outside ? ` Note: this is outside the support window ${outside}; the gardener and on-call were told in its thread.` : ''),
      };
    },
  };
}

/** The words for a failed verdict click, in "Could not <doing> #12 just now". */
const DOING: Record<Verdict, string> = {
  caused: 'name the deploy as the cause of',
  unrelated: 'mark the deploy as unrelated to',
  suggested: 'undo the verdict on',
};

export function registerDeployListeners(app: ListenerApp, deps: DeployDeps & { log: Logger }): void {
  const answer =
    (verdict: Verdict) =>
    async ({ ack, body, action, client }: { ack: () => Promise<void>; body: BlockAction; action: ButtonAction; client: App['client'] }) => {
      await ack();
      const channel = body.channel?.id ?? body.container?.channel_id;
      const tell = (text: string) => tellEphemeral(client, deps.log, { channel, user: body.user.id, text });
      const link = parseLinkValue(action.value);
      if (!link) return tell('That button does not point at a deploy and a ticket.');
      const ctx = {
        log: deps.log,
        client,
        channel,
        doing: DOING[verdict],
        ticketId: link.ticketId,
        requestId: body.trigger_id,
        userId: body.user.id,
      };
      await answerClickFailure(ctx, async () => {
        const result = await decideLink(deps, { ...link, verdict, actorId: body.user.id });
        if (!result.ok) await tell(result.error);
      });
    };
  app.action<BlockAction<ButtonAction>>(DEPLOY_ACTION.caused, answer('caused'));
  app.action<BlockAction<ButtonAction>>(DEPLOY_ACTION.unrelated, answer('unrelated'));
  app.action<BlockAction<ButtonAction>>(DEPLOY_ACTION.undo, answer('suggested'));
  // A link button: Slack opens the URL and still sends the click, which only needs acknowledging.
  app.action<BlockAction<ButtonAction>>(COMPARE_ACTION, async ({ ack }) => ack());
}
