// Bulk seeding for the benchmarks: multi-row INSERTs with bound parameters (Prisma's createMany
// takes minutes for the hundreds of thousands of rows seeded there). Columns left out take their defaults.
import type { Db } from '../../src/db/client.js';
import type { Provider } from '../../src/db/provider.js';

export async function insert(db: Db, provider: Provider, table: string, rows: Array<Record<string, unknown>>): Promise<void> {
  if (!rows.length) return;
  const columns = Object.keys(rows[0]!);
  const perStatement = Math.floor(30_000 / columns.length);
  for (let i = 0; i < rows.length; i += perStatement) {
    const chunk = rows.slice(i, i + perStatement);
    let n = 0;
    const tuple = () => `(${columns.map(() => (provider === 'postgresql' ? `$${++n}` : '?')).join(', ')})`;
    await db.$executeRawUnsafe(
      `INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) VALUES ${chunk.map(tuple).join(', ')}`,
      ...chunk.flatMap((r) => columns.map((c) => r[c])),
    );
  }
}

/** The median of a few timings. */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/**
 * Runs `bench` on SQLite, then on PostgreSQL when TEST_POSTGRES_URL names a server; only on the one
 * BENCH_DATABASE names (sqlite or postgresql) when set.
 */
export async function onEachDatabase(bench: (provider: Provider) => Promise<void>): Promise<void> {
  const only = process.env.BENCH_DATABASE;
  if (only && only !== 'sqlite' && only !== 'postgresql') throw new Error(`BENCH_DATABASE is sqlite or postgresql, not ${only}`);
  if (only !== 'postgresql') await bench('sqlite');
  if (only === 'sqlite') return;
  if (process.env.TEST_POSTGRES_URL) await bench('postgresql');
  else console.log('postgresql: skipped (set TEST_POSTGRES_URL to include it)');
}
