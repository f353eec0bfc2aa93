// SLA reminders and breaches through the real bot: who is called on, pauses, priority changes,
// resolution, restarts and downtime. London business hours Mon–Fri 09:00–18:00 (GMT in November).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fileTicket, startHarness, ticketFormValues, type Harness } from './support/harness.js';

/** Replies the bot posted in a ticket's thread. */
function thread(h: Harness, rootTs: string) {
  return h.fake
    .posted('C0SUPPORT')
    .filter((m) => m.thread_ts === rootTs)
    .map((m) => m.text ?? '');
}
const reminders = (h: Harness, rootTs: string) => thread(h, rootTs).filter((t) => t.includes('SLA:') && t.includes('left'));
const breaches = (h: Harness, rootTs: string) => thread(h, rootTs).filter((t) => t.includes('SLA breached'));
const rootText = (h: Harness, rootTs: string) => h.fake.posted('C0SUPPORT').find((m) => m.ts === rootTs)!.text!;

async function at(h: Harness, iso: string) {
  h.clock.set(iso);
  await h.settle();
}

function click(h: Harness, actionId: string, ticket: { id: number; rootTs: string | null }, userId: string) {
  return h.slack.clickButton({ actionId, value: String(ticket.id), userId, messageTs: ticket.rootTs! });
}

