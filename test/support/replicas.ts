// What the replica tests send through the proxy and count at the fake Slack.
import assert from 'node:assert/strict';
import type { FakeSlack } from './fakeSlack.js';
import { ticketFormValues } from './harness.js';
import type { SlackRequests } from './slackRequests.js';

/** `/support` opens the form, then the form is submitted, as a person files a ticket; the submission's answer. */
export async function fileThroughForm(slack: SlackRequests, title: string): Promise<Response> {
  const opened = await slack.command('');
  await opened.arrayBuffer();
  assert.equal(opened.status, 200);
  const res = await slack.submitView({
    callbackId: 'ticket_create',
    userId: 'UREPORTER',
    values: ticketFormValues({ title, description: 'd', priority: 'P2', service: 'checkout' }),
  });
  assert.equal(await res.clone().text(), '', `${title} accepted`);
  return res;
}

/** What reached Slack for a filed ticket: its root messages, the chat.postMessage calls for them, and the reporter's confirmations. */
export function filedAtSlack(fake: FakeSlack, ticket: { id: number; title: string }) {
  return {
    roots: fake.posted('C0SUPPORT').filter((m) => !m.thread_ts && m.text?.includes(ticket.title)).length,
    rootCalls: fake
      .callsTo('chat.postMessage')
      .filter((c) => c.args.channel === 'C0SUPPORT' && !c.args.thread_ts && String(c.args.text).includes(ticket.title)).length,
    confirmations: fake.posted('UREPORTER').filter((m) => m.text?.startsWith('Thanks') && m.text.includes(`|#${ticket.id}>`)).length,
  };
}
