// "Deploys outside the support window" for reports and the status page: production deploys in a
// period that were reported outside their service's deploy window, over all production deploys.
import type { Db, Tx } from './db.js';
import { type Tally, tallyProductionDeploys } from './deploys.js';

/** `outside`: production deploys outside their window (the numerator); `deploys`: all of them. */
export type WindowCount = Tally<'outside'>;

/** Over [from, to), overall and per service id; services without deploys are absent. */
export function outsideWindowCounts(
  db: Db | Tx,
  period: { from: Date; to: Date },
): Promise<WindowCount & { byService: Record<string, WindowCount> }> {
  return tallyProductionDeploys(db, period, 'outsideWindow', 'outside');
}