describe('SLA reminders and breaches', () => {
  let h: Harness;
  before(async () => {
    // With the default first-response targets running alongside (their reminder is not an SLA message).
    h = await startHarness({ now: '2026-11-24T10:00:00Z', config: (doc) => delete doc.sla });
  });
  after(() => h.stop());

  it('reminds at 75% and breaches at 100%, once each, calling on the gardener while unowned in business hours', async () => {
    h.clock.set('2026-11-24T10:00:00Z');
    const t = await fileTicket(h, { priority: 'P2', service: 'checkout' });
    assert.ok(rootText(h, t.rootTs!).includes('SLA on track'));
    // P2: 3 business hours → reminder 12:15, due 13:00.
    await at(h, '2026-11-24T12:14:59Z');
    assert.deepEqual(reminders(h, t.rootTs!), []);
    await at(h, '2026-11-24T12:15:00Z');
    const [reminder, ...more] = reminders(h, t.rootTs!);
    assert.deepEqual(more, []);
    assert.match(reminder!, /SLA: 45 min left/);
    assert.match(reminder!, /<@UGARD1> \(gardener\)/);
    assert.ok(rootText(h, t.rootTs!).includes('SLA at risk'), 'the root shows the ticket at risk');

    await at(h, '2026-11-24T12:59:59Z');
    assert.deepEqual(breaches(h, t.rootTs!), []);
    await at(h, '2026-11-24T13:00:00Z');
    const [breach] = breaches(h, t.rootTs!);
    assert.match(breach!, /SLA breached: #\d+ \(P2\)/);
    assert.match(breach!, /<@UGARD1> \(gardener\)/);
    const stored = (await h.db.ticket.findUnique({ where: { id: t.id } }))!;
    assert.equal(stored.breachedAt?.toISOString(), '2026-11-24T13:00:00.000Z');
    assert.ok(rootText(h, t.rootTs!).includes('SLA breached'), 'the root shows the ticket breached');
    const events = await h.db.ticketEvent.findMany({ where: { ticketId: t.id, type: 'sla_breached' } });
    assert.equal(events.length, 1);
    assert.equal(JSON.parse(events[0]!.data).dueAt, '2026-11-24T13:00:00.000Z');

    await at(h, '2026-11-25T13:00:00Z');
    assert.equal(reminders(h, t.rootTs!).length, 1);
    assert.equal(breaches(h, t.rootTs!).length, 1);
    assert.deepEqual(await h.db.job.findMany({ where: { ticketId: t.id, status: 'pending' } }), []);
    const metrics = await (await fetch(`${h.baseUrl}/metrics`)).text();
    assert.match(metrics, /^supportbot_sla_reminders_total\{priority="P2",kind="resolution"\} 1$/m);
    assert.match(metrics, /^supportbot_sla_breaches_total\{priority="P2"\} 1$/m);
  });

  it('calls on the owner once the ticket is taken', async () => {
    h.clock.set('2026-11-25T10:00:00Z');
    const t = await fileTicket(h, { priority: 'P1', service: 'checkout' });
    h.clock.set('2026-11-25T10:05:00Z');
    await click(h, 'ticket_take', t, 'UENG');
    await h.settle();
    // P1: 60 minutes 24/7 → reminder 10:45.
    await at(h, '2026-11-25T10:45:00Z');
    const [reminder] = reminders(h, t.rootTs!);
    assert.match(reminder!, /SLA: 15 min left/);
    assert.match(reminder!, /<@UENG>, this is yours/);
    assert.doesNotMatch(reminder!, /UGARD/);
    await at(h, '2026-11-25T11:00:00Z');
    assert.match(breaches(h, t.rootTs!)[0]!, /<@UENG>/);
  });

  it('waiting on the reporter holds the timers; back from waiting moves them by the pause', async () => {
    h.clock.set('2026-11-26T10:00:00Z');
    const t = await fileTicket(h, { priority: 'P2' });
    h.clock.set('2026-11-26T11:00:00Z');
    await click(h, 'ticket_wait', t, 'UREPORTER');
    await h.settle();
    await at(h, '2026-11-26T13:00:00Z');
    assert.deepEqual(
      thread(h, t.rootTs!).filter((x) => x.includes('SLA:') || x.includes('SLA breached')),
      [],
      'nothing fires while waiting',
    );
    await click(h, 'ticket_unwait', t, 'UREPORTER');
    await h.settle();
    // Paused 11:00–13:00: reminder 14:15, due 15:00.
    await at(h, '2026-11-26T14:14:00Z');
    assert.deepEqual(reminders(h, t.rootTs!), []);
    await at(h, '2026-11-26T14:15:00Z');
    assert.equal(reminders(h, t.rootTs!).length, 1);
    await at(h, '2026-11-26T15:00:00Z');
    assert.equal(breaches(h, t.rootTs!).length, 1);
    assert.equal((await h.db.ticket.findUnique({ where: { id: t.id } }))!.breachedAt?.toISOString(), '2026-11-26T15:00:00.000Z');
  });

  it('a resolved ticket sends no reminder and never breaches', async () => {
    h.clock.set('2026-11-27T10:00:00Z');
    const t = await fileTicket(h, { priority: 'P2' });
    h.clock.set('2026-11-27T11:00:00Z');
    await h.slack.submitView({
      callbackId: 'ticket_resolve',
      userId: 'UREPORTER',
      privateMetadata: JSON.stringify({ ticketId: t.id }),
      values: {
        resolution: { value: { type: 'plain_text_input', value: 'Fixed itself' } },
        codeChange: { value: { type: 'radio_buttons', selected_option: { value: 'no' } } },
      },
    });
    await h.settle();
    await at(h, '2026-11-27T17:00:00Z');
    assert.deepEqual(reminders(h, t.rootTs!), []);
    assert.deepEqual(breaches(h, t.rootTs!), []);
    const jobs = await h.db.job.findMany({ where: { ticketId: t.id, kind: { in: ['sla.reminder', 'sla.breach'] } } });
    assert.deepEqual(
      jobs.map((j) => j.status),
      ['cancelled', 'cancelled'],
    );
    // Its first-response reminder (due 11:00, the instant it was resolved) was cancelled or found nothing to say.
    assert.equal(await h.db.job.count({ where: { ticketId: t.id, status: 'pending' } }), 0);
  });

  it('changing the priority re-plans the timers from the ticket start; past the new deadline it breaches at once', async () => {
    h.clock.set('2026-11-30T10:00:00Z');
    const raised = await fileTicket(h, { priority: 'P3', title: 'raised early' });
    const late = await fileTicket(h, { priority: 'P3', title: 'raised late' });
    const changePriority = (ticketId: number, priority: string) =>
      h.slack.submitView({
        callbackId: 'ticket_priority',
        userId: 'UREPORTER',
        privateMetadata: JSON.stringify({ ticketId }),
        values: { priority: ticketFormValues({ priority }).priority },
      });
    h.clock.set('2026-11-30T10:10:00Z');
    await changePriority(raised.id, 'P1');
    await h.settle();
    await at(h, '2026-11-30T10:45:00Z');
    assert.match(reminders(h, raised.rootTs!)[0]!, /SLA: 15 min left/);
    await at(h, '2026-11-30T11:30:00Z');
    assert.equal(breaches(h, raised.rootTs!).length, 1);

    await changePriority(late.id, 'P1');
    await h.settle();
    assert.deepEqual(reminders(h, late.rootTs!), [], 'no "min left" once the new deadline has passed');
    assert.match(breaches(h, late.rootTs!)[0]!, /SLA breached: #\d+ \(P1\)/);
    assert.equal((await h.db.ticket.findUnique({ where: { id: late.id } }))!.breachedAt?.toISOString(), '2026-11-30T11:00:00.000Z');
  });
});

describe('SLA timers across restarts and downtime', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ now: '2026-11-24T10:00:00Z' });
  });
  after(() => h.stop());

  it('a restart keeps the timers', async () => {
    const t = await fileTicket(h, { priority: 'P2' });
    await h.restart();
    await at(h, '2026-11-24T12:15:00Z');
    assert.equal(reminders(h, t.rootTs!).length, 1);
    await h.restart();
    await at(h, '2026-11-24T13:00:00Z');
    assert.equal(reminders(h, t.rootTs!).length, 1);
    assert.equal(breaches(h, t.rootTs!).length, 1);
  });

  it('after downtime past the deadline only the breach is posted, not a stale reminder', async () => {
    h.clock.set('2026-11-25T10:00:00Z');
    const t = await fileTicket(h, { priority: 'P2' });
    // Down from 10:00 to 14:00, past both the reminder (12:15) and the deadline (13:00).
    h.clock.set('2026-11-25T14:00:00Z');
    await h.restart();
    await h.settle();
    assert.deepEqual(reminders(h, t.rootTs!), []);
    assert.equal(breaches(h, t.rootTs!).length, 1);
    assert.equal((await h.db.ticket.findUnique({ where: { id: t.id } }))!.breachedAt?.toISOString(), '2026-11-25T13:00:00.000Z');
  });

  it('timers planned under an older SLA target re-plan under the new one when they come due', async () => {
    h.clock.set('2026-11-26T10:00:00Z');
    const t = await fileTicket(h, { priority: 'P2' });
    // P2 was 3 h (reminder 12:15, due 13:00); now 4 h: reminder 13:00, due 14:00.
    await h.restart({ config: (doc) => (doc.sla = { P2: { minutes: 240, businessHours: true } }) });
    await at(h, '2026-11-26T12:15:00Z');
    assert.deepEqual(reminders(h, t.rootTs!), [], 'the old reminder is dropped, not sent');
    await at(h, '2026-11-26T13:00:00Z');
    assert.match(reminders(h, t.rootTs!)[0]!, /SLA: 1 h left/);
    await at(h, '2026-11-26T14:00:00Z');
    assert.equal(breaches(h, t.rootTs!).length, 1);
  });
});

describe('SLA timers over a weekend', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ now: '2026-11-27T17:59:00Z' });
  });
  after(() => h.stop());

  it('a P2 filed at 17:59 on Friday is reminded on Monday at 11:14 and breaches at 11:59', async () => {
    const t = await fileTicket(h, { priority: 'P2' });
    assert.equal(t.slaDueAt?.toISOString(), '2026-11-30T11:59:00.000Z');
    await at(h, '2026-11-30T11:13:59Z');
    assert.deepEqual(reminders(h, t.rootTs!), [], 'nothing over the weekend');
    await at(h, '2026-11-30T11:14:00Z');
    const [reminder] = reminders(h, t.rootTs!);
    assert.match(reminder!, /SLA: 45 min left/);
    assert.match(reminder!, /<@UGARD2> \(gardener\)/, 'the gardener of the new week');
    await at(h, '2026-11-30T11:59:00Z');
    assert.equal(breaches(h, t.rootTs!).length, 1);
  });
});
