// A consistent copy of the SQLite database while the bot runs: SQLite's online backup API (through
// better-sqlite3) copies a snapshot page by page, WAL included, without stopping writers for long.
// PostgreSQL has pg_dump for this (docs/operations.md).
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Sqlite from 'better-sqlite3';
import { providerOf, sqlitePath } from './provider.js';

export interface BackupResult {
  source: string;
  target: string;
  pages: number;
}

/** Copies the SQLite database of `url` to `target` and checks the copy's integrity. */
export async function backupSqlite(url: string, target: string): Promise<BackupResult> {
  if (providerOf(url) !== 'sqlite') throw new Error('DATABASE_URL is PostgreSQL: back it up with pg_dump (see docs/operations.md)');
  const source = path.resolve(sqlitePath(url));
  mkdirSync(path.dirname(path.resolve(target)), { recursive: true });
  const db = new Sqlite(source, { readonly: true, fileMustExist: true });
  try {
    const { totalPages } = await db.backup(target);
    const copy = new Sqlite(target, { readonly: true });
    try {
      const check = copy.pragma('integrity_check', { simple: true });
      if (check !== 'ok') throw new Error(`the copy at ${target} failed SQLite's integrity check: ${String(check)}`);
    } finally {
      copy.close();
    }
    return { source, target: path.resolve(target), pages: totalPages };
  } finally {
    db.close();
  }
}
