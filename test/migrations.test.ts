import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { openDatabase } from '../src/db/client.js';
import { derivePostgresSchema } from '../src/db/deriveSchema.js';
import { applyMigrations, latestSnapshot, liveSchemaDrift, migrateIfNeeded, schemaPath, unappliedMigrations } from '../src/db/migrate.js';
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
