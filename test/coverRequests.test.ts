// `/support cover-me` through the real bot: the request message, who may take or withdraw it, two
// clicks at the same moment, the admins' notice, the expiry at its start, and a restart in between.
// Default test config: on call UONCALL1-3 with weekday 18:00 handoffs (the Friday shift runs to
// Monday); Tue 2026-11-24 18:00 UONCALL1, Wed UONCALL2, Thu UONCALL3, Fri 27 18:00 UONCALL1.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ask, slackTime } from './support/commands.js';
import { startHarness, type Harness } from './support/harness.js';

const requestMessages = (h: Harness) =>
  h.fake.posted('C0SUPPORT').filter((m) => JSON.stringify(m.blocks ?? []).includes('"block_id":"request"'));
const latestRequest = (h: Harness) => requestMessages(h).at(-1)!;
const buttons = (m: { blocks?: unknown }) => JSON.stringify(m.blocks ?? []).match(/"action_id":"cover_\w+"/g) ?? [];
const dms = (h: Harness, user: string) => h.fake.posted(user).map((m) => m.text ?? '');
const ephemeralTo = (h: Harness, user: string) =>
  h.fake
    .callsTo('chat.postEphemeral')
    .filter((c) => c.args.user === user)
    .map((c) => String(c.args.text));
const overrides = (h: Harness) => h.db.rotationOverride.findMany({ orderBy: { id: 'asc' } });

async function click(h: Harness, action: 'cover_take' | 'cover_withdraw', requestId: number, userId: string) {
  const res = await h.slack.clickButton({ actionId: action, value: String(requestId), userId, messageTs: latestRequest(h).ts });
  assert.equal(res.status, 200);
}

async function at(h: Harness, iso: string) {
  h.clock.set(iso);
  await h.settle();
}

describe('/support cover-me', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ now: '2026-11-24T10:00:00Z' });
  });
  after(() => h.stop());

  it('refuses bad times, past starts and people who are not on duty then', async () => {
    assert.match(
      (await ask(h, 'cover-me friday', 'UONCALL1')).text,
      /`friday` is not a time.*\nUsage: `\/support cover-me <from> <to> \[squad\]`/s,
    );
    assert.match((await ask(h, 'cover-me now 2026-11-25', 'UONCALL3')).text, /Ask for cover ahead of its start/);
    assert.match(
      (await ask(h, 'cover-me 2026-11-27 18:00 2026-11-30 09:00', 'UONCALL2')).text,
      /You are not on call at any time between .* so there is nothing to cover/,
    );
    assert.match((await ask(h, 'cover-me 2026-11-27 2026-11-28 ghosts', 'UONCALL2')).text, /Unknown squad `ghosts`/);
    assert.deepEqual(requestMessages(h), []);
    assert.equal(await h.db.coverRequest.count(), 0);
  });

  it("posts the request with I'll cover and Withdraw; refuses non-members, the requester, and a withdraw by others", async () => {
    const answer = await ask(h, 'cover-me 2026-11-27 18:00 2026-11-30 09:00', 'UONCALL1');
    assert.match(answer.text, /^Asked in <#C0SUPPORT>/);
    const posted = latestRequest(h);
    assert.match(posted.text!, /<@UONCALL1> needs cover for On call /);
    assert.ok(posted.text!.includes(slackTime('2026-11-27T18:00:00Z')) && posted.text!.includes(slackTime('2026-11-30T09:00:00Z')));
    assert.deepEqual(buttons(posted), ['"action_id":"cover_take"', '"action_id":"cover_withdraw"']);
    const { id } = await h.db.coverRequest.findFirstOrThrow();

    await click(h, 'cover_take', id, 'UOUTSIDER');
    await click(h, 'cover_take', id, 'UONCALL1');
    await click(h, 'cover_withdraw', id, 'UONCALL2');
    await h.settle();
    assert.match(ephemeralTo(h, 'UOUTSIDER').at(-1)!, /Only members of the On call rotation can take this cover \(`oncall\.members`/);
    assert.match(ephemeralTo(h, 'UONCALL1').at(-1)!, /This is your own request; click \*Withdraw\*/);
    assert.match(ephemeralTo(h, 'UONCALL2').at(-1)!, /Only <@UONCALL1>, who asked for this cover, can withdraw it/);
    assert.deepEqual(await overrides(h), []);
    assert.equal((await h.db.coverRequest.findUniqueOrThrow({ where: { id } })).status, 'open');
  });

  it('two members clicking at the same moment: exactly one covers, the other is told', async () => {
    const { id } = await h.db.coverRequest.findFirstOrThrow({ orderBy: { id: 'desc' } });
    const answeredBefore = { UONCALL2: ephemeralTo(h, 'UONCALL2').length, UONCALL3: ephemeralTo(h, 'UONCALL3').length };
    await Promise.all([click(h, 'cover_take', id, 'UONCALL2'), click(h, 'cover_take', id, 'UONCALL3')]);
    await h.settle();
    const stored = await h.db.coverRequest.findUniqueOrThrow({ where: { id } });
    assert.equal(stored.status, 'taken');
    const winner = stored.takenBy!;
    const loser = winner === 'UONCALL2' ? 'UONCALL3' : 'UONCALL2';
    assert.ok(['UONCALL2', 'UONCALL3'].includes(winner));
    const all = await overrides(h);
    assert.equal(all.length, 1);
    assert.deepEqual(
      { user: all[0]!.userId, from: all[0]!.from.toISOString(), to: all[0]!.to.toISOString(), by: all[0]!.createdBy },
      { user: winner, from: '2026-11-27T18:00:00.000Z', to: '2026-11-30T09:00:00.000Z', by: winner },
    );
    assert.match(ephemeralTo(h, loser).at(-1)!, new RegExp(`<@${winner}> already took this cover`));
    assert.equal(ephemeralTo(h, winner).length, answeredBefore[winner as 'UONCALL2'], 'the winner is not told anything');

    const edited = latestRequest(h);
    assert.match(edited.text!, new RegExp(`<@${winner}> is covering <@UONCALL1> for On call`));
    assert.deepEqual(buttons(edited), [], 'no buttons once taken');
    assert.match(dms(h, winner).at(-1)!, /You are covering <@UONCALL1> for On call/);
    assert.match(dms(h, 'UONCALL1').at(-1)!, new RegExp(`<@${winner}> is covering for you`));
    // The rotation shows it.
    h.clock.set('2026-11-28T12:00:00Z');
    assert.match((await ask(h, 'oncall', 'URANDOM')).text, new RegExp(`<@${winner}> now`));
    h.clock.set('2026-11-24T10:00:00Z');
    await click(h, 'cover_withdraw', id, 'UONCALL1');
    await h.settle();
    assert.match(ephemeralTo(h, 'UONCALL1').at(-1)!, new RegExp(`<@${winner}> already took this cover`));
  });

  it('the author withdraws: the message says so, later clicks are told, the admins hear nothing', async () => {
    await ask(h, 'cover-me 2026-11-26 18:00 2026-11-27 09:00', 'UONCALL3');
    const { id } = await h.db.coverRequest.findFirstOrThrow({ orderBy: { id: 'desc' } });
    await click(h, 'cover_withdraw', id, 'UONCALL3');
    await h.settle();
    assert.match(latestRequest(h).text!, /<@UONCALL3> withdrew their request for cover/);
    assert.deepEqual(buttons(latestRequest(h)), []);
    await click(h, 'cover_take', id, 'UONCALL2');
    await h.settle();
    assert.match(ephemeralTo(h, 'UONCALL2').at(-1)!, /<@UONCALL3> withdrew this request/);
    await at(h, '2026-11-26T19:00:00Z');
    assert.deepEqual(dms(h, 'UADMIN'), []);
    assert.doesNotMatch(latestRequest(h).text!, /Expired/);
    assert.equal(await h.db.rotationOverride.count({ where: { from: new Date('2026-11-26T18:00:00Z') } }), 0);
  });
});

