// Shift reminders and rotation gaps through the real bot, planned by the periodic rotation check
// (tests call it: checkHandoffs). Default test config: on call UONCALL1-3 with weekday 18:00
// handoffs; Tue 2026-11-24 18:00 UONCALL1, Wed UONCALL2, Thu UONCALL3, Fri 27 18:00 UONCALL1 to Mon.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parseSupportConfig } from '../src/config/supportConfig.js';
import { ask, slackTime } from './support/commands.js';
import { fileTicket, startHarness, testConfigDoc, type Harness } from './support/harness.js';

const reminders = (h: Harness, user: string) => h.fake.posted(user).filter((m) => m.text?.startsWith(':calendar: Reminder'));
const gapNotices = (h: Harness) => h.fake.posted('UADMIN').filter((m) => m.text?.includes('Nobody can be'));

async function check(h: Harness, iso: string) {
  h.clock.set(iso);
  await h.bot.checkHandoffs();
  await h.settle();
}

describe('shift reminders', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ now: '2026-11-24T10:00:00Z', config: (doc) => (doc.rotations = { reminderHours: 24 }) });
  });
  after(() => h.stop());

  it('a reminder already due at start-up goes out at once, with the shift and the open tickets', async () => {
    await h.settle();
    const [first, ...more] = reminders(h, 'UONCALL1');
    assert.deepEqual(more, []);
    assert.match(first!.text!, /you will be on call /);
    assert.ok(first!.text!.includes(`${slackTime('2026-11-24T18:00:00Z')}`) && first!.text!.includes(slackTime('2026-11-25T18:00:00Z')));
    assert.match(first!.text!, /taking over from <@UONCALL3>/);
    assert.match(first!.text!, /No open tickets/);
  });

  it('24 h before the shift, once, with the open tickets', async () => {
    await fileTicket(h, { title: 'Refunds stuck', priority: 'P2' });
    await check(h, '2026-11-24T17:59:00Z');
    assert.deepEqual(reminders(h, 'UONCALL2'), []);
    await check(h, '2026-11-24T18:00:00Z');
    const [reminder, ...more] = reminders(h, 'UONCALL2');
    assert.deepEqual(more, []);
    assert.match(reminder!.text!, /Open tickets \(1\)/);
    assert.match(reminder!.text!, /Refunds stuck/);
    await check(h, '2026-11-25T12:00:00Z');
    assert.equal(reminders(h, 'UONCALL2').length, 1, 'once per shift');
  });

  it('planned ahead: a restart between its due time and sending still sends it, once', async () => {
    const key = 'shift.reminder:oncall:2026-11-26T18:00:00.000Z:UONCALL3';
    assert.equal((await h.db.job.findUnique({ where: { dedupKey: key } }))?.status, 'pending', 'planned before it is due');
    await h.restart({ whileDown: () => h.clock.set('2026-11-25T18:30:00Z') });
    await h.settle();
    assert.equal(reminders(h, 'UONCALL3').length, 1);
    await h.restart();
    await check(h, '2026-11-26T10:00:00Z');
    assert.equal(reminders(h, 'UONCALL3').length, 1);
  });

  it('a cover taking over the shift moves the reminder to the person covering', async () => {
    await ask(h, 'cover <@UBACKUP> 2026-11-30 18:00 2026-12-01 18:00', 'UADMIN');
    await check(h, '2026-11-29T18:00:00Z');
    assert.equal(reminders(h, 'UBACKUP').length, 1);
    assert.deepEqual(
      reminders(h, 'UONCALL2').filter((m) => m.text!.includes(slackTime('2026-11-30T18:00:00Z'))),
      [],
      'the covered person is not reminded of a shift they no longer hold',
    );
  });
});

