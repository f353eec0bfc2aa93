// The floor of the ack benchmark: a Bolt app in HTTP mode that does nothing a Slack app could skip —
// it verifies the signature, acks, and for /support opens a modal. Prints "ready <port>" like
// test/support/botMain.ts, so the benchmark starts both the same way.
import bolt from '@slack/bolt';
import type { AddressInfo } from 'node:net';
import { SIGNING_SECRET } from '../support/harness.js';

const { App, ExpressReceiver, LogLevel } = bolt;
const receiver = new ExpressReceiver({ signingSecret: SIGNING_SECRET, processBeforeResponse: false, logLevel: LogLevel.ERROR });
const app = new App({
  receiver,
  token: 'xoxb-test-token',
  // Our bot asks Slack who it is once; so does the floor, so neither pays for it per request.
  botId: 'B0BOT',
  botUserId: 'U0BOT',
  logLevel: LogLevel.ERROR,
  clientOptions: { slackApiUrl: process.env.TEST_SLACK_API_URL },
});
app.command('/support', async ({ ack, client, command }) => {
  await ack();
  await client.views.open({
    trigger_id: command.trigger_id,
    view: { type: 'modal', callback_id: 'floor', title: { type: 'plain_text', text: 'Support' }, blocks: [] },
  });
});
app.action(/.*/, async ({ ack }) => ack());
// Closes any submitted form (the throughput bench's floor).
app.view(/.*/, async ({ ack }) => ack());
app.event('message', async () => {});
const server = await receiver.start(0);
process.stdout.write(`ready ${(server.address() as AddressInfo).port}\n`);
