// Out-of-hours P1 paging and escalation through the real bot. On call on Tuesday 2026-11-24 from
// 18:00: UONCALL1, then UONCALL2, then UONCALL3 (the test config's rotation).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fileTicket, startHarness, ticketFormValues, type Harness } from './support/harness.js';

const dms = (h: Harness, userId: string) => h.fake.posted(userId).map((m) => m.text ?? '');
const pages = (h: Harness, ticketId: number) => h.db.page.findMany({ where: { ticketId }, orderBy: { id: 'asc' } });

async function at(h: Harness, iso: string) {
  h.clock.set(iso);
  await h.settle();
}

describe('out-of-hours P1 paging', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ now: '2026-11-24T20:00:00Z' });
  });
  after(() => h.stop());

  it('pages the on-call person by DM at once, then the next in line every 10 minutes until the chain ends', async () => {
    h.clock.set('2026-11-24T20:00:00Z');
    const t = await fileTicket(h, { priority: 'P1', title: 'Site down <!channel>' });
    const [dm] = dms(h, 'UONCALL1');
    assert.match(dm!, /P1 out of hours/);
    assert.ok(dm!.includes('Site down &lt;!channel&gt;'), 'the title is shown, not obeyed');
    assert.ok(dm!.includes(`|#${t.id}>`) && dm!.includes(`/p${t.rootTs!.replace('.', '')}`), 'the DM links the ticket thread');
    assert.deepEqual(
      (await pages(h, t.id)).map((p) => [p.userId, p.level, p.at.toISOString()]),
      [['UONCALL1', 0, '2026-11-24T20:00:00.000Z']],
    );
    const thread = () =>
      h.fake
        .posted('C0SUPPORT')
        .filter((m) => m.thread_ts === t.rootTs)
        .map((m) => m.text ?? '');
    assert.ok(
      thread().some((x) => x.includes('Paged <@UONCALL1> by DM (on call)')),
      'the thread says who was paged',
    );

    await at(h, '2026-11-24T20:09:59Z');
    assert.deepEqual(dms(h, 'UONCALL2'), []);
    await at(h, '2026-11-24T20:10:00Z');
    assert.match(dms(h, 'UONCALL2')[0]!, /next in line after <@UONCALL1>/);
    await at(h, '2026-11-24T20:20:00Z');
    assert.equal(dms(h, 'UONCALL3').length, 1);
    await at(h, '2026-11-24T21:00:00Z');
    assert.deepEqual(
      (await pages(h, t.id)).map((p) => [p.userId, p.level, p.at.toISOString(), p.takenAt]),
      [
        ['UONCALL1', 0, '2026-11-24T20:00:00.000Z', null],
        ['UONCALL2', 1, '2026-11-24T20:10:00.000Z', null],
        ['UONCALL3', 2, '2026-11-24T20:20:00.000Z', null],
      ],
      'three pages: the chain is 3 long',
    );
    assert.equal(dms(h, 'UONCALL1').length, 1, 'each person paged once');
  });

  it('the reminder of an unowned P1 out of hours calls on the on-call person', async () => {
    h.clock.set('2026-11-24T21:00:00Z');
    const t = await fileTicket(h, { priority: 'P1' });
    await at(h, '2026-11-24T21:45:00Z');
    const reminder = h.fake.posted('C0SUPPORT').find((m) => m.thread_ts === t.rootTs && m.text?.includes('SLA: 15 min left'));
    assert.match(reminder!.text!, /<@UONCALL1> \(on call\)/);
  });

  it('taking the ticket marks the page taken and stops the escalation', async () => {
    h.clock.set('2026-11-24T22:00:00Z');
    const t = await fileTicket(h, { priority: 'P1' });
    h.clock.set('2026-11-24T22:04:00Z');
    await h.slack.clickButton({ actionId: 'ticket_take', value: String(t.id), userId: 'UONCALL1', messageTs: t.rootTs! });
    await h.settle();
    await at(h, '2026-11-24T22:30:00Z');
    assert.deepEqual(
      (await pages(h, t.id)).map((p) => [p.userId, p.takenAt?.toISOString()]),
      [['UONCALL1', '2026-11-24T22:04:00.000Z']],
    );
    const escalations = await h.db.job.findMany({ where: { ticketId: t.id, kind: 'page.escalate' } });
    assert.deepEqual(
      escalations.map((j) => j.status),
      ['cancelled'],
    );
  });

  it('resolving the ticket stops the escalation', async () => {
    h.clock.set('2026-11-24T23:00:00Z');
    const t = await fileTicket(h, { priority: 'P1' });
    await h.slack.submitView({
      callbackId: 'ticket_resolve',
      userId: 'UREPORTER',
      privateMetadata: JSON.stringify({ ticketId: t.id }),
      values: {
        resolution: { value: { type: 'plain_text_input', value: 'False alarm' } },
        codeChange: { value: { type: 'radio_buttons', selected_option: { value: 'no' } } },
      },
    });
    await h.settle();
    await at(h, '2026-11-24T23:30:00Z');
    assert.deepEqual(
      (await pages(h, t.id)).map((p) => [p.userId, p.takenAt]),
      [['UONCALL1', null]],
    );
  });

  it('a P2 out of hours pages nobody; raising it to P1 pages at once', async () => {
    h.clock.set('2026-11-25T02:00:00Z');
    const t = await fileTicket(h, { priority: 'P2' });
    assert.deepEqual(await pages(h, t.id), []);
    h.clock.set('2026-11-25T02:30:00Z');
    await h.slack.submitView({
      callbackId: 'ticket_priority',
      userId: 'UREPORTER',
      privateMetadata: JSON.stringify({ ticketId: t.id }),
      values: { priority: ticketFormValues({ priority: 'P1' }).priority },
    });
    await h.settle();
    assert.deepEqual(
      (await pages(h, t.id)).map((p) => [p.userId, p.at.toISOString()]),
      [['UONCALL1', '2026-11-25T02:30:00.000Z']],
    );
  });

  it('a P1 reopened out of hours pages again', async () => {
    h.clock.set('2026-11-25T03:00:00Z');
    const t = await fileTicket(h, { priority: 'P1' });
    await h.slack.clickButton({ actionId: 'ticket_take', value: String(t.id), userId: 'UONCALL1', messageTs: t.rootTs! });
    await h.settle();
    await h.slack.submitView({
      callbackId: 'ticket_resolve',
      userId: 'UONCALL1',
      privateMetadata: JSON.stringify({ ticketId: t.id }),
      values: {
        resolution: { value: { type: 'plain_text_input', value: 'Restarted' } },
        codeChange: { value: { type: 'radio_buttons', selected_option: { value: 'no' } } },
      },
    });
    await h.settle();
    h.clock.set('2026-11-25T04:00:00Z');
    await h.slack.clickButton({ actionId: 'ticket_reopen', value: String(t.id), userId: 'UREPORTER', messageTs: t.rootTs! });
    await h.settle();
    assert.deepEqual(
      (await pages(h, t.id)).map((p) => p.at.toISOString()),
      ['2026-11-25T03:00:00.000Z', '2026-11-25T04:00:00.000Z'],
    );
  });

  it('a P1 in business hours pages nobody', async () => {
    h.clock.set('2026-11-25T10:00:00Z');
    const t = await fileTicket(h, { priority: 'P1' });
    await at(h, '2026-11-25T10:30:00Z');
    assert.deepEqual(await pages(h, t.id), []);
  });
});

describe('escalation settings', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ now: '2026-11-28T12:00:00Z', config: (doc) => (doc.escalation = { pageTimeoutMinutes: 5, chainLength: 2 }) });
  });
  after(() => h.stop());

  it('honours escalation.pageTimeoutMinutes and escalation.chainLength (a Saturday is out of hours)', async () => {
    const t = await fileTicket(h, { priority: 'P1' });
    await at(h, '2026-11-28T12:04:59Z');
    assert.equal((await pages(h, t.id)).length, 1);
    await at(h, '2026-11-28T12:05:00Z');
    await at(h, '2026-11-28T13:00:00Z');
    assert.deepEqual(
      (await pages(h, t.id)).map((p) => [p.userId, p.at.toISOString()]),
      [
        ['UONCALL1', '2026-11-28T12:00:00.000Z'],
        ['UONCALL2', '2026-11-28T12:05:00.000Z'],
      ],
    );
  });
});
