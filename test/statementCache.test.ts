import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { adapterFactory } from '../src/db/client.js';
import { applyMigrations } from '../src/db/migrate.js';
import { sqlitePath } from '../src/db/provider.js';
import { CachedStatementsSqlite } from '../src/db/statementCache.js';
import { PrismaClient } from '../src/generated/sqlite/client.js';
import { createTestDatabaseUrl } from './support/harness.js';

const ticket = (title: string) => ({
  title,
  description: 'd',
  priority: 'P1',
  service: 's',
  reporterId: 'U1',
  channelId: 'C1',
  createdAt: new Date(),
  updatedAt: new Date(),
  slaStartedAt: new Date(),
});

async function withClient(size: number | undefined, run: (db: PrismaClient, factory: CachedStatementsSqlite) => Promise<void>) {
  const { url, drop } = await createTestDatabaseUrl('sqlite');
  await applyMigrations(url);
  const factory = new CachedStatementsSqlite(new PrismaBetterSqlite3({ url: `file:${sqlitePath(url)}` }), size);
  const db = new PrismaClient({ adapter: factory });
  try {
    await run(db, factory);
  } finally {
    await db.$disconnect();
    await drop();
  }
}

describe('SQLite statement cache', () => {
  it('the app’s SQLite adapter reuses compiled statements', () => {
    assert.ok(adapterFactory('file:./test/.tmp/any.db') instanceof CachedStatementsSqlite);
  });

  it('compiles a query once and runs it again with other arguments, in and out of transactions', async () => {
    await withClient(undefined, async (db, factory) => {
      const a = await db.ticket.create({ data: ticket('a') });
      const b = await db.ticket.create({ data: ticket('b') });
      const compiled = factory.statements!.compiled;
      const inTx = (id: number) => db.$transaction((tx) => tx.ticket.findUnique({ where: { id } })).then((t) => t?.title);
      assert.equal((await db.ticket.findUnique({ where: { id: a.id } }))?.title, 'a');
      assert.equal(await inTx(a.id), 'a');
      const afterFirst = factory.statements!.compiled;
      assert.equal((await db.ticket.findUnique({ where: { id: b.id } }))?.title, 'b');
      assert.equal(await inTx(b.id), 'b');
      assert.ok(afterFirst > compiled, 'the first findUnique compiles its statement');
      assert.equal(factory.statements!.compiled, afterFirst, 'the same query again compiles nothing');
      // Writes and counts through cached statements still see each other.
      await db.ticket.update({ where: { id: b.id }, data: { title: 'b2' } });
      assert.equal((await db.ticket.findUnique({ where: { id: b.id } }))?.title, 'b2');
      assert.equal(await db.ticket.count(), 2);
      assert.equal(factory.statements!.compiled, afterFirst + 2, 'only the update and the count were new');
    });
  });

  it('keeps at most its size of statements, dropping the least recently used', async () => {
    await withClient(2, async (db, factory) => {
      const q = (n: number) => db.$queryRawUnsafe<unknown[]>(`SELECT ${n} AS n`);
      await q(1);
      await q(2);
      await q(1); // 1 is now the most recently used
      await q(3); // drops 2
      const compiled = factory.statements!.compiled;
      await q(1);
      await q(3);
      assert.equal(factory.statements!.compiled, compiled, '1 and 3 stayed compiled');
      await q(2);
      assert.equal(factory.statements!.compiled, compiled + 1, '2 was dropped and is compiled again');
    });
  });

  it('reports a failing statement as Prisma does without the cache', async () => {
    await withClient(undefined, async (db) => {
      await db.ticket.create({ data: { ...ticket('a'), viewId: 'V1' } });
      await assert.rejects(db.ticket.create({ data: { ...ticket('b'), viewId: 'V1' } }), { code: 'P2002' });
      await assert.rejects(db.$queryRawUnsafe('SELEC 1'), /syntax error/);
    });
  });
});
