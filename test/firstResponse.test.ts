// The first-response target through the real bot: due times on the SLA's clock rules (business
// hours, waiting on the reporter), one reminder when unanswered, none once answered (a reply from
// someone other than the reporter, or someone taking the ticket), and across a restart.
// London business hours Mon–Fri 09:00–18:00 (GMT in November).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { slackTime } from './support/commands.js';
import { fileTicket, startHarness, type Harness } from './support/harness.js';

const thread = (h: Harness, rootTs: string) =>
  h.fake
    .posted('C0SUPPORT')
    .filter((m) => m.thread_ts === rootTs)
    .map((m) => m.text ?? '');
const reminders = (h: Harness, rootTs: string) => thread(h, rootTs).filter((t) => t.includes('First response due:'));
const root = (h: Harness, rootTs: string) => JSON.stringify(h.fake.posted('C0SUPPORT').find((m) => m.ts === rootTs)!.blocks);
const stored = (h: Harness, id: number) => h.db.ticket.findUniqueOrThrow({ where: { id } });
const firstResponseEvent = async (h: Harness, ticketId: number) => {
  const [event, ...more] = await h.db.ticketEvent.findMany({ where: { ticketId, type: 'first_response' } });
  assert.deepEqual(more, []);
  return { actorId: event!.actorId, ...JSON.parse(event!.data) };
};

async function at(h: Harness, iso: string) {
  h.clock.set(iso);
  await h.settle();
}

