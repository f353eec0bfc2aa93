// Database access for rollout stages and compare links: a deploy's stage history, appending a
// stage, and the deploy a new one replaces.
import type { Db, Tx } from './db.js';
import type { StageEntry } from '../domain/rollout.js';

/** A deploy's stages in the order they began. */
export async function stagesOf(db: Db | Tx, deployId: number): Promise<StageEntry[]> {
  const rows = await db.deployStage.findMany({ where: { deployId }, orderBy: [{ at: 'asc' }, { id: 'asc' }] });
  return rows.map((r) => ({ stage: r.stage, at: r.at }));
}

/**
 * Records that the deploy reached `stage` at `at` and makes it the current stage. False when that
 * stage was recorded before (a redelivery): nothing changes then.
 */
export async function appendStage(tx: Tx, deployId: number, stage: string, at: Date): Promise<boolean> {
  if (await tx.deployStage.findUnique({ where: { deployId_stage: { deployId, stage } } })) return false;
  await tx.deployStage.create({ data: { deployId, stage, at } });
  await tx.deploy.update({ where: { id: deployId }, data: { stage } });
  return true;
}

/**
 * The deploy running before one at `before`: the latest succeeded deploy of the service in the same
 * environment (a rolled-back or failed one never replaced what ran).
 */
export async function previousDeploy(db: Db | Tx, where: { service: string; environment: string; before: Date }) {
  return db.deploy.findFirst({
    where: { service: where.service, environment: where.environment, status: 'succeeded', deployedAt: { lt: where.before } },
    orderBy: [{ deployedAt: 'desc' }, { id: 'desc' }],
    select: { version: true, commit: true },
  });
}
