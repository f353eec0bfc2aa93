// What a relay pass reads of the outbox (repos/outbox.ts dueMessages): only the messages it may hand
// now. Those waiting behind a message of their own ticket are not read at all, so a backlog behind
// slow roots does not make every pass read the whole table (docs/benchmarks.md).
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { type Database, openDatabase } from '../src/db/client.js';
import { applyMigrations } from '../src/db/migrate.js';
import { claimMessage, dueMessages, insertOutboxRow, markSent } from '../src/repos/outbox.js';
import { createTestDatabaseUrl } from './support/harness.js';

const NOW = new Date('2026-11-24T10:00:00Z');
const INTERACTIVE = 0;
const BULK = 1;

describe('the due messages a relay pass reads', () => {
  let database: Database;
  let drop: () => Promise<void>;
  before(async () => {
    const created = await createTestDatabaseUrl();
    drop = created.drop;
    await applyMigrations(created.url);
    database = await openDatabase(created.url);
  });
  after(async () => {
    await database.close();
    await drop();
  });
  beforeEach(() => database.db.outboxMessage.deleteMany());

  /** Queues a message named `name` (its payload) and returns its id. */
  const queue = async (name: string, opts: { key?: string; priority?: number; dueAt?: Date } = {}) => {
    await insertOutboxRow(database.db, {
      method: 'post',
      payload: JSON.stringify({ name }),
      ticketId: null,
      orderingKey: opts.key ?? null,
      priority: opts.priority ?? INTERACTIVE,
      nextAttemptAt: opts.dueAt ?? NOW,
      createdAt: NOW,
    });
    return (await database.db.outboxMessage.findFirstOrThrow({ where: { payload: JSON.stringify({ name }) } })).id;
  };
  const read = async (opts: { handed?: number[]; take?: number; after?: { priority: number; id: number } } = {}) =>
    (await dueMessages(database.db, NOW, { after: opts.after ?? null, handed: opts.handed ?? [], take: opts.take ?? 50 })).map((m) => ({
      name: (JSON.parse(m.payload) as { name: string }).name,
      head: m.head,
      id: m.id,
    }));

  it("reads each ticket's first message and keyless ones, not those queued behind them", async () => {
    const root = await queue('root 1', { key: 'ticket:1' });
    await queue('confirm 1', { key: 'ticket:1' });
    await queue('reply 1', { key: 'ticket:1' });
    const keyless = await queue('announcement');
    await queue('later', { dueAt: new Date(NOW.getTime() + 60_000) });
    assert.deepEqual(await read(), [
      { name: 'root 1', head: root, id: root },
      { name: 'announcement', head: keyless, id: keyless },
    ]);
  });

  it('reads the next one once the first is sent, and none while the first is being sent', async () => {
    const root = await queue('root 1', { key: 'ticket:1' });
    const confirm = await queue('confirm 1', { key: 'ticket:1' });
    await queue('reply 1', { key: 'ticket:1' });
    const claimed = await claimMessage(database.db, { id: root, attempts: 0 }, 'relay', NOW);
    assert.ok(claimed);
    assert.deepEqual(await read(), []);
    await markSent(database.db, root, NOW, '1.0001');
    assert.deepEqual(await read(), [{ name: 'confirm 1', head: confirm, id: confirm }]);
  });

  it('reads an interactive message queued behind bulk ones of its ticket, with the head it takes along', async () => {
    const note = await queue('deploy note', { key: 'ticket:2', priority: BULK });
    await queue('second note', { key: 'ticket:2', priority: BULK });
    const answer = await queue('click answer', { key: 'ticket:2' });
    await queue('second answer', { key: 'ticket:2' });
    assert.deepEqual(await read(), [
      { name: 'click answer', head: note, id: answer },
      { name: 'deploy note', head: note, id: note },
    ]);
  });

  it('leaves out what is in the lanes already, and pages by priority, then id', async () => {
    const a = await queue('a', { key: 'ticket:3' });
    const b = await queue('b', { key: 'ticket:4' });
    const c = await queue('c', { key: 'ticket:5', priority: BULK });
    const d = await queue('d');
    assert.deepEqual(
      (await read({ handed: [b] })).map((m) => m.name),
      ['a', 'd', 'c'],
    );
    const first = await read({ take: 2 });
    assert.deepEqual(
      first.map((m) => m.name),
      ['a', 'b'],
    );
    assert.deepEqual(
      (await read({ after: { priority: INTERACTIVE, id: first.at(-1)!.id } })).map((m) => m.id),
      [d, c],
    );
    assert.equal(a < b && b < c && c < d, true);
  });
});
