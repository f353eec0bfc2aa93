// The relay sends lane by lane (src/outbox/lanes.ts, laneRuns.ts): while Slack is slow to answer
// one lane's call, another lane's message goes beside it, yet each channel's posts reach it in the
// order the tickets were filed.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { LaneRuns } from '../src/outbox/laneRuns.js';
import { startHarness, ticketFormValues, type Harness } from './support/harness.js';

const SLACK_MS = 300;

describe('the relay sends lanes side by side', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ now: '2026-11-24T10:00:00Z' });
  });
  after(() => h.stop());

  it("sends a ticket's confirmation while the next ticket's root is posted, and the roots in filing order", async () => {
    h.fake.delayAll(SLACK_MS);
    const titles = ['lanes one', 'lanes two', 'lanes three', 'lanes four'];
    for (const title of titles) {
      const res = await h.slack.submitView({
        callbackId: 'ticket_create',
        userId: 'UREPORTER',
        values: ticketFormValues({ title, description: 'x', priority: 'P2', service: 'checkout' }),
      });
      assert.equal(res.status, 200);
    }
    await h.settle();
    h.fake.delayAll(0);

    const roots = h.fake.posted('C0SUPPORT').filter((m) => !m.thread_ts && titles.some((t) => m.text?.includes(t)));
    assert.deepEqual(
      roots.map((m) => titles.find((t) => m.text?.includes(t))),
      titles,
      'one root each, in filing order',
    );
    const confirmations = h.fake.posted('UREPORTER').filter((m) => /\|#\d+>/.test(m.text ?? ''));
    assert.equal(confirmations.length, titles.length, 'one confirmation each');
    const rootPosts = h.fake.callsTo('chat.postMessage').filter((c) => c.args.channel === 'C0SUPPORT');
    const dmCalls = [
      ...h.fake.callsTo('chat.getPermalink'),
      ...h.fake.callsTo('chat.postMessage').filter((c) => c.args.channel === 'UREPORTER'),
    ];
    // One message at a time, every call would start at least SLACK_MS after the one before it.
    const beside = rootPosts.some((r) => dmCalls.some((d) => Math.abs(d.at - r.at) < SLACK_MS / 2));
    assert.ok(beside, 'a confirmation call went out while a root post was waiting for Slack');
  });
});

describe('LaneRuns', () => {
  const tick = () => new Promise((r) => setTimeout(r, 5));

  it("runs one lane's tasks in order, other lanes beside them, at most `limit` lanes at once", async () => {
    const runs = new LaneRuns(2);
    const log: string[] = [];
    let atOnce = 0;
    let most = 0;
    const task = (name: string) => async () => {
      atOnce += 1;
      most = Math.max(most, atOnce);
      log.push(`${name} start`);
      await tick();
      log.push(`${name} end`);
      atOnce -= 1;
    };
    await runs.add('a', task('a1'));
    await runs.add('a', task('a2'));
    await runs.add('b', task('b1'));
    await runs.add('c', task('c1'));
    await runs.finished();
    assert.ok(log.indexOf('a1 end') < log.indexOf('a2 start'), 'a lane runs one task at a time, in order');
    assert.ok(log.indexOf('b1 start') < log.indexOf('a1 end'), 'another lane runs beside it');
    assert.equal(most, 2);
    assert.equal(log.length, 8);
  });

  it('starts nothing more after a failure, and finished rejects with it', async () => {
    const runs = new LaneRuns(2);
    const ran: string[] = [];
    await runs.add('a', async () => {
      await tick();
      throw new Error('Slack is down');
    });
    await runs.add('a', async () => {
      ran.push('a2');
    });
    await runs.add('b', async () => {
      await tick();
      await tick();
      ran.push('b1');
    });
    await assert.rejects(runs.finished(), /Slack is down/);
    assert.deepEqual(ran, ['b1'], 'the failed lane stops; a task already running finishes');
  });
});
