// chat.postMessage paced per channel before Slack has to say 429: 200 tickets filed in a minute into
// one channel reach it in order, at about one a second, against a fake Slack that answers 429 to
// any post beyond its per-channel limit; other channels do not wait behind them.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { enqueue } from '../src/outbox/queue.js';
import { SLACK_PACE } from '../src/outbox/lanes.js';
import { startHarness, ticketFormValues, type Harness } from './support/harness.js';

const TICKETS = 200;
const rule = SLACK_PACE['chat.postMessage']!;

describe('pacing chat.postMessage per channel', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ now: '2026-11-24T10:00:00Z', pace: true });
    // Slack's limit as the fake enforces it: the bot's pace must stay within it.
    h.fake.limitPostsPerChannel(rule);
  });
  after(() => h.stop());

  const roots = () => h.fake.posted('C0SUPPORT').filter((m) => !m.thread_ts && m.text?.includes('paced '));
  const title = (text: string | undefined) => Number(/paced (\d+)/.exec(text ?? '')?.[1]);

  // Search's squad has no gardener: each ticket posts its root and nothing else into the channel
  // (a thread reply takes a slot of the channel's pace like any post).
  it('posts 200 roots filed within a minute in filing order, about one a second, without a 429', async () => {
    const start = h.clock.now().getTime();
    for (let i = 0; i < TICKETS; i++) {
      const res = await h.slack.submitView({
        callbackId: 'ticket_create',
        userId: 'UREPORTER',
        values: ticketFormValues({ title: `paced ${i}`, description: 'd', priority: 'P3', service: 'search' }),
      });
      assert.equal(res.status, 200);
      await h.settle();
      h.clock.advance(300);
    }
    const filed = roots().length;
    assert.ok(filed < 70, `${filed} roots while filing: Slack's pace, not the filing rate`);

    // Another channel is not held behind the backlog.
    await h.db.$transaction((tx) => enqueue(tx, { kind: 'post', channel: 'C0DEPLOYS', text: 'elsewhere' }, { now: h.clock.now() }));
    await h.settle();
    assert.equal(h.fake.posted('C0DEPLOYS').filter((m) => m.text === 'elsewhere').length, 1);

    let last = 0;
    while (roots().length < TICKETS) {
      assert.ok(h.clock.now().getTime() - start < 400_000, `stuck with ${roots().length} roots posted`);
      h.clock.advance(1000);
      await h.settle();
      last = h.clock.now().getTime();
    }
    assert.deepEqual(h.fake.rateLimited, [], 'no post beyond the limit');
    assert.deepEqual(
      roots().map((m) => title(m.text)),
      Array.from({ length: TICKETS }, (_, i) => i),
      'in the order filed',
    );
    // A burst, then one a second: about 200 s for 200 roots, not faster (429s) and not much slower.
    assert.equal(h.fake.posted('C0SUPPORT').length, TICKETS, 'nothing else in the channel');
    const seconds = (last - start) / 1000;
    assert.ok(seconds >= TICKETS - rule.burst - 1 && seconds <= TICKETS + 5, `the last root after ${seconds} s`);
    const tickets = await h.db.ticket.findMany({ where: { title: { startsWith: 'paced ' } } });
    assert.equal(tickets.filter((t) => t.rootTs).length, TICKETS);

    // Each confirmation (a DM: its own lane) follows its root.
    for (let n = 0; n < 10; n++) {
      h.clock.advance(1000);
      await h.settle();
    }
    const confirmations = h.fake.posted('UREPORTER');
    assert.equal(confirmations.length, TICKETS);
    assert.deepEqual(h.fake.rateLimited, []);
  });
});
