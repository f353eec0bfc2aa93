// Only the right people act: duty changes only by an admin or by the person on duty handing their
// own time to a member of the rotation (covers and swaps alike), and a deploy is judged the cause
// of a ticket only by the ticket's owner, the deploy's author or merger, or an admin.
// Default test config on Tue 2026-11-24: on call UONCALL1-3 (Wednesday's shift, 25 Nov 18:00 →
// 26 Nov 18:00, is UONCALL2's), Payments gardener UGARD1 this week; UADMIN is the admin.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ask } from './support/commands.js';
import { DEPLOY_SECRET, fileTicket, startHarness, type Harness } from './support/harness.js';

const WEDNESDAY = '2026-11-25 18:00 2026-11-26 18:00';

describe('who may change duty', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ now: '2026-11-24T10:00:00Z' });
    await h.bot.checkHandoffs();
    await h.settle();
  });
  after(() => h.stop());

  const overrides = () => h.db.rotationOverride.count();

  async function refused(text: string, userId: string, reason: RegExp) {
    const before = { overrides: await overrides(), calls: h.fake.calls.length };
    assert.match((await ask(h, text, userId)).text, reason);
    assert.equal(await overrides(), before.overrides, 'nothing stored');
    assert.deepEqual(
      h.fake.calls.slice(before.calls).map((c) => c.method),
      [],
      'nothing announced, no group changed',
    );
  }

  it('an outsider cannot make themselves on call or gardener', async () => {
    await refused('cover <@UOUT> now 2026-12-20', 'UOUT', /^Sorry, only admins and who is on call then \(<@UONCALL3>, <@UONCALL1>/);
    await refused(
      'cover <@UOUT> now 2026-11-26 payments',
      'UOUT',
      /^Sorry, only admins and who is the Payments gardener then \(<@UGARD1>\)/,
    );
  });

  it('a member cannot take a shift nobody handed them', async () => {
    await refused(
      `cover <@UONCALL1> ${WEDNESDAY}`,
      'UONCALL1',
      /^Sorry, only admins and who is on call then \(<@UONCALL2>\) can hand over that time\./,
    );
  });

  it('the person on duty cannot hand over someone else’s time with their own', async () => {
    await refused(
      'cover <@UONCALL1> 2026-11-25 18:00 2026-11-27 18:00',
      'UONCALL2',
      /^Sorry, you can only hand over your own time: <@UONCALL3> is on call for part of it; ask them or an admin\./,
    );
  });

  it('the person on duty may hand their shift to a member, not to an outsider', async () => {
    await refused(
      `cover <@UOUT> ${WEDNESDAY}`,
      'UONCALL2',
      /^<@UOUT> is not in the on-call rotation \(`oncall\.members`\); only admins can give it to someone outside it\./,
    );
    assert.match((await ask(h, `cover <@UONCALL1> ${WEDNESDAY}`, 'UONCALL2')).text, /^Done/);
    assert.equal(await overrides(), 1);
  });

  it('an admin may give a shift to anyone', async () => {
    assert.match((await ask(h, 'cover <@UOUT> 2026-12-01 2026-12-01', 'UADMIN')).text, /^Done.*<@UOUT> will be on call/);
    assert.equal(await overrides(), 2);
  });

  it('a swap needs one of the two people, and both in the rotation, unless an admin sets it up', async () => {
    await refused(
      'swap <@UONCALL1> <@UONCALL2> 2026-12-02',
      'UOUT',
      /^Sorry, only admins, <@UONCALL1> and <@UONCALL2> can swap their shifts\./,
    );
    await refused(
      'swap <@UONCALL3> <@UGARD1> 2026-12-03',
      'UONCALL3',
      /^<@UGARD1> is not in the on-call rotation \(`oncall\.members`\); only admins can swap shifts with someone outside it\./,
    );
    await refused(
      'swap <@UGARD1> <@UOUT> 2026-11-30 payments',
      'UGARD1',
      /^<@UOUT> is not in the Payments gardener rotation \(`squads\.payments\.gardener\.members`\)/,
    );
    assert.match((await ask(h, 'swap <@UONCALL3> <@UONCALL1> 2026-12-03', 'UONCALL3')).text, /^Done/);
  });
});

