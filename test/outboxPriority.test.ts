// Interactive messages go before bulk ones: a new ticket's root, or the answer to a click, does not
// wait behind hundreds of queued deploy announcements, and a ticket's thread keeps its order.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { enqueue, enqueueAll, type OutboxKind } from '../src/outbox/queue.js';
import type { SlackCall } from './support/fakeSlack.js';
import { fileTicket, startHarness, ticketFormValues, type Harness } from './support/harness.js';

const BACKLOG = 300;

describe('outbox priority: interactive before bulk', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ now: '2026-11-24T10:00:00Z', slackTimeoutMs: 1000 });
  });
  after(() => h.stop());

  const posts = () => h.fake.callsTo('chat.postMessage');
  let round = 0;
  const isBacklog = (c: SlackCall) => typeof c.args.text === 'string' && c.args.text.startsWith(`backlog ${round}:`);
  /**
   * Queues BACKLOG bulk announcements (and `extra`, queued after them), and holds the relay in the
   * first one's Web API call (Slack does not answer) until `meanwhile` has queued what people wait for.
   */
  const behindBacklog = async (extra: Array<{ message: OutboxKind; bulk: boolean }>, meanwhile: () => Promise<void>) => {
    round += 1;
    h.fake.fail('chat.postMessage', { hang: true }, 1, (args) => args.text === `backlog ${round}: 0`);
    await h.db.$transaction(async (tx) => {
      const backlog = Array.from(
        { length: BACKLOG },
        (_, i): OutboxKind => ({ kind: 'post', channel: 'C0DEPLOYS', text: `backlog ${round}: ${i}` }),
      );
      await enqueueAll(tx, backlog, { now: h.clock.now(), bulk: true });
      for (const e of extra) await enqueue(tx, e.message, { now: h.clock.now(), bulk: e.bulk });
    });
    // The relay polls for due messages (every 50 ms in tests).
    while (!posts().some((c) => c.args.text === `backlog ${round}: 0`)) await new Promise((r) => setTimeout(r, 5));
    await meanwhile();
    await h.settle();
    // The hung announcement is retried after its backoff.
    h.clock.advance(1000);
    await h.settle();
    assert.equal(
      h.fake.posted('C0DEPLOYS').filter((m) => m.text?.startsWith(`backlog ${round}:`)).length,
      BACKLOG,
      'the backlog all arrives',
    );
  };

  it("a new ticket's root message and confirmation go out before a backlog of 300 bulk messages", async () => {
    h.fake.reset();
    await behindBacklog([], async () => {
      const res = await h.slack.submitView({
        callbackId: 'ticket_create',
        userId: 'UREPORTER',
        values: ticketFormValues({ title: 'Filed behind the storm', description: 'd', priority: 'P1', service: 'billing' }),
      });
      assert.equal(res.status, 200);
    });
    const calls = posts();
    const root = calls.findIndex((c) => String(c.args.text).includes('Filed behind the storm'));
    assert.ok(root >= 0, 'the root was posted');
    const before = calls.slice(0, root).filter(isBacklog).length;
    assert.ok(before <= 12, `${before} bulk messages went before the root`);
    const ticket = await h.db.ticket.findFirstOrThrow({ where: { title: 'Filed behind the storm' } });
    const confirmation = calls.findIndex((c) => c.args.channel === 'UREPORTER' && String(c.args.text).includes(`|#${ticket.id}>`));
    assert.ok(confirmation > root, 'then the confirmation');
    const beforeConfirmation = calls.slice(0, confirmation).filter(isBacklog).length;
    assert.ok(beforeConfirmation <= 12, `${beforeConfirmation} bulk messages went before the confirmation`);
  });

  it("a click's answer takes along the bulk deploy note queued before it in the same thread, and not the rest", async () => {
    const t = await fileTicket(h, { title: 'Open during the storm', service: 'billing' });
    h.fake.reset();
    await behindBacklog(
      [{ message: { kind: 'ticket.reply', ticketId: t.id, text: 'deploy note for the thread' }, bulk: true }],
      async () => {
        const res = await h.slack.clickButton({ actionId: 'ticket_take', value: String(t.id), userId: 'UENG', messageTs: t.rootTs! });
        assert.equal(res.status, 200);
      },
    );
    const calls = posts();
    const inThread = calls.filter((c) => c.args.thread_ts === t.rootTs).map((c) => String(c.args.text));
    assert.equal(inThread.length, 2);
    assert.equal(inThread[0], 'deploy note for the thread', 'the thread keeps its order');
    assert.match(inThread[1]!, /took #/);
    const took = calls.findIndex((c) => c.args.thread_ts === t.rootTs && /took #/.test(String(c.args.text)));
    const before = calls.slice(0, took).filter(isBacklog).length;
    assert.ok(before <= 12, `${before} bulk messages went before the answer`);
  });
});