describe('first response', () => {
  let h: Harness;
  before(async () => {
    // The product's defaults: P1 15 min 24/7, P2 1 h and P3 4 h of business hours.
    h = await startHarness({ now: '2026-11-24T10:00:00Z', config: (doc) => delete doc.sla });
  });
  after(() => h.stop());

  it('P2 counts business hours: due the next morning, one reminder calling on the gardener, then the answer and how fast', async () => {
    h.clock.set('2026-11-24T17:30:00Z');
    const t = await fileTicket(h, { priority: 'P2', service: 'checkout' });
    // 1 business hour: 30 min on Tuesday, 30 min from Wednesday 09:00.
    assert.equal((await stored(h, t.id)).firstResponseDueAt?.toISOString(), '2026-11-25T09:30:00.000Z');
    assert.ok(root(h, t.rootTs!).includes(`First response due ${slackTime('2026-11-25T09:30:00Z')}`), 'the root shows the due time');

    await at(h, '2026-11-25T09:29:59Z');
    assert.deepEqual(reminders(h, t.rootTs!), []);
    await at(h, '2026-11-25T09:30:00Z');
    const [reminder, ...more] = reminders(h, t.rootTs!);
    assert.deepEqual(more, []);
    assert.match(reminder!, /#\d+ \(P2\) has had no answer yet/);
    assert.match(reminder!, /<@UGARD1> \(gardener\), nobody has taken it yet/, 'the same person the SLA reminders call on');
    assert.doesNotMatch(reminder!, /SLA:/, 'not mistaken for the resolution SLA reminder');
    assert.ok(root(h, t.rootTs!).includes('First response overdue'));
    await at(h, '2026-11-25T12:00:00Z');
    assert.equal(reminders(h, t.rootTs!).length, 1, 'once');
    const metrics = await (await fetch(`${h.baseUrl}/metrics`)).text();
    assert.match(metrics, /^supportbot_sla_reminders_total\{priority="P2",kind="first_response"\} 1$/m);

    await h.slack.threadReply({ threadTs: t.rootTs!, userId: 'UENG', text: 'on it', eventId: 'EvLate' });
    await h.settle();
    const shown = root(h, t.rootTs!);
    assert.match(shown, /First response\*\\n<@UENG> after 18 h 30 min/, 'who answered and how fast (wall clock)');
    assert.doesNotMatch(shown, /First response (due|overdue)/);
    assert.deepEqual(await firstResponseEvent(h, t.id), {
      actorId: 'UENG',
      minutes: 1110,
      priority: 'P2',
      dueAt: '2026-11-25T09:30:00.000Z',
      met: false,
    });
    assert.equal((await stored(h, t.id)).firstResponseDueAt?.toISOString(), '2026-11-25T09:30:00.000Z', 'kept for reports');
  });

  it('no reminder once someone other than the reporter has replied; the reporter replying does not count', async () => {
    h.clock.set('2026-11-26T10:00:00Z');
    const t = await fileTicket(h, { priority: 'P1' });
    h.clock.set('2026-11-26T10:02:00Z');
    await h.slack.threadReply({ threadTs: t.rootTs!, userId: 'UREPORTER', text: 'more details', eventId: 'EvR' });
    await h.settle();
    assert.equal((await stored(h, t.id)).firstResponseAt, null);
    // Slack names the thread's author (parent_user_id); only the bot writes ticket roots, so a reply
    // under anyone else's message is let go unread. Sent at the root's ts, which Slack would not do,
    // so that a lookup would find the ticket and count the answer.
    await h.slack.threadReply({ threadTs: t.rootTs!, userId: 'UENG2', text: 'elsewhere', eventId: 'EvO', parentUserId: 'UALICE' });
    await h.settle();
    assert.equal((await stored(h, t.id)).firstResponseAt, null);
    h.clock.set('2026-11-26T10:05:00Z');
    await h.slack.threadReply({ threadTs: t.rootTs!, userId: 'UENG', text: 'looking', eventId: 'EvE' });
    await h.settle();
    await at(h, '2026-11-26T11:00:00Z');
    assert.deepEqual(reminders(h, t.rootTs!), []);
    assert.deepEqual(
      (await h.db.job.findMany({ where: { ticketId: t.id, kind: 'first_response.reminder' } })).map((j) => j.status),
      ['cancelled'],
    );
    const event = await firstResponseEvent(h, t.id);
    assert.equal(event.met, true);
    assert.equal(event.dueAt, '2026-11-26T10:15:00.000Z', 'P1: 15 minutes around the clock');
  });

  it('taking the ticket is a first response; the reporter taking their own ticket is not', async () => {
    h.clock.set('2026-11-26T12:00:00Z');
    const own = await fileTicket(h, { priority: 'P3' });
    const other = await fileTicket(h, { priority: 'P3' });
    h.clock.set('2026-11-26T12:10:00Z');
    await h.slack.clickButton({ actionId: 'ticket_take', value: String(own.id), userId: 'UREPORTER', messageTs: own.rootTs! });
    await h.slack.clickButton({ actionId: 'ticket_take', value: String(other.id), userId: 'UENG', messageTs: other.rootTs! });
    await h.settle();
    assert.equal((await stored(h, own.id)).firstResponseAt, null);
    assert.equal((await firstResponseEvent(h, other.id)).actorId, 'UENG');
    assert.match(root(h, other.rootTs!), /<@UENG> after 10 min/);
    // P3: 4 business hours → 16:00.
    await at(h, '2026-11-26T16:00:00Z');
    assert.deepEqual(reminders(h, other.rootTs!), []);
    assert.equal(reminders(h, own.rootTs!).length, 1);
    assert.match(reminders(h, own.rootTs!)[0]!, /<@UREPORTER>, this is yours/);
  });

  it('waiting on the reporter holds the first-response clock', async () => {
    h.clock.set('2026-11-27T10:00:00Z');
    const t = await fileTicket(h, { priority: 'P1' });
    h.clock.set('2026-11-27T10:05:00Z');
    await h.slack.clickButton({ actionId: 'ticket_wait', value: String(t.id), userId: 'UREPORTER', messageTs: t.rootTs! });
    await h.settle();
    assert.ok(root(h, t.rootTs!).includes('First response: paused (waiting on reporter)'));
    await at(h, '2026-11-27T10:35:00Z');
    assert.deepEqual(reminders(h, t.rootTs!), []);
    await h.slack.clickButton({ actionId: 'ticket_unwait', value: String(t.id), userId: 'UREPORTER', messageTs: t.rootTs! });
    await h.settle();
    // 5 minutes counted before the pause, 10 after: due 10:45.
    assert.equal((await stored(h, t.id)).firstResponseDueAt?.toISOString(), '2026-11-27T10:45:00.000Z');
    await at(h, '2026-11-27T10:44:00Z');
    assert.deepEqual(reminders(h, t.rootTs!), []);
    await at(h, '2026-11-27T10:45:00Z');
    assert.equal(reminders(h, t.rootTs!).length, 1);
  });

  it('a reminder that came due while the bot was down is sent once after the restart', async () => {
    h.clock.set('2026-11-30T10:00:00Z');
    const t = await fileTicket(h, { priority: 'P1' });
    await h.restart({ whileDown: () => h.clock.set('2026-11-30T10:20:00Z') });
    await h.settle();
    assert.equal(reminders(h, t.rootTs!).length, 1);
    await h.restart();
    await at(h, '2026-11-30T11:00:00Z');
    assert.equal(reminders(h, t.rootTs!).length, 1);
  });
});

describe('first-response targets from the config', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({
      now: '2026-11-24T10:00:00Z',
      config: (doc) => (doc.sla = { firstResponse: { P2: { minutes: 30, businessHours: false } } }),
    });
  });
  after(() => h.stop());

  it('sla.firstResponse.<priority> replaces the default for that priority only', async () => {
    h.clock.set('2026-11-24T17:50:00Z');
    const p2 = await fileTicket(h, { priority: 'P2' });
    const p3 = await fileTicket(h, { priority: 'P3' });
    assert.equal((await stored(h, p2.id)).firstResponseDueAt?.toISOString(), '2026-11-24T18:20:00.000Z', '24/7 as configured');
    assert.equal((await stored(h, p3.id)).firstResponseDueAt?.toISOString(), '2026-11-25T12:50:00.000Z', 'P3 default: 4 business hours');
  });
});
