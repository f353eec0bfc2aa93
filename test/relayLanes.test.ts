// The relay sends lane by lane (src/outbox/lanes.ts, laneRuns.ts): while Slack is slow to answer
// one lane's call, another lane's message goes beside it, yet each channel's posts reach it in the
// order the tickets were filed. A root's quiet edit (showing the reporter's mention) is a root edit
// of its own, in chat.update's lane.
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
    const rootPosts = h.fake.callsTo('chat.postMessage').filter((c) => c.args.channel === 'C0SUPPORT' && !c.args.thread_ts);
    const dmCalls = [
      ...h.fake.callsTo('chat.getPermalink'),
      ...h.fake.callsTo('chat.postMessage').filter((c) => c.args.channel === 'UREPORTER'),
    ];
    // One message at a time, every call would start at least SLACK_MS after the one before it.
    const beside = rootPosts.some((r) => dmCalls.some((d) => Math.abs(d.at - r.at) < SLACK_MS));
    assert.ok(beside, 'a confirmation call went out while a root post was waiting for Slack');
    // The edit that shows the reporter's mention goes in chat.update's lane: the next root does not
    // wait for it (in the root's own lane, root posts would be at least 2 x SLACK_MS apart).
    const gaps = rootPosts.slice(1).map((c, i) => c.at - rootPosts[i]!.at);
    assert.ok(
      gaps.some((g) => g < 1.75 * SLACK_MS),
      `the next root was posted while the last one's edit was under way: ${gaps.join(', ')} ms apart`,
    );
    assert.ok(
      rootPosts.every((c) => !String(c.args.text).includes('<@UREPORTER>')),
      'posted without pinging the reporter',
    );
    assert.ok(
      roots.every((m) => m.text?.includes('<@UREPORTER>')),
      'then edited to show them',
    );
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
    runs.add('a', 1, task('a1'));
    runs.add('a', 2, task('a2'));
    runs.add('a', 2, task('a2 again'));
    runs.add('b', 3, task('b1'));
    runs.add('c', 4, task('c1'));
    assert.ok(runs.has(4) && runs.busy);
    await runs.idle();
    assert.ok(log.indexOf('a1 end') < log.indexOf('a2 start'), 'a lane runs one task at a time, in order');
    assert.ok(log.indexOf('b1 start') < log.indexOf('a1 end'), 'another lane runs beside it');
    assert.ok(log.indexOf('c1 start') > log.indexOf('b1 end'), 'a third lane waits for a slot');
    assert.equal(most, 2);
    assert.equal(log.length, 8, 'a key already queued is not queued twice');
    assert.ok(!runs.busy && !runs.has(4));
  });

  it('puts a task added ahead before the queued tasks that are not', async () => {
    const runs = new LaneRuns(1);
    const ran: string[] = [];
    const task = (name: string) => async () => {
      await tick();
      ran.push(name);
    };
    runs.add('a', 1, task('running'));
    runs.add('a', 2, task('reply'));
    runs.add('a', 3, task('root one'), true);
    runs.add('a', 4, task('root two'), true);
    await runs.idle();
    assert.deepEqual(ran, ['running', 'root one', 'root two', 'reply']);
  });

  it("drops the rest of a failed task's lane, and tells the failure once", async () => {
    const runs = new LaneRuns(2);
    const ran: string[] = [];
    runs.add('a', 1, async () => {
      await tick();
      throw new Error('Slack is down');
    });
    runs.add('a', 2, async () => {
      ran.push('a2');
    });
    runs.add('b', 3, async () => {
      await tick();
      await tick();
      ran.push('b1');
    });
    await runs.idle();
    assert.deepEqual(ran, ['b1'], 'the failed lane stops; the other goes on');
    assert.ok(!runs.has(2), 'what was dropped may be queued again');
    assert.throws(() => runs.takeFailure(), /Slack is down/);
    assert.doesNotThrow(() => runs.takeFailure());
  });

  it('goes on with a lane while work a task left trails behind it; idle waits for that work, and keeps its failure', async () => {
    const runs = new LaneRuns(1);
    const log: string[] = [];
    let finishRecording!: () => void;
    const recording = new Promise<void>((resolve) => {
      finishRecording = resolve;
    });
    runs.add('a', 1, async () => {
      log.push('a1 sent');
      runs.trail(recording.then(() => void log.push('a1 recorded')));
      runs.trail(Promise.reject(new Error('could not record')));
    });
    runs.add('a', 2, async () => {
      log.push('a2 sent');
    });
    let idle = false;
    const idleNow = runs.idle().then(() => {
      idle = true;
    });
    await tick();
    assert.deepEqual(log, ['a1 sent', 'a2 sent'], "the lane's next task did not wait for the trailing work");
    assert.ok(runs.busy && !idle, 'not idle while work trails');
    finishRecording();
    await idleNow;
    assert.deepEqual(log, ['a1 sent', 'a2 sent', 'a1 recorded']);
    assert.throws(() => runs.takeFailure(), /could not record/);
  });
});
