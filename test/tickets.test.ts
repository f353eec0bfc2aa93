import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fileTicket, startHarness, ticketFormValues, type Harness } from './support/harness.js';
import { FORM } from './support/slackRequests.js';

function blocksText(blocks: unknown): string {
  return JSON.stringify(blocks);
}

describe('ticket lifecycle through Slack', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ now: '2026-11-24T10:00:00Z' });
  });
  after(() => h.stop());

  it('/support opens the form with priorities, SLAs and the configured services', async () => {
    const res = await h.slack.command('');
    assert.equal(res.status, 200);
    await h.settle();
    const open = h.fake.callsTo('views.open').at(-1);
    assert.ok(open, 'views.open called');
    const view = open.args.view;
    assert.equal(view.callback_id, 'ticket_create');
    const json = JSON.stringify(view);
    for (const s of [
      'P1 · Business critical · 1 h SLA, 24/7',
      'P2 · Business affected · 3 h SLA (business hours)',
      'Checkout',
      'Billing',
      'Not sure',
      'platform down',
    ]) {
      assert.ok(json.includes(s), `form shows ${s}`);
    }
    assert.ok(view.title.text.length <= 24);
  });

  it('files a ticket: root message in the support channel, confirmation DM with permalink, event recorded', async () => {
    const ticket = await fileTicket(h, { title: 'Checkout <fails> & more', priority: 'P2', service: 'checkout' });
    assert.equal(ticket.status, 'open');
    assert.ok(ticket.rootTs, 'root ts stored');
    const root = h.fake.posted('C0SUPPORT').find((m) => m.ts === ticket.rootTs)!;
    assert.ok(root.text!.includes(`#${ticket.id}`));
    assert.ok(root.text!.includes('P2'));
    // Escaped in the fallback text too: notifications read it as mrkdwn, and Slack shows the entities as the characters.
    assert.ok(root.text!.includes('Checkout &lt;fails&gt; &amp; more'), 'title escaped in the fallback text');
    assert.ok(root.text!.includes('<@UREPORTER>'));
    assert.ok(root.text!.includes('open'));
    const blocks = blocksText(root.blocks);
    assert.ok(blocks.includes('Checkout &lt;fails&gt; &amp; more'), 'title escaped in mrkdwn so it shows verbatim');
    assert.ok(blocks.includes('Take it') && blocks.includes('Resolve') && blocks.includes('Change priority'));
    assert.ok(blocks.includes('<!date^'), 'SLA due time shown');
    // P2 filed Tuesday 10:00 London: 3 business hours → due 13:00 the same day.
    assert.equal(ticket.slaDueAt?.toISOString(), '2026-11-24T13:00:00.000Z');
    const dm = h.fake.posted('UREPORTER').at(-1)!;
    assert.ok(
      dm.text!.includes(`https://acme.slack.com/archives/C0SUPPORT/p${ticket.rootTs!.replace('.', '')}`),
      'confirmation links the root message',
    );
    const events = await h.db.ticketEvent.findMany({ where: { ticketId: ticket.id } });
    assert.deepEqual(
      events.map((e) => e.type),
      ['created'],
    );
  });

  it('Take it → in progress with owner; Change priority recomputes the due time; waiting pauses; resolve; reopen', async () => {
    const ticket = await fileTicket(h, { priority: 'P3' });
    const click = (actionId: string, userId: string) =>
      h.slack.clickButton({ actionId, value: String(ticket.id), userId, messageTs: ticket.rootTs! });

    assert.equal((await click('ticket_take', 'UENG')).status, 200);
    await h.settle();
    let t = (await h.db.ticket.findUnique({ where: { id: ticket.id } }))!;
    assert.equal(t.status, 'in_progress');
    assert.equal(t.ownerId, 'UENG');
    let root = h.fake.posted('C0SUPPORT').find((m) => m.ts === ticket.rootTs)!;
    assert.ok(root.text!.includes('in progress') && root.text!.includes('<@UENG>'));
    assert.ok(!blocksText(root.blocks).includes('Take it'), 'no Take it once owned');
    const replies = () => h.fake.posted('C0SUPPORT').filter((m) => m.thread_ts === ticket.rootTs);
    assert.ok(replies().some((m) => m.text!.includes('<@UENG> took')));

    // Priority P3 → P1: due = start + 1 h, 24/7.
    await click('ticket_priority_open', 'UENG');
    await h.settle();
    assert.equal(h.fake.callsTo('views.open').at(-1)!.args.view.callback_id, 'ticket_priority');
    const res = await h.slack.submitView({
      callbackId: 'ticket_priority',
      userId: 'UENG',
      privateMetadata: JSON.stringify({ ticketId: ticket.id }),
      values: { priority: ticketFormValues({ priority: 'P1' }).priority },
    });
    assert.equal(res.status, 200);
    await h.settle();
    t = (await h.db.ticket.findUnique({ where: { id: ticket.id } }))!;
    assert.equal(t.priority, 'P1');
    assert.equal(t.slaDueAt?.toISOString(), new Date(t.slaStartedAt.getTime() + 3600_000).toISOString());

    // Waiting on reporter pauses the clock; 30 minutes later back to open moves the due time by 30 minutes.
    await click('ticket_wait', 'UENG');
    await h.settle();
    t = (await h.db.ticket.findUnique({ where: { id: ticket.id } }))!;
    assert.equal(t.status, 'waiting');
    assert.equal(t.slaDueAt, null);
    root = h.fake.posted('C0SUPPORT').find((m) => m.ts === ticket.rootTs)!;
    assert.ok(root.text!.includes('waiting'));
    h.clock.advanceMinutes(30);
    await click('ticket_unwait', 'UREPORTER');
    await h.settle();
    t = (await h.db.ticket.findUnique({ where: { id: ticket.id } }))!;
    assert.equal(t.status, 'in_progress');
    assert.equal(t.slaDueAt?.toISOString(), new Date(t.slaStartedAt.getTime() + 90 * 60_000).toISOString());

    // Resolve through the modal, with the code-change answer.
    await click('ticket_resolve_open', 'UENG');
    await h.settle();
    const resolveView = h.fake.callsTo('views.open').at(-1)!.args.view;
    assert.equal(resolveView.callback_id, 'ticket_resolve');
    assert.ok(JSON.stringify(resolveView).includes('Code change needed?'));
    const bad = await h.slack.submitView({
      callbackId: 'ticket_resolve',
      userId: 'UENG',
      privateMetadata: resolveView.private_metadata,
      values: {
        resolution: { value: { type: 'plain_text_input', value: '  ' } },
        codeChange: { value: { type: 'radio_buttons', selected_option: null } },
      },
    });
    const badBody = await bad.json();
    assert.equal(badBody.response_action, 'errors');
    assert.ok(badBody.errors.resolution && badBody.errors.codeChange);
    await h.slack.submitView({
      callbackId: 'ticket_resolve',
      userId: 'UENG',
      privateMetadata: resolveView.private_metadata,
      values: {
        resolution: { value: { type: 'plain_text_input', value: 'Rotated the key' } },
        codeChange: { value: { type: 'radio_buttons', selected_option: { value: 'no' } } },
      },
    });
    await h.settle();
    t = (await h.db.ticket.findUnique({ where: { id: ticket.id } }))!;
    assert.equal(t.status, 'resolved');
    assert.equal(t.codeChangeNeeded, false);
    assert.equal(t.resolution, 'Rotated the key');
    root = h.fake.posted('C0SUPPORT').find((m) => m.ts === ticket.rootTs)!;
    assert.ok(root.text!.includes('resolved'));
    assert.ok(blocksText(root.blocks).includes('Reopen'));
    assert.ok(!blocksText(root.blocks).includes('"Resolve"'));

    await click('ticket_reopen', 'UREPORTER');
    await h.settle();
    t = (await h.db.ticket.findUnique({ where: { id: ticket.id } }))!;
    assert.equal(t.status, 'open');
    assert.equal(t.ownerId, null);

    const events = await h.db.ticketEvent.findMany({ where: { ticketId: ticket.id }, orderBy: { id: 'asc' } });
    assert.deepEqual(
      events.map((e) => e.type),
      // Taking the ticket is also its first response.
      ['created', 'taken', 'first_response', 'priority_changed', 'waiting_on_reporter', 'back_from_waiting', 'resolved', 'reopened'],
    );
    assert.ok(events.every((e) => e.actorId));
  });

  it('records the first response from someone other than the reporter, once, despite Slack retries', async () => {
    const ticket = await fileTicket(h);
    await h.slack.threadReply({ threadTs: ticket.rootTs!, userId: 'UREPORTER', text: 'any news?', eventId: 'Ev1' });
    await h.settle();
    assert.equal((await h.db.ticket.findUnique({ where: { id: ticket.id } }))!.firstResponseAt, null, 'reporter does not count');
    h.clock.advanceMinutes(12);
    await h.slack.threadReply({ threadTs: ticket.rootTs!, userId: 'UENG2', text: 'looking', eventId: 'Ev2' });
    await h.slack.threadReply({ threadTs: ticket.rootTs!, userId: 'UENG2', text: 'looking', eventId: 'Ev2', retryNum: 1 });
    await h.settle();
    const t = (await h.db.ticket.findUnique({ where: { id: ticket.id } }))!;
    assert.equal(t.firstResponderId, 'UENG2');
    const root = h.fake.posted('C0SUPPORT').find((m) => m.ts === ticket.rootTs)!;
    assert.ok(blocksText(root.blocks).includes('First response') && blocksText(root.blocks).includes('12 min'));
    const events = await h.db.ticketEvent.findMany({ where: { ticketId: ticket.id, type: 'first_response' } });
    assert.equal(events.length, 1);
  });

  it('a submission of one form view files one ticket, whether it arrives twice at once or again 20 s later', async () => {
    const errorsBefore = h.loggedErrors.length;
    const body = h.slack.viewSubmissionBody({
      callbackId: 'ticket_create',
      userId: 'UREPORTER',
      viewId: 'VTWICE0001',
      values: ticketFormValues({ title: 'Submitted twice', description: 'Double click', priority: 'P3', service: 'checkout' }),
    });
    // The same signed bytes, as a Slack retry or two replicas behind a load balancer receive them.
    const timestamp = Math.floor(Date.now() / 1000);
    const answers = await Promise.all([h.slack.send(body, FORM, { timestamp }), h.slack.send(body, FORM, { timestamp })]);
    h.clock.advance(20_000);
    answers.push(await h.slack.send(body, FORM));
    for (const res of answers) {
      assert.equal(res.status, 200);
      assert.equal(await res.text(), '', 'each delivery closes the modal');
    }
    await h.settle();
    const tickets = await h.db.ticket.findMany({ where: { title: 'Submitted twice' } });
    assert.equal(tickets.length, 1);
    assert.equal(tickets[0]!.viewId, 'VTWICE0001');
    const roots = h.fake.posted('C0SUPPORT').filter((m) => !m.thread_ts && m.text?.includes('Submitted twice'));
    assert.equal(roots.length, 1, 'one root message');
    assert.equal(h.fake.posted('UREPORTER').filter((m) => m.text?.includes(`|#${tickets[0]!.id}>`)).length, 1, 'one confirmation');
    assert.equal(await h.db.ticketEvent.count({ where: { ticketId: tickets[0]!.id, type: 'created' } }), 1);
    assert.deepEqual(h.loggedErrors.slice(errorsBefore), []);
  });
});
