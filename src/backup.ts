// `npm run backup [-- <file>]`: an online copy of the SQLite database named by DATABASE_URL (the
// bot may keep running), by default to ./backups/supportbot-<UTC time>.db. Needs no Slack settings.
import { existsSync } from 'node:fs';
import { systemClock } from './clock.js';
import { backupSqlite } from './db/backup.js';

if (existsSync('.env')) process.loadEnvFile('.env');
const url = process.env.DATABASE_URL?.trim() || 'file:./data/supportbot.db';
const stamp = systemClock.now().toISOString().replace(/[:.]/g, '-');
const target = process.argv[2] ?? `./backups/supportbot-${stamp}.db`;
try {
  const { source, target: written, pages } = await backupSqlite(url, target);
  process.stdout.write(`backed up ${source} to ${written} (${pages} pages, integrity ok)\n`);
} catch (err) {
  process.stderr.write(`supportbot backup failed: ${(err as Error).message}\n`);
  process.exit(1);
}
