// Who opened the bot's App Home and when: the people a ticket change republishes the dashboard for.
import type { Db, Tx } from './db.js';

type Reader = Db | Tx;

export async function recordHomeViewer(tx: Reader, userId: string, openedAt: Date): Promise<void> {
  await tx.homeViewer.upsert({ where: { userId }, create: { userId, openedAt }, update: { openedAt } });
}

/** The people who opened Home at or after `since`, the most recent first, at most `take`. */
export async function recentHomeViewers(db: Reader, since: Date, take: number): Promise<string[]> {
  const rows = await db.homeViewer.findMany({
    where: { openedAt: { gte: since } },
    orderBy: [{ openedAt: 'desc' }, { userId: 'asc' }],
    take,
    select: { userId: true },
  });
  return rows.map((r) => r.userId);
}
