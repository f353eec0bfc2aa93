// A statement made outside a transaction while one is open stays outside it, on both databases: it
// does not read the transaction's uncommitted rows, and its writes are not rolled back with it.
// (Prisma's SQLite adapter has one connection and would run it inside; src/db/sqliteTurns.ts.)
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openDatabase, type Database } from '../src/db/client.js';
import { migrateIfNeeded } from '../src/db/migrate.js';
import { createTestDatabaseUrl } from './support/harness.js';

const AT = new Date('2026-12-01T10:00:00Z');

describe('statements outside a transaction', () => {
  let database: Awaited<ReturnType<typeof createTestDatabaseUrl>>;
  let handle: Database;
  before(async () => {
    database = await createTestDatabaseUrl();
    await migrateIfNeeded(database.url);
    handle = await openDatabase(database.url);
  });
  after(async () => {
    await handle.close();
    await database.drop();
  });

  const ids = async () => (await handle.db.processedDelivery.findMany({ orderBy: { id: 'asc' } })).map((d) => d.id);

  it('neither see an open transaction nor roll back with it', async () => {
    const { db } = handle;
    let read: Promise<string[]> = Promise.resolve([]);
    let write: Promise<unknown> = Promise.resolve();
    await assert.rejects(
      db.$transaction(async (tx) => {
        await tx.processedDelivery.create({ data: { id: 'inside', at: AT } });
        read = ids();
        write = db.processedDelivery.create({ data: { id: 'outside', at: AT } });
        // Time for both to run now, where they can (PostgreSQL); on SQLite they wait for the rollback.
        await new Promise((r) => setTimeout(r, 50));
        throw new Error('the work failed');
      }),
      /the work failed/,
    );
    assert.deepEqual(await read, []);
    await write;
    assert.deepEqual(await ids(), ['outside']);
  });
});

describe('SQLite durability', () => {
  it('commits with synchronous = FULL on a new file and on every later start', async () => {
    const database = await createTestDatabaseUrl('sqlite');
    try {
      await migrateIfNeeded(database.url);
      for (const start of ['first', 'second']) {
        const handle = await openDatabase(database.url);
        const [row] = await handle.db.$queryRawUnsafe<Array<{ synchronous: bigint }>>('PRAGMA synchronous');
        await handle.close();
        assert.equal(Number(row!.synchronous), 2, `${start} start`);
      }
    } finally {
      await database.drop();
    }
  });
});
