// `/support report [7d|30d|90d]` (anyone): the report as an ephemeral summary with a Details button
// opening a modal of the rows behind the numbers; `/support export [30d]` (admins): a CSV of the
// tickets with their timings, sent to the requester's DM through the outbox.
import type { BlockAction, ButtonAction } from '@slack/bolt';
import type { ListenerApp } from './listenerIndex.js';
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import { PERIOD_DAYS, type PeriodDays, parsePeriod } from '../domain/metrics.js';
import { parseDetailsValue, REPORT_DETAILS_ACTION, reportBlocks, reportDetailsModal } from '../messages/report.js';
import { buildReport, type ReportDeps, queueTicketExport, reportDetails } from '../services/reports.js';
import { isAdmin } from '../services/tickets.js';
import type { Subcommand } from './commands.js';

export interface ReportCommandDeps extends ReportDeps {
  clock: Clock;
  log: Logger;
  kick(): void;
}

export function reportSubcommand(deps: ReportCommandDeps): Subcommand {
  return {
    name: 'report',
    usage: 'report [7d|30d|90d]',
    summary: 'ticket, SLA and deploy figures of the last 7 (30, 90) days against the period before, with the rows behind them.',
    async run(ctx) {
      const period = parsePeriod(ctx.args);
      if (!period.ok) return { text: period.error };
      const report = await buildReport(deps, { period: period.value, now: deps.clock.now() });
      return reportBlocks(report, { timeZone: deps.config.timeZone });
    },
  };
}

export function exportSubcommand(deps: ReportCommandDeps): Subcommand {
  return {
    name: 'export',
    usage: 'export [30d]',
    summary: 'admins: a CSV of the tickets filed in the last 30 (7, 90) days with their timings, sent to your DMs.',
    async run(ctx) {
      if (!isAdmin(deps.config, ctx.userId)) return { text: 'Sorry, only admins can export tickets (`admins` in the config).' };
      const period = parsePeriod(ctx.args, 30);
      if (!period.ok) return { text: period.error };
      // The CSV holds people's tickets: it goes to the requester's DM, never where the command ran.
      const dm = await ctx.client.conversations.open({ users: ctx.userId });
      const channel = dm.channel?.id;
      if (!channel) return { text: 'Sorry, I could not open a DM with you to send the CSV.' };
      const result = await queueTicketExport(deps, { period: period.value, now: deps.clock.now(), channel });
      return {
        text: `The CSV of ${result.tickets} tickets filed in the last ${period.value} days (\`${result.filename}\`) is on its way to your DMs.`,
      };
    },
  };
}

export function registerReportListeners(app: ListenerApp, deps: ReportCommandDeps): void {
  app.action<BlockAction<ButtonAction>>(REPORT_DETAILS_ACTION, async ({ ack, body, action, client }) => {
    await ack();
    const asked = parseDetailsValue(action.value);
    const days = PERIOD_DAYS.find((d) => d === asked?.days);
    const channel = body.channel?.id ?? body.container?.channel_id;
    const tell = async (text: string) => {
      if (!channel) return;
      await client.chat.postEphemeral({ channel, user: body.user.id, text }).catch((err) => deps.log.warn({ err }, 'could not answer'));
    };
    if (!asked || !days) return tell('That button does not point at a report period.');
    try {
      const details = await reportDetails(deps, { period: days as PeriodDays, now: asked.now });
      await client.views.open({ trigger_id: body.trigger_id, view: reportDetailsModal(details, { timeZone: deps.config.timeZone }) });
    } catch (err) {
      deps.log.error({ err }, 'report details failed');
      await tell('Sorry, the report details could not be opened. Please try again.');
    }
  });
}
