// Progressive deploys: the same deploy reported again at each rollout stage keeps one record and one
// announcement, edited in place to show each stage and when it began; a rollout that has not reached
// 100% in time is noted once in the announcement's thread by a durable job.
import type { SupportConfig } from '../config/supportConfig.js';
import { type Deploy, PRODUCTION } from '../domain/deploy.js';
import { isUnderWay, stallDueAt } from '../domain/rollout.js';
import { type JobHandlers, scheduleJob } from '../jobs/scheduler.js';
import { deployName, people } from '../messages/deployMessages.js';
import { rolloutStalledReply } from '../messages/deployRollout.js';
import { enqueue } from '../outbox/queue.js';
import type { Tx } from '../repos/db.js';
import { findDeploy } from '../repos/deploys.js';
import { appendStage, stagesOf } from '../repos/rollouts.js';
import { announcementKey, currentAnnouncement, deployView } from './deployView.js';

export const ROLLOUT_STALLED = 'deploy.rollout_stalled';

/**
 * Records a stage of a deploy; false when it was recorded before. The first stage of a production
 * rollout plans the stall check, once: its dedupKey names the deploy.
 */
export async function recordStage(tx: Tx, config: SupportConfig, deploy: Deploy, stage: string, at: Date): Promise<boolean> {
  const first = deploy.stage === null;
  if (!(await appendStage(tx, deploy.id, stage, at))) return false;
  if (first && deploy.environment === PRODUCTION && isUnderWay(stage)) {
    await scheduleJob(tx, {
      kind: ROLLOUT_STALLED,
      dueAt: stallDueAt(at, config.deploys.rolloutStallHours),
      payload: { deployId: deploy.id },
      dedupKey: `${ROLLOUT_STALLED}:${deploy.id}`,
    });
  }
  return true;
}

/** Edits the deploy's announcement to show it as it is now (production deploys are the announced ones). */
export async function editAnnouncement(tx: Tx, config: SupportConfig, deployId: number, now: Date): Promise<void> {
  const deploy = (await findDeploy(tx, deployId))!;
  if (deploy.environment !== PRODUCTION) return;
  const message = await currentAnnouncement(tx, config, deploy);
  await enqueue(
    tx,
    { kind: 'update', channel: config.channels.deploys, of: { dedupKey: announcementKey(deploy.id) }, ...message },
    { now, bulk: true },
  );
}

export function rolloutJobHandlers(config: SupportConfig): JobHandlers {
  return {
    async [ROLLOUT_STALLED](tx, jobs, now) {
      for (const job of jobs) {
        const { deployId } = JSON.parse(job.payload) as { deployId: number };
        const deploy = await findDeploy(tx, deployId);
        // Reached 100% or was rolled back in time: nothing to say.
        if (!deploy || !isUnderWay(deploy.stage)) continue;
        const current = (await stagesOf(tx, deploy.id)).at(-1)!;
        const view = deployView(config, deploy);
        const reply = rolloutStalledReply({
          deployName: deployName(view),
          stage: current.stage,
          since: current.at,
          hours: config.deploys.rolloutStallHours,
          timeZone: config.timeZone,
          people: people(view),
        });
        await enqueue(
          tx,
          { kind: 'post', channel: config.channels.deploys, thread: { dedupKey: announcementKey(deploy.id) }, ...reply },
          { now, bulk: true },
        );
      }
    },
  };
}
