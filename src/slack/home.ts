// App Home: a live view of the open tickets, refreshed each time someone opens the tab.
import type { App } from '@slack/bolt';
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import type { SupportConfig } from '../config/supportConfig.js';
import type { Db } from '../repos/db.js';
import { openTickets } from '../repos/tickets.js';
import { homeView } from '../messages/home.js';
import { ticketView } from '../services/tickets.js';

export function registerHome(app: App, deps: { db: Db; config: SupportConfig; clock: Clock; log: Logger }): void {
  app.event('app_home_opened', async ({ event, client }) => {
    if (event.tab !== 'home') return;
    const open = await openTickets(deps.db, { take: 200 });
    const now = deps.clock.now();
    await client.views.publish({
      user_id: event.user,
      view: homeView({ userId: event.user, open: open.map((t) => ticketView(deps.config, t, now)) }),
    });
  });
}
