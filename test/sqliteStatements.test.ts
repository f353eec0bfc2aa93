// On SQLite each connection prepares a statement once and runs it again with new parameters
// (src/db/sqliteStatements.ts), keeping at most a bounded number of them.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import type { SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { openDatabase, type Database as Handle } from '../src/db/client.js';
import { migrateIfNeeded } from '../src/db/migrate.js';
import { keepStatements, sqliteKeepingStatements } from '../src/db/sqliteStatements.js';
import { createTestDatabaseUrl } from './support/harness.js';

const AT = new Date('2026-12-01T10:00:00Z');

/** better-sqlite3's own prepare, counted per SQL text while a test runs. */
function countPrepares() {
  const original = Database.prototype.prepare;
  const counts = new Map<string, number>();
  Database.prototype.prepare = function (this: Database.Database, sql: string) {
    counts.set(sql, (counts.get(sql) ?? 0) + 1);
    return original.call(this, sql);
  } as typeof original;
  const restore = () => {
    Database.prototype.prepare = original;
  };
  return { counts, restore };
}

describe('SQLite statements kept per connection', () => {
  let database: Awaited<ReturnType<typeof createTestDatabaseUrl>>;
  let handle: Handle;
  let prepares: ReturnType<typeof countPrepares>;
  before(async () => {
    database = await createTestDatabaseUrl('sqlite');
    await migrateIfNeeded(database.url);
    prepares = countPrepares();
    handle = await openDatabase(database.url);
  });
  after(async () => {
    prepares.restore();
    await handle.close();
    await database.drop();
  });

  it('prepares a repeated query once and runs it with each call’s own parameters', async () => {
    const { db } = handle;
    for (const id of ['a', 'b', 'c']) await db.processedDelivery.create({ data: { id, at: AT } });
    const found = [];
    for (const id of ['c', 'a', 'b', 'nope']) found.push((await db.processedDelivery.findUnique({ where: { id } }))?.id ?? null);
    assert.deepEqual(found, ['c', 'a', 'b', null]);
    const reads = [...prepares.counts].filter(([sql]) => sql.startsWith('SELECT') && sql.includes('ProcessedDelivery'));
    assert.equal(reads.length, 1, 'one SQL text for the four reads');
    assert.equal(reads[0]![1], 1, 'prepared once');
    const inserts = [...prepares.counts].filter(([sql]) => sql.startsWith('INSERT') && sql.includes('ProcessedDelivery'));
    assert.deepEqual(
      inserts.map(([, n]) => n),
      [1],
    );
  });

  it('keeps transactions whole: a rolled-back write is gone, a committed one stays', async () => {
    const { db } = handle;
    await assert.rejects(
      db.$transaction(async (tx) => {
        await tx.processedDelivery.create({ data: { id: 'rolled-back', at: AT } });
        throw new Error('undo');
      }),
      /undo/,
    );
    await db.$transaction(async (tx) => {
      await tx.processedDelivery.create({ data: { id: 'kept', at: AT } });
    });
    const ids = (await db.processedDelivery.findMany({ where: { id: { in: ['rolled-back', 'kept'] } } })).map((d) => d.id);
    assert.deepEqual(ids, ['kept']);
    assert.equal(prepares.counts.get('BEGIN'), 1, 'BEGIN prepared once for both transactions');
  });
});

describe('keepStatements', () => {
  let prepares: ReturnType<typeof countPrepares>;
  afterEach(() => prepares.restore());

  it('drops the least recently used statement past its bound', () => {
    prepares = countPrepares();
    const db = new Database(':memory:');
    keepStatements(db, 2);
    const run = (sql: string) => (db.prepare(sql) as unknown as { raw(): { all(): unknown[] } }).raw().all();
    for (const sql of ['SELECT 1', 'SELECT 2', 'SELECT 1', 'SELECT 3', 'SELECT 1', 'SELECT 2']) run(sql);
    // SELECT 1 stayed (used again before SELECT 3 came), SELECT 2 was dropped for SELECT 3.
    assert.deepEqual(Object.fromEntries(prepares.counts), { 'SELECT 1': 1, 'SELECT 2': 2, 'SELECT 3': 1 });
    assert.deepEqual(run('SELECT 3'), [[3]]);
    db.close();
  });

  it("asks SQLite for a kept statement's columns once", () => {
    prepares = countPrepares();
    const db = new Database(':memory:');
    const proto = Object.getPrototypeOf(db.prepare('SELECT 1')) as { columns(): unknown };
    const original = proto.columns;
    let asked = 0;
    proto.columns = function (this: unknown) {
      asked += 1;
      return original.call(this);
    };
    try {
      keepStatements(db);
      const read = () => db.prepare('SELECT 1 AS one, 2 AS two') as unknown as { columns(): Array<{ name: string }> };
      const names = [read().columns(), read().columns(), read().columns()].map((cs) => cs.map((c) => c.name));
      assert.deepEqual(names, [
        ['one', 'two'],
        ['one', 'two'],
        ['one', 'two'],
      ]);
      assert.equal(asked, 1);
    } finally {
      proto.columns = original;
      db.close();
    }
  });

  it('says so at start when the adapter no longer exposes its handle', async () => {
    prepares = countPrepares();
    const factory = {
      provider: 'sqlite',
      adapterName: 'changed',
      connect: async () => ({}),
      connectToShadowDb: async () => ({}),
    } as unknown as SqlMigrationAwareDriverAdapterFactory;
    await assert.rejects(
      sqliteKeepingStatements(factory).connect(),
      /better-sqlite3 handle as `client`: see src\/db\/sqliteStatements\.ts/,
    );
  });
});
