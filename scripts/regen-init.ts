// While nothing is released, the schema has one migration; this rewrites it from the schema
// (fixed folder name, so concurrent runs overwrite rather than add). Once a release has applied
// it somewhere, add migrations with `npm run db:migration -- <name>` instead.
import { mkdirSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import path from 'node:path';
import { migrationsDir, nextMigrationSql, schemaPath, snapshotFile } from '../src/db/migrate.js';

const pgUrl = process.env.POSTGRES_URL ?? 'postgresql://supportbot:supportbot@127.0.0.1:5432/supportbot';
for (const [provider, url] of [
  ['sqlite', 'file::memory:'],
  ['postgresql', pgUrl],
] as const) {
  rmSync(migrationsDir(provider), { recursive: true, force: true });
  mkdirSync(migrationsDir(provider), { recursive: true });
  const dir = path.join(migrationsDir(provider), '20261122000000_init');
  const sql = await nextMigrationSql(url);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'migration.sql'), sql);
  copyFileSync(schemaPath(provider), path.join(dir, snapshotFile));
  writeFileSync(path.join(migrationsDir(provider), 'migration_lock.toml'), `provider = "${provider}"\n`);
  console.log(`${provider}: rewrote ${dir}`);
}
