// Finished bookkeeping rows are pruned by a daily job (03:30 in the configured zone), planned once
// under a key: seen Slack deliveries after 2 days, done jobs and sent messages after 30, messages
// that others refer to by key (a deploy announcement) after 180. Pending work is never touched.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { RETENTION_PRUNE } from '../src/services/retention.js';
import { deploy } from './support/deployApi.js';
import { fileTicket, startHarness, type Harness } from './support/harness.js';

const DAY = 86_400_000;

describe('retention of outbox messages, jobs and Slack deliveries', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ now: '2026-11-24T10:00:00Z' });
  });
  after(() => h.stop());

  /** Moves to the next 03:30 London after `iso` and lets the planned prune run. */
  async function pruneAfter(iso: string, at: string): Promise<void> {
    h.clock.set(iso);
    await h.bot.checkHandoffs();
    await h.settle();
    h.clock.set(at);
    await h.settle();
  }

  it('keeps what is recent or still needed, and prunes the rest once per day', async () => {
    const ticket = await fileTicket(h, { priority: 'P3' });
    const res = await h.slack.threadReply({ threadTs: ticket.rootTs!, userId: 'UENG', text: 'looking', eventId: 'Ev-retention-1' });
    assert.equal(res.status, 200);
    await h.settle();
    await deploy(h, { service: 'search', version: '7.0.0', author: 'UAUTHOR' });
    const farFuture = await h.db.job.create({
      data: { kind: 'nothing_yet', dueAt: new Date('2027-11-24T10:00:00Z'), payload: '{}' },
    });
    const firstMessages = await h.db.outboxMessage.findMany({ where: { status: 'sent' } });
    assert.ok(firstMessages.some((m) => m.dedupKey === null) && firstMessages.some((m) => m.dedupKey !== null), 'both kinds were sent');
    assert.equal(await h.db.processedDelivery.count({ where: { id: 'event:Ev-retention-1' } }), 1);

    // Three days on: the delivery is forgotten, the messages and jobs are kept.
    await pruneAfter('2026-11-27T10:00:00Z', '2026-11-28T03:31:00Z');
    // Planned at start for the first night, run late (the clock jumped); then planned for the next.
    const prunes = await h.db.job.findMany({ where: { kind: RETENTION_PRUNE }, orderBy: { dueAt: 'asc' } });
    assert.deepEqual(
      prunes.map((j) => [j.dueAt.toISOString(), j.status]),
      [
        ['2026-11-25T03:30:00.000Z', 'done'],
        ['2026-11-28T03:30:00.000Z', 'done'],
      ],
    );
    // Checks every minute (and on every replica) plan the next night once.
    await h.bot.checkHandoffs();
    await h.bot.checkHandoffs();
    assert.deepEqual(
      (await h.db.job.findMany({ where: { kind: RETENTION_PRUNE, status: 'pending' } })).map((j) => j.dueAt.toISOString()),
      ['2026-11-29T03:30:00.000Z'],
    );
    assert.equal(await h.db.processedDelivery.count({ where: { id: 'event:Ev-retention-1' } }), 0);
    assert.equal(await h.db.outboxMessage.count({ where: { id: { in: firstMessages.map((m) => m.id) } } }), firstMessages.length);

    // A month on: sent messages and done jobs of the first days go; the announcement, pending work and the ticket stay.
    const doneBefore = await h.db.job.count({ where: { status: 'done', doneAt: { lt: new Date('2026-11-29T00:00:00Z') } } });
    assert.ok(doneBefore > 0, 'jobs of the first days are done');
    await pruneAfter('2026-12-28T10:00:00Z', '2026-12-29T03:31:00Z');
    const left = await h.db.outboxMessage.findMany({ where: { id: { in: firstMessages.map((m) => m.id) } } });
    assert.deepEqual(
      left.map((m) => m.dedupKey),
      firstMessages.filter((m) => m.dedupKey !== null).map((m) => m.dedupKey),
      'only the keyed messages are kept',
    );
    assert.equal(await h.db.job.count({ where: { status: 'done', doneAt: { lt: new Date('2026-11-29T00:00:00Z') } } }), 0);
    assert.ok(await h.db.job.findUnique({ where: { id: farFuture.id } }), 'pending work is kept');
    const stored = (await h.db.ticket.findUnique({ where: { id: ticket.id } }))!;
    assert.equal(stored.rootTs, ticket.rootTs);

    // Replies still find the ticket's thread.
    await h.slack.clickButton({ actionId: 'ticket_take', value: String(ticket.id), userId: 'UENG', messageTs: ticket.rootTs! });
    await h.settle();
    assert.ok(
      h.fake.posted('C0SUPPORT').some((m) => m.thread_ts === ticket.rootTs && m.ts > ticket.rootTs! && (m.text ?? '').includes('UENG')),
    );
    assert.ok(h.clock.now().getTime() - new Date('2026-11-24T10:00:00Z').getTime() > 30 * DAY);
  });
});
