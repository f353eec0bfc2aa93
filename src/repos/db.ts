// The database handle as the use cases pass it around: they open transactions and hand them to the
// repositories, and never query it themselves.
import type { Db, Tx } from '../db/client.js';

export type { Db, Tx };

/** Runs `work` in one transaction: all of its writes commit together, or none. */
export function inTransaction<T>(db: Db, work: (tx: Tx) => Promise<T>): Promise<T> {
  return db.$transaction(work);
}

/** A write refused because a unique key is taken: another request or replica stored it first. */
export function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; meta?: { driverAdapterError?: { cause?: { kind?: string } } } };
  // P2002 from Prisma's model calls; a raw statement's (P2010) names the driver's kind instead.
  return e.code === 'P2002' || (e.code === 'P2010' && e.meta?.driverAdapterError?.cause?.kind === 'UniqueConstraintViolation');
}

/** Answers when the database does (health checks). */
export async function ping(db: Db): Promise<void> {
  await db.$queryRawUnsafe('SELECT 1');
}
