// App Home: publishes the dashboard when someone opens the tab, and opens the ticket form from its button.
import type { ListenerApp } from './listenerIndex.js';
import type { WebClient } from '@slack/web-api';
import { HOME_ACTION } from '../messages/home.js';
import { type HomeDeps, openHome } from '../services/home.js';

export function registerHome(
  app: ListenerApp,
  deps: HomeDeps & { openTicketForm(client: WebClient, triggerId: string, channelId?: string): Promise<void> },
): void {
  app.event('app_home_opened', async ({ event }) => {
    if (event.tab !== 'home') return;
    await openHome(deps, event.user);
  });
  app.action(HOME_ACTION.fileTicket, async ({ ack, body, client }) => {
    await ack();
    if (body.type === 'block_actions') await deps.openTicketForm(client, body.trigger_id);
  });
}
