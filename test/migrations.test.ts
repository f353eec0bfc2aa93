import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { openDatabase } from '../src/db/client.js';
import { derivePostgresSchema } from '../src/db/deriveSchema.js';
import pg from 'pg';
import {
  applyMigrations,
  EditedMigrationError,
  latestSnapshot,
  liveSchemaDrift,
  MIGRATION_LOCK_KEY,
  migrateIfNeeded,
  schemaPath,
  unappliedMigrations,
} from '../src/db/migrate.js';
import { applyMigrationsApart } from '../src/db/migrateApart.js';
import { providerOf } from '../src/db/provider.js';
import { createTestDatabaseUrl } from './support/harness.js';

describe('one schema, two providers', () => {
  it('the PostgreSQL schema is derived from the SQLite one (run npm run db:derive after editing)', () => {
    assert.equal(readFileSync('prisma/postgres/schema.prisma', 'utf8'), derivePostgresSchema(readFileSync('prisma/schema.prisma', 'utf8')));
  });

  for (const provider of ['sqlite', 'postgresql'] as const) {
    it(`the newest ${provider} migration leads to the current schema (run npm run db:migration after editing)`, async () => {
      assert.equal(await latestSnapshot(provider), readFileSync(schemaPath(provider), 'utf8'));
    });
  }

  it('refuses a DATABASE_URL of another kind, naming it', () => {
    assert.throws(() => providerOf('mysql://x'), /DATABASE_URL must start with "file:" \(SQLite\) or "postgresql:\/\/"/);
  });
});

describe('migrations on start', () => {
  it('apply to an empty database once, then nothing; the result matches the schema', async () => {
    const { url, drop } = await createTestDatabaseUrl();
    try {
      assert.ok((await unappliedMigrations(url)).length >= 1);
      const first = await applyMigrations(url);
      assert.ok(first.length >= 1);
      assert.deepEqual(await applyMigrations(url), []);
      if (providerOf(url) === 'sqlite') assert.equal(await liveSchemaDrift(url), '');
      const { db, close } = await openDatabase(url);
      // A restart while another connection holds the database needs no migration engine.
      assert.deepEqual(await unappliedMigrations(url), []);
      assert.deepEqual(await migrateIfNeeded(url), []);
      const t = await db.ticket.create({
        data: {
          title: 't',
          description: 'd',
          priority: 'P1',
          service: 's',
          reporterId: 'U1',
          channelId: 'C1',
          createdAt: new Date(),
          updatedAt: new Date(),
          slaStartedAt: new Date(),
        },
      });
      assert.equal(t.id, 1);
      await close();
    } finally {
      await drop();
    }
  });
});

describe('migrations in a process of their own (what npm start does)', () => {
  it('apply once, then nothing, while this process only reads _prisma_migrations', async () => {
    const { url, drop } = await createTestDatabaseUrl();
    try {
      const pending = await unappliedMigrations(url);
      assert.ok(pending.length >= 1);
      assert.deepEqual(await migrateIfNeeded(url, applyMigrationsApart), pending);
      assert.deepEqual(await unappliedMigrations(url), []);
      assert.deepEqual(await applyMigrationsApart(url), []);
      if (providerOf(url) === 'sqlite') assert.equal(await liveSchemaDrift(url), '');
    } finally {
      await drop();
    }
  });
});

describe('the migration check', () => {
  it('refuses to start when an applied migration was edited since, naming it, without the engine', async () => {
    const { url, drop } = await createTestDatabaseUrl();
    try {
      const [firstName] = await migrateIfNeeded(url);
      const { db, close } = await openDatabase(url);
      // What an edited migration.sql looks like from the database: its checksum no longer matches.
      await db.$executeRawUnsafe(`UPDATE _prisma_migrations SET checksum = 'edited' WHERE migration_name = '${firstName}'`);
      await close();
      const refused = await migrateIfNeeded(url).catch((err: unknown) => err);
      assert.ok(refused instanceof EditedMigrationError);
      assert.match(refused.message, new RegExp(`Migration ${firstName} was edited after it was applied`));
    } finally {
      await drop();
    }
  });

  for (const [where, apply] of [
    ['in this process', applyMigrations],
    ['in a process of its own', applyMigrationsApart],
  ] as const)
    it(`passes the engine's own error on (a migration that failed half-way), ${where}`, async () => {
      const { url, drop } = await createTestDatabaseUrl();
      try {
        const applied = await migrateIfNeeded(url);
        const { db, close } = await openDatabase(url);
        await db.$executeRawUnsafe(`UPDATE _prisma_migrations SET finished_at = NULL WHERE migration_name = '${applied.at(-1)}'`);
        await close();
        await assert.rejects(migrateIfNeeded(url, apply), (err: Error) => {
          assert.match(err.message, /failed migrations/);
          assert.match(err.message, new RegExp(applied.at(-1)!));
          return true;
        });
      } finally {
        await drop();
      }
    });
});

describe('migrations on start with several replicas (PostgreSQL)', { skip: process.env.TEST_DATABASE !== 'postgresql' }, () => {
  it('wait for the advisory lock, so replicas starting together migrate once', async () => {
    const { url, drop } = await createTestDatabaseUrl('postgresql');
    const holder = new pg.Client({ connectionString: url });
    await holder.connect();
    try {
      // Another replica is migrating: it holds the lock.
      await holder.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
      let settled = false;
      const starting = migrateIfNeeded(url).finally(() => (settled = true));
      const waiting = async () =>
        (await holder.query("SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")).rows[0].n as number;
      for (let i = 0; i < 200 && (await waiting()) === 0 && !settled; i++) await new Promise((r) => setTimeout(r, 25));
      assert.equal(settled, false, 'the starting replica did not migrate while the lock was held');
      assert.equal(await waiting(), 1, 'it waits for the lock');
      await holder.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
      assert.ok((await starting).length >= 1, 'then it applies the migrations');
      // Three at once, each applying in a process of its own as npm start does (the lock is the
      // parent's): one applies, the others find nothing pending; none fails.
      const { url: fresh, drop: dropFresh } = await createTestDatabaseUrl('postgresql');
      try {
        const start = () => migrateIfNeeded(fresh, applyMigrationsApart);
        const applied = await Promise.all([start(), start(), start()]);
        assert.deepEqual(applied.map((names) => names.length > 0).sort(), [false, false, true]);
      } finally {
        await dropFresh();
      }
    } finally {
      await holder.end();
      await drop();
    }
  });
});