describe('shift reminder hours from the config', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({
      now: '2026-11-29T10:00:00Z',
      config: (doc) => {
        doc.rotations = { reminderHours: 0 };
        doc.squads.payments.gardener.reminderHours = 2;
      },
    });
  });
  after(() => h.stop());

  it('rotations.reminderHours: 0 turns them off; a rotation may set its own; the handoff note is shown and kept for the handoff', async () => {
    await ask(h, 'handoff-note the <refunds> job is half done', 'UGARD1');
    await check(h, '2026-11-30T06:59:00Z');
    assert.deepEqual(reminders(h, 'UGARD2'), []);
    await check(h, '2026-11-30T07:00:00Z');
    assert.match(reminders(h, 'UGARD2')[0]!.text!, /you will be the Payments gardener/);
    assert.match(reminders(h, 'UGARD2')[0]!.text!, /the &lt;refunds&gt; job is half done\n— <@UGARD1>/, 'the note, escaped');
    await check(h, '2026-11-30T09:00:00Z');
    const handoff = h.fake.posted('UGARD2').find((m) => m.text?.startsWith('You are now the Payments gardener'));
    assert.match(handoff!.text!, /the &lt;refunds&gt; job is half done/, 'the reminder only peeked at the note');
    await check(h, '2026-12-01T17:00:00Z');
    for (const user of ['UONCALL1', 'UONCALL2', 'UONCALL3']) assert.deepEqual(reminders(h, user), [], user);
  });
});

describe('rotation gaps', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({
      now: '2026-11-24T10:00:00Z',
      config: (doc) => {
        // Nobody is active on Friday 27 November, when the weekend shift begins.
        doc.oncall.members = [
          { user: 'UONCALL1', until: '2026-11-27' },
          { user: 'UONCALL2', until: '2026-11-27' },
          { user: 'UONCALL3', from: '2026-11-28' },
        ];
      },
    });
  });
  after(() => h.stop());

  it('the admins are told once, naming the rotation and the shift', async () => {
    await h.settle();
    const [notice, ...more] = gapNotices(h);
    assert.deepEqual(more, []);
    assert.match(notice!.text!, /Nobody can be on call in this upcoming shift: every member is inactive then \(`oncall\.members`/);
    assert.ok(notice!.text!.includes(`${slackTime('2026-11-27T18:00:00Z')}`) && notice!.text!.includes(slackTime('2026-11-30T18:00:00Z')));
    await check(h, '2026-11-25T10:00:00Z');
    await h.restart();
    await check(h, '2026-11-27T20:00:00Z');
    assert.equal(gapNotices(h).length, 1);
  });

  it('a gap found later gets its own notice; the ones told before are not repeated', async () => {
    // UONCALL3 alone from Saturday, leaving on Thursday 3 December.
    await h.restart({
      config: (doc) => {
        doc.oncall.members = [{ user: 'UONCALL3', from: '2026-11-28', until: '2026-12-03' }];
      },
      whileDown: () => h.clock.set('2026-11-28T10:00:00Z'),
    });
    await h.settle();
    const notices = gapNotices(h);
    assert.equal(notices.length, 2);
    assert.ok(notices[1]!.text!.includes(slackTime('2026-12-03T18:00:00Z')));
    assert.doesNotMatch(notices[1]!.text!, new RegExp(slackTime('2026-11-27T18:00:00Z').replace(/[\^|]/g, '\\$&')), 'not told twice');
  });
});

describe('shift reminder config', () => {
  it('defaults to 24 h before the shift for every rotation', () => {
    const doc = testConfigDoc();
    delete doc.rotations;
    const config = parseSupportConfig(doc, 'test config');
    assert.equal(config.oncall!.reminderHours, 24);
    assert.equal(config.squads.payments!.gardener!.reminderHours, 24);
  });

  it('names the key of a bad value', () => {
    const doc = testConfigDoc();
    doc.oncall.reminderHours = -1;
    assert.throws(() => parseSupportConfig(doc, 'test config'), /oncall\.reminderHours: /);
  });
});
