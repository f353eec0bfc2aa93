// App Home: a live view of the open tickets, refreshed each time someone opens the tab.
import type { App } from '@slack/bolt';
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import type { SupportConfig } from '../config/supportConfig.js';
import type { Db } from '../db/client.js';
import { PRIORITIES } from '../domain/priority.js';
import { STATUS_WORDS, type TicketStatus } from '../domain/ticket.js';
import { ticketView, type Ticket } from '../services/tickets.js';
import { slaLine } from './views/ticketMessage.js';
import { escapeMrkdwn, mrkdwn, plain } from './views/text.js';

/** One open ticket on one line with its SLA state (dashboard, handoff announcements). */
export function ticketLine(config: SupportConfig, t: Ticket, now: Date): string {
  const v = ticketView(config, t, now);
  return `*#${t.id}* ${t.priority} ${escapeMrkdwn(t.title)} — ${STATUS_WORDS[t.status as TicketStatus]} · ${slaLine(v)}`;
}

export function homeView(args: { userId: string; open: Ticket[]; config: SupportConfig; now: Date }) {
  const counts = PRIORITIES.map((p) => `${p}: *${args.open.filter((t) => t.priority === p).length}*`).join('   ');
  const mine = args.open.filter((t) => t.ownerId === args.userId || t.reporterId === args.userId).slice(0, 20);
  const line = (t: Ticket) => ticketLine(args.config, t, args.now);
  return {
    type: 'home' as const,
    blocks: [
      { type: 'header', text: plain('Support dashboard', 150) },
      { type: 'section', text: mrkdwn(`Open tickets by priority   ${counts}`) },
      { type: 'divider' },
      {
        type: 'section',
        text: mrkdwn(mine.length ? `*Yours*\n${mine.map(line).join('\n')}` : '*Yours*\nNothing open that you filed or own.'),
      },
      { type: 'context', elements: [mrkdwn('File a ticket with `/support`; `/support help` lists everything else.')] },
    ],
  };
}

export function registerHome(app: App, deps: { db: Db; config: SupportConfig; clock: Clock; log: Logger }): void {
  app.event('app_home_opened', async ({ event, client }) => {
    if (event.tab !== 'home') return;
    const open = await deps.db.ticket.findMany({
      where: { status: { not: 'resolved' } },
      orderBy: [{ priority: 'asc' }, { id: 'asc' }],
      take: 200,
    });
    await client.views.publish({
      user_id: event.user,
      view: homeView({ userId: event.user, open, config: deps.config, now: deps.clock.now() }) as never,
    });
  });
}
