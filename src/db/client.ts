import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import type { SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import type { PrismaClient } from '../generated/sqlite/client.js';
import { pgPoolConfig } from './pgPool.js';
import { providerOf, sqlitePath, type Provider } from './provider.js';
import { sqliteKeepingStatements } from './sqliteStatements.js';
import { sqliteTakingTurns } from './sqliteTurns.js';

/**
 * The database handle the repositories use. Both generated clients come from one schema and expose
 * the same model API; the SQLite one's types stand for both (docs/architecture.md, "One schema, two providers").
 */
export type Db = PrismaClient;
export type Tx = Parameters<Parameters<Db['$transaction']>[0]>[0];

export function adapterFactory(url: string): SqlMigrationAwareDriverAdapterFactory {
  if (providerOf(url) === 'postgresql') return new PrismaPg(pgPoolConfig(url));
  const file = sqlitePath(url);
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  return sqliteTakingTurns(sqliteKeepingStatements(new PrismaBetterSqlite3({ url: `file:${file}`, timeout: 5000 })));
}

export interface Database {
  db: Db;
  provider: Provider;
  close(): Promise<void>;
}

/** Only the generated client the URL needs is imported here. */
export async function openDatabase(url: string): Promise<Database> {
  const provider = providerOf(url);
  let db: Db;
  if (provider === 'postgresql') {
    const { PrismaClient: PgClient } = await import('../generated/postgres/client.js');
    db = new PgClient({ adapter: adapterFactory(url) }) as unknown as Db;
  } else {
    const { PrismaClient: SqliteClient } = await import('../generated/sqlite/client.js');
    db = new SqliteClient({ adapter: adapterFactory(url) });
    // WAL lets readers (status page, reports) run while a writer commits.
    await db.$queryRawUnsafe('PRAGMA journal_mode = WAL');
    // Every commit reaches the disk before it returns, so an acknowledged ticket or a message marked
    // sent survives a power cut too. Said outright: better-sqlite3 opens a file already in WAL mode
    // with NORMAL (its build's default), and the migration step has put it in WAL mode before this.
    await db.$executeRawUnsafe('PRAGMA synchronous = FULL');
  }
  await db.$connect();
  return { db, provider, close: () => db.$disconnect() };
}