describe('who may judge a deploy', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ now: '2026-11-24T10:00:00Z' });
  });
  after(() => h.stop());

  let deployId = 0;
  let version = 0;
  async function deployAndTicket() {
    version += 1;
    const res = await fetch(`${h.baseUrl}/api/deploys`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${DEPLOY_SECRET}` },
      body: JSON.stringify({
        service: 'checkout',
        version: `3.${version}`,
        author: 'UAUTHOR',
        mergedBy: 'UMERGER',
        deployedAt: new Date(h.clock.now().getTime() - 5 * 60_000).toISOString(),
      }),
    });
    assert.equal(res.status, 201);
    deployId = ((await res.json()) as { deploy: { id: number } }).deploy.id;
    await h.settle();
    return fileTicket(h, { service: 'checkout' });
  }

  async function click(actionId: string, ticket: { id: number; rootTs: string | null }, userId: string) {
    const ephemerals = h.fake.callsTo('chat.postEphemeral').length;
    const res = await h.slack.clickButton({ actionId, value: `${deployId}:${ticket.id}`, userId, messageTs: ticket.rootTs! });
    assert.equal(res.status, 200);
    await h.settle();
    return h.fake.callsTo('chat.postEphemeral').slice(ephemerals)[0]?.args as { user: string; text: string } | undefined;
  }
  const verdict = async (ticketId: number) =>
    (await h.db.deployLink.findUnique({ where: { deployId_ticketId: { deployId, ticketId } } }))!.verdict;

  it('someone else is told why, privately, and nothing changes', async () => {
    const t = await deployAndTicket();
    for (const action of ['deploy_caused', 'deploy_unrelated']) {
      const told = await click(action, t, 'UENG');
      assert.equal(told?.user, 'UENG');
      assert.equal(
        told?.text,
        "Sorry, only the ticket's owner, the deploy's author or merger, or an admin can say whether a deploy caused a ticket.",
      );
      assert.equal(await verdict(t.id), 'suggested');
    }
    assert.equal((await h.db.deploy.findUnique({ where: { id: deployId } }))!.changeFailure, false);
    assert.equal(await h.db.ticketEvent.count({ where: { ticketId: t.id, type: { startsWith: 'deploy_' } } }), 0);
    // The reporter is not the owner either.
    assert.match((await click('deploy_caused', t, 'UREPORTER'))!.text, /^Sorry, only the ticket's owner/);
  });

  it("the ticket's owner, the deploy's author and merger, and an admin may", async () => {
    const t = await deployAndTicket();
    await h.slack.clickButton({ actionId: 'ticket_take', value: String(t.id), userId: 'UOWNER' });
    await h.settle();
    assert.match((await click('deploy_caused', t, 'UENG'))!.text, /only the ticket's owner \(<@UOWNER>\)/);
    for (const [userId, action, expected] of [
      ['UOWNER', 'deploy_caused', 'caused'],
      ['UAUTHOR', 'deploy_undo', 'suggested'],
      ['UMERGER', 'deploy_unrelated', 'unrelated'],
      ['UADMIN', 'deploy_undo', 'suggested'],
    ] as const) {
      assert.equal(await click(action, t, userId), undefined, `${userId} is not refused`);
      assert.equal(await verdict(t.id), expected, userId);
    }
  });

  it("the resolve form's cause is refused to others with a modal error, before anything is resolved", async () => {
    const t = await deployAndTicket();
    const values = {
      resolution: { value: { type: 'plain_text_input', value: 'Rolled back' } },
      codeChange: { value: { type: 'radio_buttons', selected_option: { value: 'yes' } } },
      causedBy: { value: { type: 'static_select', selected_option: { value: String(deployId) } } },
    };
    const submit = (userId: string) =>
      h.slack.submitView({ callbackId: 'ticket_resolve', userId, privateMetadata: JSON.stringify({ ticketId: t.id }), values });
    // The reporter may resolve, but not name the cause.
    const answer = JSON.parse(await (await submit('UREPORTER')).text());
    assert.equal(answer.response_action, 'errors');
    assert.match(answer.errors.causedBy, /^Sorry, only the ticket's owner, the deploy's author or merger, or an admin/);
    await h.settle();
    assert.equal((await h.db.ticket.findUnique({ where: { id: t.id } }))!.status, 'open');
    assert.equal(await verdict(t.id), 'suggested');

    assert.equal(await (await submit('UADMIN')).text(), '');
    await h.settle();
    assert.equal((await h.db.ticket.findUnique({ where: { id: t.id } }))!.status, 'resolved');
    assert.equal(await verdict(t.id), 'caused');
  });
});
