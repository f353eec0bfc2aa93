// "Deploys outside the support window" for reports and the status page: production deploys in a
// period that were reported outside their service's deploy window, over all production deploys.
import type { Db, Tx } from '../db/client.js';
import { PRODUCTION } from '../domain/deploy.js';

export interface WindowCount {
  /** Production deploys outside their window (the numerator). */
  outside: number;
  /** All production deploys (the denominator). */
  deploys: number;
}

/** Over [from, to), overall and per service id; services without deploys are absent. */
export async function outsideWindowCounts(
  db: Db | Tx,
  period: { from: Date; to: Date },
): Promise<WindowCount & { byService: Record<string, WindowCount> }> {
  const groups = await db.deploy.groupBy({
    by: ['service', 'outsideWindow'],
    where: { environment: PRODUCTION, deployedAt: { gte: period.from, lt: period.to } },
    _count: { _all: true },
  });
  const byService: Record<string, WindowCount> = {};
  for (const g of groups) {
    const s = byService[g.service] ?? { outside: 0, deploys: 0 };
    s.deploys += g._count._all;
    if (g.outsideWindow) s.outside += g._count._all;
    byService[g.service] = s;
  }
  const all = Object.values(byService);
  return { outside: all.reduce((n, s) => n + s.outside, 0), deploys: all.reduce((n, s) => n + s.deploys, 0), byService };
}
