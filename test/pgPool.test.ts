// A PostgreSQL connection the server ends while the pool is handing it out must not end the process
// (src/db/pgPool.ts): the error reaches its user as a failed query, and the pool drops it.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { pgPoolConfig } from '../src/db/pgPool.js';
import { createTestDatabaseUrl } from './support/harness.js';

describe('the PostgreSQL pool', { skip: process.env.TEST_DATABASE !== 'postgresql' && 'PostgreSQL only' }, () => {
  let database: Awaited<ReturnType<typeof createTestDatabaseUrl>>;
  let pool: pg.Pool;
  before(async () => {
    database = await createTestDatabaseUrl('postgresql');
    pool = new pg.Pool(pgPoolConfig(database.url));
  });
  after(async () => {
    await pool.end();
    await database.drop();
  });

  it('hands out connections whose error has a listener before their user attaches one', async () => {
    const client = await pool.connect();
    // pg-pool took its own listener off as it handed the connection out.
    assert.doesNotThrow(() => client.emit('error', new Error('terminating connection due to administrator command')));
    client.release(true);
  });

  it('a connection ended by the server fails its next query, and the pool drops it', async () => {
    const client = await pool.connect();
    const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    const admin = new pg.Client({ connectionString: process.env.TEST_POSTGRES_URL });
    await admin.connect();
    await admin.query('SELECT pg_terminate_backend($1)', [rows[0]!.pid]);
    await admin.end();
    await assert.rejects(async () => {
      // The server's message may still be on its way: ask until the connection says it is gone.
      for (let i = 0; i < 100; i++) {
        await client.query('SELECT 1');
        await new Promise((r) => setTimeout(r, 10));
      }
    });
    client.release();
    assert.equal(pool.totalCount, 0, 'the ended connection left the pool');
    assert.equal((await pool.query<{ one: number }>('SELECT 1 AS one')).rows[0]!.one, 1, 'a new connection serves');
  });
});
