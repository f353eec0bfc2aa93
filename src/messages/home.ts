// App Home: the support dashboard, and the one-line ticket summary it shares with handoff announcements.
import type { HomeView } from '@slack/types';
import { PRIORITIES } from '../domain/priority.js';
import { LIMITS, STATUS_WORDS } from '../domain/ticket.js';
import { slaLine, type TicketView } from './ticketMessage.js';
import { mrkdwn, plain, userText } from './text.js';

/** One open ticket on one line with its SLA state (dashboard, handoff announcements). */
export function ticketLine(v: TicketView): string {
  return `*#${v.id}* ${v.priority} ${userText(v.title, LIMITS.title, 600)} — ${STATUS_WORDS[v.status]} · ${slaLine(v)}`;
}

export function homeView(args: { userId: string; open: TicketView[] }): HomeView {
  const counts = PRIORITIES.map((p) => `${p}: *${args.open.filter((t) => t.priority === p).length}*`).join('   ');
  const mine = args.open.filter((t) => t.ownerId === args.userId || t.reporterId === args.userId).slice(0, 20);
  return {
    type: 'home',
    blocks: [
      { type: 'header', text: plain('Support dashboard', 150) },
      { type: 'section', text: mrkdwn(`Open tickets by priority   ${counts}`) },
      { type: 'divider' },
      {
        type: 'section',
        text: mrkdwn(mine.length ? `*Yours*\n${mine.map(ticketLine).join('\n')}` : '*Yours*\nNothing open that you filed or own.'),
      },
      { type: 'context', elements: [mrkdwn('File a ticket with `/support`; `/support help` lists everything else.')] },
    ],
  };
}
