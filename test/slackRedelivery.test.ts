// Slack delivers some things more than once: Events API retries (X-Slack-Retry-Num, also while the
// first delivery is still being handled) and people double-clicking. Each must count once.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { recordThreadReply } from '../src/services/tickets.js';
import { fileTicket, startHarness, type Harness } from './support/harness.js';

describe('repeated Slack deliveries', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ now: '2026-11-24T20:00:00Z' });
  });
  after(() => h.stop());

  const thread = (rootTs: string) =>
    h.fake
      .posted('C0SUPPORT')
      .filter((m) => m.thread_ts === rootTs)
      .map((m) => m.text ?? '');

  it('an Events API delivery and its retries, arriving together, record the first response once', async () => {
    const t = await fileTicket(h);
    const errors = h.loggedErrors.length;
    h.clock.advanceMinutes(7);
    const deliveries = [undefined, 1, 2, 3].map((retryNum) =>
      h.slack.threadReply({ threadTs: t.rootTs!, userId: 'UENG', text: 'on it', eventId: 'EvSame', ...(retryNum ? { retryNum } : {}) }),
    );
    assert.deepEqual(
      (await Promise.all(deliveries)).map((r) => r.status),
      [200, 200, 200, 200],
    );
    await h.settle();
    const events = await h.db.ticketEvent.findMany({ where: { ticketId: t.id, type: 'first_response' } });
    assert.equal(events.length, 1);
    assert.equal(JSON.parse(events[0]!.data).minutes, 7);
    // Concurrent transactions recording one delivery id: the later ones wait and see it, none fails.
    assert.deepEqual(h.loggedErrors.slice(errors), []);
  });

  // The first response is idempotent by itself (it is set only while unset), so counting it cannot
  // show that a retry was recognised; what shows it is the delivery record and the outcome.
  it('a retried event_id is recognised as a repeat: recorded once, at its first delivery, never processed again', async () => {
    const t = await fileTicket(h);
    const ts = '1700000100.000001';
    const reply = {
      type: 'message',
      channel: 'C0SUPPORT',
      channel_type: 'channel',
      user: 'UENG',
      text: 'on it',
      ts,
      thread_ts: t.rootTs,
      event_ts: ts,
    };
    const errors = h.loggedErrors.length;
    h.clock.advanceMinutes(3);
    const firstDelivery = h.clock.now();
    assert.equal((await h.slack.event(reply, { eventId: 'EvRetried' })).status, 200);
    await h.settle();
    // Slack's retries come about a minute and five minutes later, with the same event_id.
    for (const [minutes, retryNum] of [
      [1, 1],
      [5, 2],
    ] as const) {
      h.clock.advanceMinutes(minutes);
      assert.equal((await h.slack.event(reply, { eventId: 'EvRetried', retryNum })).status, 200);
      await h.settle();
    }
    const recorded = await h.db.processedDelivery.findMany({ where: { id: 'event:EvRetried' } });
    assert.equal(recorded.length, 1);
    assert.equal(recorded[0]!.at.toISOString(), firstDelivery.toISOString(), 'stamped by the first delivery, not a retry');
    assert.deepEqual(h.loggedErrors.slice(errors), [], 'the retries were recognised, not failed');
    const events = await h.db.ticketEvent.findMany({ where: { ticketId: t.id, type: 'first_response' } });
    assert.equal(events.length, 1);
    assert.equal(JSON.parse(events[0]!.data).minutes, 3);
    // A delivery seen before is not counted again, also where it would be a first response.
    const unanswered = await fileTicket(h, { priority: 'P3' });
    const deps = { db: h.db, clock: h.clock, config: h.config, hooks: [], kick: () => {} };
    const again = { channelId: 'C0SUPPORT', threadTs: unanswered.rootTs!, userId: 'UENG', deliveryId: 'event:EvRetried' };
    assert.equal(await recordThreadReply(deps, again), 'duplicate');
    assert.equal((await h.db.ticket.findUniqueOrThrow({ where: { id: unanswered.id } })).firstResponseAt, null);
  });

  it('replies that change nothing write nothing: another thread, the reporter, a ticket answered already', async () => {
    const t = await fileTicket(h);
    const replies = [
      { threadTs: '1700000200.000001', userId: 'UENG', eventId: 'EvNotATicket' },
      { threadTs: t.rootTs!, userId: 'UREPORTER', eventId: 'EvReporter' },
      { threadTs: t.rootTs!, userId: 'UENG', eventId: 'EvAnswer' },
      { threadTs: t.rootTs!, userId: 'UENG2', eventId: 'EvLater' },
    ];
    for (const r of replies) {
      assert.equal((await h.slack.threadReply({ ...r, text: 'hi' })).status, 200);
      // Each handled before the next arrives: the answer is recorded when the later reply is read.
      await h.settle();
    }
    const ids = replies.map((r) => `event:${r.eventId}`);
    const recorded = await h.db.processedDelivery.findMany({ where: { id: { in: ids } } });
    assert.deepEqual(
      recorded.map((d) => d.id),
      ['event:EvAnswer'],
    );
  });

  it('two people clicking Take it at once: one owner, one event, one message, one page marked taken', async () => {
    const t = await fileTicket(h, { priority: 'P1' });
    h.fake.reset();
    const clicks = ['UONCALL1', 'UENG'].map((userId) =>
      h.slack.clickButton({ actionId: 'ticket_take', value: String(t.id), userId, messageTs: t.rootTs! }),
    );
    await Promise.all(clicks);
    await h.settle();
    const stored = (await h.db.ticket.findUnique({ where: { id: t.id } }))!;
    assert.ok(stored.ownerId === 'UONCALL1' || stored.ownerId === 'UENG');
    assert.equal((await h.db.ticketEvent.findMany({ where: { ticketId: t.id, type: 'taken' } })).length, 1);
    assert.equal(thread(t.rootTs!).filter((x) => x.includes(' took #')).length, 1);
    assert.equal(h.fake.callsTo('chat.postEphemeral').length, 1, 'the other person is told why not');
    assert.equal((await h.db.page.findMany({ where: { ticketId: t.id, takenAt: { not: null } } })).length, 1);
  });

  it('a double-clicked button by the same person acts once', async () => {
    const t = await fileTicket(h, { priority: 'P2' });
    const click = () => h.slack.clickButton({ actionId: 'ticket_wait', value: String(t.id), userId: 'UREPORTER', messageTs: t.rootTs! });
    await Promise.all([click(), click()]);
    await h.settle();
    assert.equal((await h.db.ticketEvent.findMany({ where: { ticketId: t.id, type: 'waiting_on_reporter' } })).length, 1);
    assert.equal(thread(t.rootTs!).filter((x) => x.includes('is waiting on')).length, 1);
  });

  it('a resolve form submitted twice resolves once', async () => {
    const t = await fileTicket(h, { priority: 'P2' });
    const submit = () =>
      h.slack.submitView({
        callbackId: 'ticket_resolve',
        userId: 'UREPORTER',
        privateMetadata: JSON.stringify({ ticketId: t.id }),
        values: {
          resolution: { value: { type: 'plain_text_input', value: 'Done' } },
          codeChange: { value: { type: 'radio_buttons', selected_option: { value: 'yes' } } },
        },
      });
    const answers = await Promise.all([submit(), submit()]);
    await h.settle();
    const bodies = await Promise.all(answers.map((r) => r.text()));
    assert.equal(bodies.filter((b) => b === '').length, 1, 'one closes the modal, the other is told why not');
    assert.equal((await h.db.ticketEvent.findMany({ where: { ticketId: t.id, type: 'resolved' } })).length, 1);
  });
});
