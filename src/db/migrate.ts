// Applies and writes migrations with Prisma's schema engine compiled to WebAssembly, so they run on
// start without the native engine download the prisma CLI needs. These are internal Prisma APIs
// (pinned versions); this module is the only place that touches them.
//
// Each migration folder keeps a snapshot of the schema it leads to (schema.prisma). The next
// migration is the diff between that snapshot and the schema: two datamodels, no database, no
// shadow database (which the engine cannot fill through the adapters here).
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import type { SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import type { MigrationList, SchemaEngine } from '@prisma/schema-engine-wasm';
import pg from 'pg';
import { adapterFactory, openDatabase } from './client.js';
import { providerOf, type Provider } from './provider.js';

/**
 * The package's root (where package.json and prisma/ are), found from this file upwards: the same
 * from src/db/ (tsx) as from dist/db/ (the build), wherever the package is installed.
 */
export function packageRoot(from = path.dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'prisma'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package root with prisma/ above ${from}`);
  }
}

const root = packageRoot();
const noFilters = { externalTables: [], externalEnums: [] };
export const snapshotFile = 'schema.prisma';

export function schemaPath(provider: Provider): string {
  return path.join(root, 'prisma', provider === 'sqlite' ? 'schema.prisma' : 'postgres/schema.prisma');
}

export function migrationsDir(provider: Provider): string {
  return path.join(root, 'prisma', 'migrations', provider);
}

let runtime: Promise<typeof import('@prisma/schema-engine-wasm/schema_engine_bg')> | undefined;

function loadRuntime() {
  runtime ??= (async () => {
    const bg = await import('@prisma/schema-engine-wasm/schema_engine_bg');
    const wasmFile = createRequire(import.meta.url)
      .resolve('@prisma/schema-engine-wasm/schema_engine_bg')
      .replace(/schema_engine_bg\.js$/, 'schema_engine_bg.wasm');
    const module = new WebAssembly.Module(await readFile(wasmFile));
    const instance = new WebAssembly.Instance(module, { './schema_engine_bg.js': bg as unknown as WebAssembly.ModuleImports });
    bg.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as () => void)();
    return bg;
  })();
  return runtime;
}

// The engine may connect more than once per command and does not close what it opened; every
// connect() shares one connection, closed when the command ends, so no handle keeps a lock.
async function withEngine<T>(url: string, run: (engine: SchemaEngine, provider: Provider) => Promise<T>): Promise<T> {
  const provider = providerOf(url);
  const bg = await loadRuntime();
  const schema = await readFile(schemaPath(provider), 'utf8');
  const base = adapterFactory(url) as SqlMigrationAwareDriverAdapterFactory;
  let shared: ReturnType<SqlMigrationAwareDriverAdapterFactory['connect']> | undefined;
  const factory = bindMigrationAwareSqlAdapterFactory({
    provider: base.provider,
    adapterName: base.adapterName,
    connect: () => (shared ??= base.connect()),
    connectToShadowDb: () => base.connectToShadowDb(),
  });
  const engine = await bg.SchemaEngine.new({ datamodels: [[schemaPath(provider), schema]] }, () => {}, factory);
  try {
    return await run(engine, provider);
  } finally {
    engine.free();
    if (shared) await (await shared).dispose();
  }
}

export async function listMigrations(provider: Provider): Promise<MigrationList> {
  const baseDir = migrationsDir(provider);
  const names = (await readdir(baseDir, { withFileTypes: true }))
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
  const migrationDirectories = await Promise.all(
    names.map(async (name) => ({
      path: name,
      migrationFile: {
        path: 'migration.sql',
        content: { tag: 'ok' as const, value: await readFile(path.join(baseDir, name, 'migration.sql'), 'utf8') },
      },
    })),
  );
  const lock = await readFile(path.join(baseDir, 'migration_lock.toml'), 'utf8').catch(() => null);
  return { baseDir, lockfile: { path: 'migration_lock.toml', content: lock }, shadowDbInitScript: '', migrationDirectories };
}

/** Prisma's checksum of a migration: SHA-256 of its script, in hex. */
function checksum(sql: string): string {
  return createHash('sha256').update(sql).digest('hex');
}

/** A migration whose file no longer matches what was applied: the database went another way than the file says. */
export class EditedMigrationError extends Error {
  constructor(readonly names: string[]) {
    super(
      `Migration ${names.join(', ')} was edited after it was applied to this database (its migration.sql no longer ` +
        'matches the checksum in _prisma_migrations). Restore the file as it was released, and put the change in a new ' +
        'migration (npm run db:migration -- <name>).',
    );
    this.name = 'EditedMigrationError';
  }
}

/**
 * Committed migrations the database has not finished applying (all of them on a new database),
 * read from `_prisma_migrations` without the schema engine. Throws EditedMigrationError when an
 * applied migration's file has changed since (the engine itself would only log a warning).
 */
export async function unappliedMigrations(url: string): Promise<string[]> {
  const provider = providerOf(url);
  const local = (await listMigrations(provider)).migrationDirectories.map((d) => ({
    name: d.path,
    sql: d.migrationFile.content.tag === 'ok' ? d.migrationFile.content.value : '',
  }));
  const { db, close } = await openDatabase(url);
  let rows: Array<{ migration_name: string; checksum: string }>;
  try {
    rows = await db.$queryRawUnsafe(
      'SELECT migration_name, checksum FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL',
    );
  } catch {
    return local.map((m) => m.name); // no _prisma_migrations table yet
  } finally {
    await close();
  }
  const applied = new Map(rows.map((r) => [r.migration_name, r.checksum]));
  // Prisma also accepts a script whose line endings a checkout turned from LF to CRLF or back.
  const matches = (sql: string, sum: string) =>
    [sql, sql.replaceAll('\r\n', '\n'), sql.replaceAll(/\r?\n/g, '\r\n')].some((variant) => checksum(variant) === sum);
  const edited = local.filter((m) => applied.has(m.name) && !matches(m.sql, applied.get(m.name)!)).map((m) => m.name);
  if (edited.length) throw new EditedMigrationError(edited);
  return local.filter((m) => !applied.has(m.name)).map((m) => m.name);
}

/**
 * What start-up runs: the engine only when something is pending. The engine cannot apply anything
 * while another connection has an SQLite file open (it waits, then fails busy), so a restart of a
 * bot whose database is up to date must not need it. `apply` runs the engine: here by default, or
 * in a process of its own (migrateApart.ts, what `npm start` does); a PostgreSQL database stays
 * locked for it either way.
 */
export async function migrateIfNeeded(url: string, apply: (url: string) => Promise<string[]> = applyMigrations): Promise<string[]> {
  return withMigrationLock(url, async () => ((await unappliedMigrations(url)).length ? apply(url) : []));
}

/** Our own advisory lock key ("supportbot migrations"), apart from the one Prisma's engine may take inside. */
export const MIGRATION_LOCK_KEY = 7_372_840_611;

/**
 * Replicas starting together on one PostgreSQL migrate one at a time: the first applies, the others
 * wait for it and then find nothing pending. The lock is held on a connection of its own for the
 * whole check-and-apply, and is released by PostgreSQL if the process dies.
 */
async function withMigrationLock<T>(url: string, run: () => Promise<T>): Promise<T> {
  if (providerOf(url) !== 'postgresql') return run();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    return await run();
  } finally {
    await client.end();
  }
}

/** Applies the migrations not yet recorded in `_prisma_migrations`; returns their names. */
export async function applyMigrations(url: string): Promise<string[]> {
  return withEngine(url, async (engine, provider) => {
    const out = await engine.applyMigrations({ migrationsList: await listMigrations(provider), filters: noFilters });
    return out.appliedMigrationNames;
  });
}

/** The schema the newest committed migration leads to, or null when there is none. */
export async function latestSnapshot(provider: Provider): Promise<string | null> {
  const { baseDir, migrationDirectories } = await listMigrations(provider);
  const last = migrationDirectories.at(-1);
  return last ? readFile(path.join(baseDir, last.path, snapshotFile), 'utf8') : null;
}

function isEmptyScript(sql: string | null): boolean {
  return /^\s*(--[^\n]*\n?\s*)*$/.test(sql ?? '');
}

/**
 * SQL from the newest migration's snapshot (or nothing) to the current schema; '' when in sync.
 * The diff never touches the database, but the engine connects on start: `url` must answer.
 */
export async function nextMigrationSql(url: string): Promise<string> {
  const provider = providerOf(url);
  const bg = await loadRuntime();
  const target = { path: schemaPath(provider), content: await readFile(schemaPath(provider), 'utf8') };
  const previous = await latestSnapshot(provider);
  const engine = await bg.SchemaEngine.new(
    { datamodels: [[target.path, target.content]] },
    () => {},
    bindMigrationAwareSqlAdapterFactory(adapterFactory(url) as SqlMigrationAwareDriverAdapterFactory),
  );
  try {
    const result = await engine.diff({
      from: previous === null ? { tag: 'empty' } : { tag: 'schemaDatamodel', files: [{ path: target.path, content: previous }] },
      to: { tag: 'schemaDatamodel', files: [target] },
      script: true,
      exitCode: null,
      filters: noFilters,
    });
    return isEmptyScript(result.stdout) ? '' : (result.stdout ?? '');
  } finally {
    engine.free();
  }
}

/** SQL that would bring the live database at `url` to the schema; '' when it matches (SQLite only:
 * the engine cannot describe a PostgreSQL database through the pg adapter). */
export async function liveSchemaDrift(url: string): Promise<string> {
  return withEngine(url, async (engine, provider) => {
    const file = { path: schemaPath(provider), content: await readFile(schemaPath(provider), 'utf8') };
    const result = await engine.diff({
      from: { tag: 'schemaDatasource', files: [file], configDir: path.dirname(file.path) },
      to: { tag: 'schemaDatamodel', files: [file] },
      script: true,
      exitCode: null,
      filters: noFilters,
    });
    return isEmptyScript(result.stdout) ? '' : (result.stdout ?? '');
  });
}
