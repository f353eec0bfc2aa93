// Prisma's better-sqlite3 adapter prepares every query it runs (`client.prepare(sql).bind(args)`),
// so SQLite compiles the same few dozen statements again for every request: in the ack bench's
// profile that compiling was the largest part of the adapter's time. This hands the adapter a
// client whose prepare() reuses the compiled statement for the same SQL text.
import type { SqlDriverAdapter, SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import type { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import type BetterSqlite3 from 'better-sqlite3';

/**
 * Distinct SQL texts kept compiled. The bot's own queries are a few hundred at most, but an IN list
 * is one text per list length (and a raw query may inline values), so the set is open-ended: the
 * least recently used statement is dropped past this, and SQLite frees it when it is collected.
 */
export const STATEMENT_CACHE_SIZE = 500;

/** What the adapter does with `prepare(sql).bind(args)` (node_modules/@prisma/adapter-better-sqlite3): run it, or read its columns and rows as arrays. */
interface BoundStatement {
  readonly reader: boolean;
  run(): BetterSqlite3.RunResult;
  columns(): BetterSqlite3.ColumnDefinition[];
  raw(): { all(): unknown[] };
}

/**
 * The part of better-sqlite3's Database the adapter uses. A compiled statement is bound once in
 * better-sqlite3 (`bind()` may not be called again), so bind() here does not bind: it keeps the
 * arguments and passes them to each run or read of the shared statement, which better-sqlite3
 * runs to completion synchronously — no other query can use the statement in between.
 */
export class StatementCache {
  private readonly statements = new Map<string, BetterSqlite3.Statement>();
  /** How many statements SQLite compiled: one per SQL text while it stays cached. */
  compiled = 0;

  constructor(
    private readonly db: BetterSqlite3.Database,
    private readonly size = STATEMENT_CACHE_SIZE,
  ) {}

  /** Also run unbound: the adapter starts a transaction with `prepare('BEGIN').run()`. */
  prepare(sql: string): { bind(args: unknown[]): BoundStatement; run(): BetterSqlite3.RunResult } {
    const stmt = this.statement(sql);
    return {
      run: () => stmt.run(),
      bind: (args) => ({
        reader: stmt.reader,
        run: () => stmt.run(args),
        columns: () => stmt.columns(),
        raw: () => ({ all: () => stmt.all(args) }),
      }),
    };
  }

  exec(script: string): void {
    this.db.exec(script);
  }

  close(): void {
    this.db.close();
  }

  private statement(sql: string): BetterSqlite3.Statement {
    const cached = this.statements.get(sql);
    if (cached) {
      // Most recently used last: the Map's first key is the one to drop.
      this.statements.delete(sql);
      this.statements.set(sql, cached);
      return cached;
    }
    const stmt = this.db.prepare(sql);
    this.compiled++;
    // The adapter reads every result as arrays; raw mode is the statement's, set once.
    if (stmt.reader) stmt.raw(true);
    this.statements.set(sql, stmt);
    if (this.statements.size > this.size) this.statements.delete(this.statements.keys().next().value!);
    return stmt;
  }
}

/** The adapter keeps its better-sqlite3 handle in `client` and gives it to each transaction it starts. */
function withCache(adapter: SqlDriverAdapter, size: number): { adapter: SqlDriverAdapter; cache: StatementCache } {
  const inner = adapter as unknown as { client: BetterSqlite3.Database | StatementCache };
  const cache = new StatementCache(inner.client as BetterSqlite3.Database, size);
  inner.client = cache;
  return { adapter, cache };
}

/** Prisma's better-sqlite3 adapter factory, whose connections reuse compiled statements. */
export class CachedStatementsSqlite implements SqlMigrationAwareDriverAdapterFactory {
  readonly provider = 'sqlite' as const;
  readonly adapterName: string;
  /** The cache of the last connection opened (the app opens one). */
  statements: StatementCache | undefined;

  constructor(
    private readonly inner: PrismaBetterSqlite3,
    private readonly size = STATEMENT_CACHE_SIZE,
  ) {
    this.adapterName = inner.adapterName;
  }

  async connect(): Promise<SqlDriverAdapter> {
    const { adapter, cache } = withCache(await this.inner.connect(), this.size);
    this.statements = cache;
    return adapter;
  }

  async connectToShadowDb(): Promise<SqlDriverAdapter> {
    return withCache(await this.inner.connectToShadowDb(), this.size).adapter;
  }
}
