// Handoffs observed at the fake Slack: the announcement with open tickets, SLA state and notes, the
// DM to the incoming person, the user group, exactly once, and caught up after downtime.
// Default test config (see rotations.test.ts): Mon 2026-11-30 is 47 weeks after the start, so the
// Payments gardener goes UGARD1 → UGARD2 at 09:00, and on call UONCALL1 (since Fri 27 18:00) →
// UONCALL2 at Mon 18:00 → UONCALL3 at Tue 1 Dec 18:00. London is on GMT, so local = UTC.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { checkRotation } from '../src/services/handoffs.js';
import { gardenerRef } from '../src/services/rotations.js';
import { ask, slackTime } from './support/commands.js';
import { fileTicket, startHarness, type Harness } from './support/harness.js';

const announcements = (h: Harness, pattern: RegExp) => h.fake.posted('C0SUPPORT').filter((m) => !m.thread_ts && pattern.test(m.text ?? ''));
const groupCalls = (h: Harness) => h.fake.callsTo('usergroups.users.update').map((c) => `${c.args.usergroup}=${c.args.users}`);

async function checkAt(h: Harness, iso: string): Promise<void> {
  h.clock.set(iso);
  await h.bot.checkHandoffs();
  await h.settle();
}

describe('handoffs', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ now: '2026-11-30T08:00:00Z' });
  });
  after(() => h.stop());

  it('the first start records who is on duty and syncs the user groups, without announcing anything', async () => {
    await h.settle();
    assert.deepEqual(groupCalls(h).sort(), ['SGARDPAY=UGARD1', 'SONCALL=UONCALL1']);
    assert.deepEqual(h.fake.posted('C0SUPPORT'), []);
  });

  it("announces the new gardener with the squad's open tickets, their SLA state and the outgoing notes; DMs them; updates the group", async () => {
    await fileTicket(h, { title: 'Refunds stuck', service: 'checkout', priority: 'P2' });
    await fileTicket(h, { title: 'Search is slow', service: 'search', priority: 'P3' });
    await ask(h, 'handoff-note retry queue needs watching', 'UGARD1');
    await checkAt(h, '2026-11-30T09:00:30Z');

    const [announcement, ...more] = announcements(h, /Payments gardener/);
    assert.equal(more.length, 0);
    const text = announcement!.text!;
    assert.match(text, /<@UGARD2> is now the Payments gardener, taking over from <@UGARD1> \(<!date\^/);
    assert.ok(text.includes(slackTime('2026-11-30T09:00:00Z')), 'the handoff time, not the check time');
    assert.match(text, /\*Open tickets \(1\)\*\n\*#\d+\* P2 Refunds stuck — open · SLA (on track|at risk): due/);
    assert.ok(!text.includes('Search is slow'), "another squad's ticket is not the gardener's");
    assert.match(text, />retry queue needs watching\n— <@UGARD1>/);
    assert.match(text, /<!subteam\^SGARDPAY> now points to <@UGARD2>/);
    assert.ok(JSON.stringify(announcement!.blocks).includes('Refunds stuck'));

    const dm = h.fake.posted('UGARD2').at(-1)!.text!;
    assert.match(dm, /^You are now the Payments gardener \(since <!date\^.*\), taking over from <@UGARD1>\./);
    assert.ok(dm.includes('Refunds stuck') && dm.includes('retry queue needs watching'));
    assert.equal(groupCalls(h).at(-1), 'SGARDPAY=UGARD2');
    assert.ok((await h.db.handoffNote.findFirst())!.usedAt, 'a note is shown once');
  });

  it('announces each handoff once, however often the check runs', async () => {
    const [posts, groups] = [h.fake.posted('C0SUPPORT').length, groupCalls(h).length];
    await checkAt(h, '2026-11-30T09:01:00Z');
    await checkAt(h, '2026-11-30T09:05:00Z');
    assert.equal(h.fake.posted('C0SUPPORT').length, posts);
    assert.equal(groupCalls(h).length, groups);
  });

  it('after downtime over two handoffs, the restarted bot announces only the latest, once', async () => {
    h.clock.set('2026-12-01T19:00:00Z');
    await h.restart();
    await h.settle();
    const oncall = announcements(h, /is now on call/);
    assert.equal(oncall.length, 1);
    assert.match(oncall[0]!.text!, /<@UONCALL3> is now on call, taking over from <@UONCALL2> \(/);
    assert.ok(oncall[0]!.text!.includes(slackTime('2026-12-01T18:00:00Z')));
    assert.match(oncall[0]!.text!, /\*Open tickets \(2\)\*/, 'on call answers for every open ticket');
    assert.equal(groupCalls(h).at(-1), 'SONCALL=UONCALL3');
    assert.match(h.fake.posted('UONCALL3').at(-1)!.text!, /^You are now on call/);
    assert.equal(h.fake.posted('UONCALL2').length, 0, 'no DM for a duty that is already over');

    await h.restart();
    await h.settle();
    assert.equal(announcements(h, /is now on call/).length, 1);
  });

  it('two processes checking at once announce a handoff once', async () => {
    h.clock.set('2026-12-07T09:00:10Z');
    const deps = { db: h.db, config: h.config, clock: h.clock, log: pino({ level: 'silent' }), kick: () => {} };
    const ref = gardenerRef(h.config, 'payments')!;
    const outcomes = await Promise.all([checkRotation(deps, ref), checkRotation(deps, ref)]);
    assert.equal(outcomes.filter((o) => o === 'announced').length, 1, outcomes.join());
    await h.settle();
    assert.equal(announcements(h, /<@UGARD1> is now the Payments gardener/).length, 1);
  });

  it('says nothing when duty went round during downtime and is back with the person announced last', async () => {
    // UGARD1 since 7 Dec; UGARD2 from 14 Dec; UGARD1 again from 21 Dec.
    const before = announcements(h, /Payments gardener/).length;
    h.clock.set('2026-12-21T10:00:00Z');
    await h.restart();
    await h.settle();
    assert.equal(announcements(h, /Payments gardener/).length, before);
    assert.equal(
      groupCalls(h)
        .filter((c) => c.startsWith('SGARDPAY'))
        .at(-1),
      'SGARDPAY=UGARD1',
    );
  });

  it('announces a holder changed by the config itself, with no handoff instant in between', async () => {
    await h.restart({ config: (doc) => (doc.squads.payments.gardener.members = ['UGARD2', 'UGARD1']) });
    await h.settle();
    const [changed] = announcements(h, /<@UGARD2> is now the Payments gardener, taking over from <@UGARD1>/).slice(-1);
    assert.ok(changed!.text!.includes(slackTime('2026-12-21T10:00:00Z')), 'as of now');
    assert.equal(groupCalls(h).at(-1), 'SGARDPAY=UGARD2');
  });
});

describe('a rotation that runs out of people', () => {
  let h: Harness;
  before(async () => {
    // UONCALL1 leaves on 1 Dec: the first shift starting that day (Tue 18:00) has nobody.
    h = await startHarness({
      now: '2026-11-30T12:00:00Z',
      config: (doc) => (doc.oncall.members = [{ user: 'UONCALL1', until: '2026-12-01' }]),
    });
  });
  after(() => h.stop());

  it('announces "nobody" with a warning naming the config, and leaves the user group alone', async () => {
    await h.settle();
    const groups = groupCalls(h);
    await checkAt(h, '2026-12-01T18:00:30Z');
    const [warning] = announcements(h, /Nobody is on call/);
    assert.match(warning!.text!, /:warning: Nobody is on call: the rotation has no one on duty\. Admins, check `oncall\.members`/);
    assert.deepEqual(groupCalls(h), groups, 'Slack cannot empty a group; it keeps the last person');
  });
});

describe('an empty rotation at start', () => {
  it('warns in the channel once instead of failing', async () => {
    const h = await startHarness({ now: '2026-11-30T12:00:00Z', config: (doc) => (doc.squads.payments.gardener.members = []) });
    try {
      await h.settle();
      assert.equal(announcements(h, /Nobody is the Payments gardener/).length, 1);
      assert.ok(announcements(h, /Nobody is the Payments gardener/)[0]!.text!.includes('`squads.payments.gardener.members`'));
      await checkAt(h, '2026-12-07T09:00:30Z');
      assert.equal(announcements(h, /Nobody is the Payments gardener/).length, 1);
    } finally {
      await h.stop();
    }
  });
});
