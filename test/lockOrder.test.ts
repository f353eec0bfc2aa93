// PostgreSQL row locks between a ticket change and a scheduler pass. A pass locks a ticket's due
// jobs (its claim) and then changes the ticket; a click must take the same locks in the same order
// (the ticket's pending jobs, then the ticket), or the two wait on each other and PostgreSQL aborts
// one of them as a deadlock.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fileTicket, startHarness, type Harness } from './support/harness.js';

const postgres = process.env.TEST_DATABASE === 'postgresql';

describe('lock order of ticket changes and scheduler passes', { skip: !postgres && 'row locks: PostgreSQL only' }, () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ now: '2026-11-24T10:00:00Z' });
  });
  after(() => h?.stop());

  /** Backends of this database waiting on a lock. */
  async function waitingOnLocks(): Promise<number> {
    const rows = await h.db.$queryRaw<Array<{ n: bigint }>>`
      SELECT COUNT(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`;
    return Number(rows[0]!.n);
  }

  it('Take it while a pass holds the ticket’s jobs and is about to change the ticket: both succeed', async () => {
    const t = await fileTicket(h, { priority: 'P2' });
    assert.ok((await h.db.job.count({ where: { ticketId: t.id, status: 'pending' } })) > 0, 'the ticket has timers');
    const errors = h.loggedErrors.length;
    let click: Promise<{ status: number }> | undefined;
    // What a pass does, held open in the middle: claim (lock) the ticket's jobs, then write the ticket.
    await h.db.$transaction(
      async (tx) => {
        await tx.$queryRaw`SELECT "id" FROM "Job" WHERE "ticketId" = ${t.id} AND "status" = 'pending' FOR UPDATE`;
        click = h.slack.clickButton({ actionId: 'ticket_take', value: String(t.id), userId: 'UENG', messageTs: t.rootTs! });
        for (let i = 0; i < 200 && (await waitingOnLocks()) === 0; i++) await new Promise((r) => setTimeout(r, 10));
        assert.equal(await waitingOnLocks(), 1, 'the click waits for the pass');
        await tx.$executeRaw`UPDATE "Ticket" SET "updatedAt" = "updatedAt" WHERE "id" = ${t.id}`;
      },
      { timeout: 10_000 },
    );
    assert.equal((await click!).status, 200);
    await h.settle();
    assert.equal((await h.db.ticket.findUniqueOrThrow({ where: { id: t.id } })).ownerId, 'UENG');
    assert.deepEqual(h.loggedErrors.slice(errors), []);
    assert.deepEqual(
      h.fake.callsTo('chat.postEphemeral').map((c) => c.args.text),
      [],
      'nobody was told to try again',
    );
  });
});
