import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fileTicket, startHarness, ticketFormValues, type Harness } from './support/harness.js';

describe('bad input gets a clear answer and leaves nothing half-done', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.stop());

  const submit = (values: Parameters<typeof ticketFormValues>[0]) =>
    h.slack.submitView({ callbackId: 'ticket_create', userId: 'UREPORTER', values: ticketFormValues(values) });

  const cases: Array<[string, Parameters<typeof ticketFormValues>[0], string]> = [
    ['an empty title', { title: '   ', description: 'd', priority: 'P2', service: 'checkout' }, 'title'],
    ['an oversized title', { title: 'x'.repeat(151), description: 'd', priority: 'P2', service: 'checkout' }, 'title'],
    ['an empty description', { title: 't', description: '', priority: 'P2', service: 'checkout' }, 'description'],
    ['an oversized description', { title: 't', description: 'x'.repeat(3001), priority: 'P2', service: 'checkout' }, 'description'],
    ['a tampered priority', { title: 't', description: 'd', priority: 'P0', service: 'checkout' }, 'priority'],
    ['a tampered service', { title: 't', description: 'd', priority: 'P1', service: 'mainframe' }, 'service'],
    [
      'a link that is neither URL nor reference',
      { title: 't', description: 'd', priority: 'P1', service: 'checkout', link: 'javascript:alert(1) <b>' },
      'link',
    ],
  ];
  for (const [what, values, field] of cases) {
    it(`answers ${what} inside the modal`, async () => {
      const before = await h.db.ticket.count();
      const res = await submit(values);
      assert.equal(res.status, 200);
      const body = await res.json();
      assert.equal(body.response_action, 'errors');
      assert.ok(body.errors[field], `error on ${field}`);
      assert.deepEqual(Object.keys(body.errors), [field]);
      await h.settle();
      assert.equal(await h.db.ticket.count(), before, 'no ticket stored');
    });
  }

  it('"Not sure" is a valid service', async () => {
    const t = await fileTicket(h, { service: 'not_sure' });
    assert.equal(t.service, 'not_sure');
    const root = h.fake.posted('C0SUPPORT').find((m) => m.ts === t.rootTs)!;
    assert.ok(root.text!.includes('Not sure'));
  });

  it('a button for a ticket that does not exist gets an ephemeral answer', async () => {
    const res = await h.slack.clickButton({ actionId: 'ticket_take', value: '99999', userId: 'UENG' });
    assert.equal(res.status, 200);
    await h.settle();
    const eph = h.fake.callsTo('chat.postEphemeral').at(-1)!;
    assert.equal(eph.args.user, 'UENG');
    assert.match(eph.args.text, /#99999 does not exist/);
    assert.equal(await h.db.ticketEvent.count({ where: { ticketId: 99999 } }), 0);
  });

  it('someone not involved cannot resolve, re-prioritise or take over; an admin can hand over', async () => {
    const t = await fileTicket(h);
    await h.slack.clickButton({ actionId: 'ticket_take', value: String(t.id), userId: 'UENG' });
    await h.settle();
    await h.slack.clickButton({ actionId: 'ticket_take', value: String(t.id), userId: 'UOTHER' });
    await h.settle();
    assert.match(h.fake.callsTo('chat.postEphemeral').at(-1)!.args.text, /owned by <@UENG>; only they or an admin/);
    const resolve = await h.slack.submitView({
      callbackId: 'ticket_resolve',
      userId: 'UOTHER',
      privateMetadata: JSON.stringify({ ticketId: t.id }),
      values: {
        resolution: { value: { type: 'plain_text_input', value: 'done' } },
        codeChange: { value: { type: 'radio_buttons', selected_option: { value: 'yes' } } },
      },
    });
    const body = await resolve.json();
    assert.equal(body.response_action, 'errors');
    assert.match(body.errors.resolution, /Only the owner, the reporter or an admin/);
    let after = (await h.db.ticket.findUnique({ where: { id: t.id } }))!;
    assert.equal(after.status, 'in_progress');
    assert.equal(after.ownerId, 'UENG');

    await h.slack.clickButton({ actionId: 'ticket_take', value: String(t.id), userId: 'UADMIN' });
    await h.settle();
    after = (await h.db.ticket.findUnique({ where: { id: t.id } }))!;
    assert.equal(after.ownerId, 'UADMIN');
  });

  it('a resolve form for a ticket that does not exist is answered in the modal', async () => {
    const res = await h.slack.submitView({
      callbackId: 'ticket_resolve',
      userId: 'UADMIN',
      privateMetadata: JSON.stringify({ ticketId: 424242 }),
      values: {
        resolution: { value: { type: 'plain_text_input', value: 'done' } },
        codeChange: { value: { type: 'radio_buttons', selected_option: { value: 'no' } } },
      },
    });
    const body = await res.json();
    assert.match(body.errors.resolution, /#424242 does not exist/);
  });

  it('a double click on Take it records one owner change', async () => {
    const t = await fileTicket(h);
    await Promise.all([1, 2, 3].map(() => h.slack.clickButton({ actionId: 'ticket_take', value: String(t.id), userId: 'UENG' })));
    await h.settle();
    assert.equal(await h.db.ticketEvent.count({ where: { ticketId: t.id, type: 'taken' } }), 1);
    const replies = h.fake.posted('C0SUPPORT').filter((m) => m.thread_ts === t.rootTs && m.text?.includes('took'));
    assert.equal(replies.length, 1);
  });

  it('requests with a bad or stale signature get 401 and store nothing', async () => {
    const before = await h.db.ticket.count();
    const forged = await h.slack.submitView(
      {
        callbackId: 'ticket_create',
        userId: 'UREPORTER',
        values: ticketFormValues({ title: 't', description: 'd', priority: 'P1', service: 'checkout' }),
      },
      { secret: 'not-the-signing-secret' },
    );
    assert.equal(forged.status, 401);
    const stale = await h.slack.submitView(
      {
        callbackId: 'ticket_create',
        userId: 'UREPORTER',
        values: ticketFormValues({ title: 't', description: 'd', priority: 'P1', service: 'checkout' }),
      },
      { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 },
    );
    assert.equal(stale.status, 401);
    const cmd = await h.slack.command('help', 'UREPORTER', { secret: 'wrong' });
    assert.equal(cmd.status, 401);
    await h.settle();
    assert.equal(await h.db.ticket.count(), before);
  });

  it('/support help and unknown subcommands answer the caller with the help, ephemerally', async () => {
    const help = await (await h.slack.command('help')).json();
    assert.equal(help.response_type, 'ephemeral');
    assert.match(help.text, /`\/support` — file a ticket/);
    const unknown = await (await h.slack.command('frobnicate now')).json();
    assert.equal(unknown.response_type, 'ephemeral');
    assert.match(unknown.text, /I don't know `frobnicate`/);
    assert.match(unknown.text, /`\/support help`/);
  });
});
