// Prisma's better-sqlite3 adapter prepares every statement again each time it runs it: for a click's
// ticket read, preparing cost more than running (0.17 against 0.15 ms, measured with a probe around
// better-sqlite3, docs/benchmarks.md). The statements Prisma sends are few and repeat, so each
// connection keeps the ones it prepared, by their SQL, and runs them again with the new parameters.
import type BetterSqlite3 from 'better-sqlite3';
import type { SqlDriverAdapter, SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';

/**
 * Statements kept per connection, least recently used dropped first. The client sends a few dozen
 * shapes; `IN (?, ?, …)` lists add one per length, and SQLite keeps each prepared statement in a
 * few kB.
 */
export const KEPT_STATEMENTS = 256;

/**
 * What the adapter (7.10) does with a statement: `prepare(sql).bind(args)`, then `run()`, or
 * `columns()` and `raw().all()`; a transaction's BEGIN is `prepare('BEGIN').run()`. A kept statement
 * offers exactly that, each bind handing its parameters to the one call that follows, so an adapter
 * that starts calling anything else fails loudly in the tests instead of reading stale parameters.
 */
interface AdapterStatement {
  reader: boolean;
  run(): BetterSqlite3.RunResult;
  columns(): BetterSqlite3.ColumnDefinition[];
  raw(): { all(): unknown[] };
}

/**
 * A kept statement's result columns, asked of SQLite once: the adapter asks before every read, and
 * for a click's ticket read that was a fifth of the read's CPU. They change only with the SQL, which
 * is the key a statement is kept by: every read names its columns (Prisma's, and the repos' raw
 * SQL), and migrations run before the bot opens its connections (src/main.ts).
 */
const columnsOf = new WeakMap<BetterSqlite3.Statement, BetterSqlite3.ColumnDefinition[]>();

function columns(stmt: BetterSqlite3.Statement): BetterSqlite3.ColumnDefinition[] {
  let known = columnsOf.get(stmt);
  if (!known) {
    known = stmt.columns();
    columnsOf.set(stmt, known);
  }
  return known;
}

function bound(stmt: BetterSqlite3.Statement, params: unknown[]): AdapterStatement {
  return {
    reader: stmt.reader,
    run: () => stmt.run(...params),
    columns: () => columns(stmt),
    raw: () => ({ all: () => stmt.raw(true).all(...params) as unknown[] }),
  };
}

/** `db.prepare` answered from the statements it prepared before. */
export function keepStatements(db: BetterSqlite3.Database, kept = KEPT_STATEMENTS): void {
  const prepare = db.prepare.bind(db);
  const statements = new Map<string, BetterSqlite3.Statement>();
  const reused = (sql: string): BetterSqlite3.Statement => {
    const known = statements.get(sql);
    if (known) {
      // Moved to the newest end: the Map's order is the order of last use.
      statements.delete(sql);
      statements.set(sql, known);
      return known;
    }
    const stmt = prepare(sql);
    statements.set(sql, stmt);
    if (statements.size > kept) statements.delete(statements.keys().next().value!);
    return stmt;
  };
  const prepareKept = (sql: string): AdapterStatement & { bind(...params: unknown[]): AdapterStatement } => {
    const stmt = reused(sql);
    return { ...bound(stmt, []), bind: (...params) => bound(stmt, params) };
  };
  // The adapter's statements are only ever used as AdapterStatement describes.
  db.prepare = prepareKept as unknown as BetterSqlite3.Database['prepare'];
}

/** The adapter's better-sqlite3 handle: a field of its queryable that 7.10 does not declare. */
function handleOf(adapter: SqlDriverAdapter): BetterSqlite3.Database {
  const client = (adapter as unknown as { client?: BetterSqlite3.Database }).client;
  if (typeof client?.prepare !== 'function')
    throw new Error('The SQLite adapter no longer exposes its better-sqlite3 handle as `client`: see src/db/sqliteStatements.ts.');
  return client;
}

/** `factory`'s connections, each keeping the statements it prepared. */
export function sqliteKeepingStatements(factory: SqlMigrationAwareDriverAdapterFactory): SqlMigrationAwareDriverAdapterFactory {
  const keeping = (adapter: SqlDriverAdapter) => {
    keepStatements(handleOf(adapter));
    return adapter;
  };
  return {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: async () => keeping(await factory.connect()),
    connectToShadowDb: async () => keeping(await factory.connectToShadowDb()),
  };
}
