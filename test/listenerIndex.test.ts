// The features' listeners are found by the request's kind and id (src/slack/listenerIndex.ts), in
// one Bolt middleware, rather than by Bolt trying each listener's matchers in turn. Run on a real
// Bolt App's processEvent.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { App, type Receiver, type ReceiverEvent } from '@slack/bolt';
import { ListenerIndex, listenerKey } from '../src/slack/listenerIndex.js';

const quietReceiver: Receiver = { init: () => {}, start: async () => {}, stop: async () => {} };

function boltApp(): App {
  return new App({
    receiver: quietReceiver,
    authorize: async () => ({ botToken: 'xoxb-test-token', botUserId: 'UBOT', botId: 'BBOT' }),
    logLevel: undefined,
  });
}

const BODIES = {
  click: { type: 'block_actions', team: { id: 'T1' }, user: { id: 'U1' }, actions: [{ action_id: 'ticket_take', type: 'button' }] },
  submit: {
    type: 'view_submission',
    team: { id: 'T1' },
    user: { id: 'U1' },
    view: { callback_id: 'ticket_create', state: { values: {} } },
  },
  reply: { type: 'event_callback', team_id: 'T1', event: { type: 'message', channel: 'C1', user: 'U1', ts: '2.0', thread_ts: '1.0' } },
  command: { command: '/support', text: '', team_id: 'T1', user_id: 'U1', channel_id: 'C1', trigger_id: 't' },
  shortcut: { type: 'message_action', callback_id: 'ticket_from_message', team: { id: 'T1' }, user: { id: 'U1' }, channel: { id: 'C1' } },
} as const;

describe('the listener index', () => {
  it("keys a request as Bolt's matchers would: action id, view callback, event type, command, shortcut callback", () => {
    assert.equal(listenerKey(BODIES.click), 'action:ticket_take');
    assert.equal(listenerKey(BODIES.submit), 'view:ticket_create');
    assert.equal(listenerKey(BODIES.reply), 'event:message');
    assert.equal(listenerKey(BODIES.command), 'command:/support');
    assert.equal(listenerKey(BODIES.shortcut), 'shortcut:ticket_from_message');
    assert.equal(listenerKey({ type: 'view_closed', view: { callback_id: 'ticket_create' } }), undefined, 'only submissions, as app.view');
  });

  it("runs the one handler of each request with Bolt's listener arguments, and adds no listener to Bolt", async () => {
    const app = boltApp();
    const index = new ListenerIndex();
    const ran: string[] = [];
    index.app.action('ticket_take', async ({ ack, action }) => {
      ran.push(`click ${(action as { action_id: string }).action_id}`);
      await ack();
    });
    index.app.view('ticket_create', async ({ ack, view }) => {
      ran.push(`submit ${view.callback_id}`);
      await ack();
    });
    index.app.event('message', async ({ event }) => {
      ran.push(`event ${event.type}`);
    });
    index.app.command('/support', async ({ ack, command }) => {
      ran.push(`command ${command.command}`);
      await ack();
    });
    index.app.shortcut('ticket_from_message', async ({ ack, shortcut }) => {
      ran.push(`shortcut ${shortcut.callback_id}`);
      await ack();
    });
    index.install(app);
    assert.deepEqual((app as unknown as { listeners: unknown[] }).listeners, [], 'Bolt has no listener chains to try');

    const acked: string[] = [];
    for (const [name, body] of Object.entries(BODIES)) {
      const event: ReceiverEvent = { body: { ...body }, ack: async () => void acked.push(name) };
      await app.processEvent(event);
    }
    assert.deepEqual(ran, [
      'click ticket_take',
      'submit ticket_create',
      'event message',
      'command /support',
      'shortcut ticket_from_message',
    ]);
    assert.deepEqual(acked, Object.keys(BODIES), 'each acknowledged once (the event by Bolt)');
  });

  it('lets a request no handler is registered for go on through Bolt unacknowledged (unhandledRequests.ts answers it)', async () => {
    const app = boltApp();
    const index = new ListenerIndex();
    index.app.action('ticket_take', async ({ ack }) => ack());
    index.install(app);
    let reachedBolt = false;
    app.use(async ({ next }) => {
      reachedBolt = true;
      await next();
    });
    let acked = false;
    await app.processEvent({
      body: { ...BODIES.click, actions: [{ action_id: 'from_an_older_bot' }] },
      ack: async () => {
        acked = true;
      },
    });
    assert.equal(reachedBolt, true);
    assert.equal(acked, false);
  });

  it('refuses what it cannot find by key: a pattern, listener middleware, a second handler for an id', () => {
    const index = new ListenerIndex();
    const noop = async () => {};
    assert.throws(() => index.app.action(/ticket_.*/, noop), /registered by one id and one function/);
    assert.throws(() => index.app.action('ticket_take', noop, noop), /registered by one id and one function/);
    index.app.view('ticket_create', noop);
    assert.throws(() => index.app.view('ticket_create', noop), /two listeners for view:ticket_create/);
  });
});
