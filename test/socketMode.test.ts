// With SLACK_APP_TOKEN set the bot takes Slack's requests over a Socket Mode WebSocket, and still
// serves its HTTP routes. A local WebSocket server plays Slack's side of the protocol.
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { WebSocketServer, type WebSocket } from 'ws';
import { startHarness, type Harness } from './support/harness.js';

describe('Socket Mode', () => {
  let h: Harness;
  let wss: WebSocketServer;
  let socket: WebSocket;
  const acks = new Map<string, (payload: unknown) => void>();

  before(async () => {
    wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await new Promise((r) => wss.once('listening', r));
    wss.on('connection', (ws) => {
      socket = ws;
      ws.on('message', (data) => {
        const msg = JSON.parse(String(data)) as { envelope_id: string; payload?: unknown };
        acks.get(msg.envelope_id)?.(msg.payload ?? null);
      });
      ws.send(JSON.stringify({ type: 'hello', num_connections: 1, connection_info: { app_id: 'A0TEST' } }));
    });
    const port = (wss.address() as AddressInfo).port;
    h = await startHarness({
      env: { SLACK_APP_TOKEN: 'xapp-test-token' },
      beforeStart: (fake) => (fake.socketUrl = `ws://127.0.0.1:${port}/link`),
    });
  });
  after(async () => {
    await h.stop();
    for (const c of wss.clients) c.terminate();
    await new Promise((r) => wss.close(r));
  });

  function envelope(type: string, payload: Record<string, unknown>): Promise<unknown> {
    const id = `env-${Math.random()}`;
    return new Promise((resolve) => {
      acks.set(id, resolve);
      socket.send(JSON.stringify({ envelope_id: id, type, payload, accepts_response_payload: true }));
    });
  }

  it('answers a slash command through the socket, ephemerally', async () => {
    const payload = await envelope('slash_commands', {
      command: '/support',
      text: 'help',
      user_id: 'UREPORTER',
      channel_id: 'C0SUPPORT',
      team_id: 'T0TEST',
      trigger_id: 't.1',
      response_url: 'https://hooks.slack.com/commands/x',
    });
    assert.equal((payload as { response_type: string }).response_type, 'ephemeral');
    assert.match((payload as { text: string }).text, /file a ticket/);
  });

  it('opens the ticket form through the socket', async () => {
    await envelope('slash_commands', {
      command: '/support',
      text: '',
      user_id: 'UREPORTER',
      channel_id: 'C0SUPPORT',
      team_id: 'T0TEST',
      trigger_id: 't.2',
      response_url: 'https://hooks.slack.com/commands/x',
    });
    await h.settle();
    assert.equal(h.fake.callsTo('views.open').at(-1)?.args.trigger_id, 't.2');
  });

  it('serves the HTTP routes but not /slack/events', async () => {
    assert.equal((await fetch(`${h.baseUrl}/healthz`)).status, 200);
    assert.equal((await fetch(`${h.baseUrl}/slack/events`, { method: 'POST', body: '{}' })).status, 404);
  });
});
