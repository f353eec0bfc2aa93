// Writes the next migration for both providers from the schema: npm run db:migration -- <name>
// Each migration is the diff from the previous migration's schema snapshot; no database is changed.
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { migrationsDir, nextMigrationSql, schemaPath, snapshotFile } from '../src/db/migrate.js';

const name = process.argv[2];
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  console.error('usage: npm run db:migration -- <name_in_snake_case>');
  process.exit(2);
}
const pgUrl = process.env.POSTGRES_URL;
if (!pgUrl) {
  console.error('POSTGRES_URL must name a reachable PostgreSQL database (the engine connects on start; nothing is changed)');
  process.exit(2);
}
const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
for (const [provider, url] of [
  ['sqlite', 'file::memory:'],
  ['postgresql', pgUrl],
] as const) {
  const sql = await nextMigrationSql(url);
  if (!sql) {
    console.log(`${provider}: no change`);
    continue;
  }
  const dir = path.join(migrationsDir(provider), `${stamp}_${name}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'migration.sql'), sql);
  copyFileSync(schemaPath(provider), path.join(dir, snapshotFile));
  writeFileSync(path.join(migrationsDir(provider), 'migration_lock.toml'), `provider = "${provider}"\n`);
  console.log(`${provider}: wrote ${dir}`);
}