describe('an untaken cover request', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ now: '2026-11-24T10:00:00Z' });
  });
  after(() => h.stop());

  it('the admins are told 24 h before its start; it expires at its start, once, also across a restart', async () => {
    await ask(h, 'cover-me 2026-11-26 18:00 2026-11-27 18:00', 'UONCALL3');
    const { id } = await h.db.coverRequest.findFirstOrThrow();
    await at(h, '2026-11-25T17:59:00Z');
    assert.deepEqual(dms(h, 'UADMIN'), []);
    await at(h, '2026-11-25T18:00:00Z');
    const [notice, ...more] = dms(h, 'UADMIN');
    assert.deepEqual(more, []);
    assert.match(notice!, /Nobody has taken <@UONCALL3>'s request for cover for On call .* yet; it starts /);

    // Down from before the start until after it.
    h.clock.set('2026-11-26T17:00:00Z');
    await h.restart({ whileDown: () => h.clock.set('2026-11-26T18:30:00Z') });
    await h.settle();
    assert.match(latestRequest(h).text!, /Expired: nobody took <@UONCALL3>'s request for cover for On call/);
    assert.deepEqual(buttons(latestRequest(h)), []);
    assert.match(dms(h, 'UONCALL3').at(-1)!, /Nobody took your request for cover/);
    assert.equal((await h.db.coverRequest.findUniqueOrThrow({ where: { id } })).status, 'expired');

    await click(h, 'cover_take', id, 'UONCALL2');
    await h.restart();
    await at(h, '2026-11-28T10:00:00Z');
    assert.match(ephemeralTo(h, 'UONCALL2').at(-1)!, /This request has expired/);
    assert.equal(dms(h, 'UADMIN').length, 1);
    assert.equal(dms(h, 'UONCALL3').filter((t) => t.includes('Nobody took your request')).length, 1);
    assert.equal(h.fake.posted('C0SUPPORT').filter((m) => m.text?.includes('Expired')).length, 1);
    assert.deepEqual(await h.db.rotationOverride.findMany(), []);
  });

  it('a request made less than 24 h ahead reaches the admins halfway to its start', async () => {
    h.clock.set('2026-11-30T10:00:00Z');
    // Mon 30 18:00 → Tue 1 18:00 is UONCALL2's shift.
    await ask(h, 'cover-me 2026-11-30 18:00 2026-12-01 09:00', 'UONCALL2');
    await at(h, '2026-11-30T13:59:00Z');
    assert.equal(dms(h, 'UADMIN').length, 1);
    await at(h, '2026-11-30T14:00:00Z');
    assert.equal(dms(h, 'UADMIN').length, 2);
  });
});
