// How a stored deploy is shown: the view the messages render, and the channel announcement — the
// same rendering for the first post and for every edit as the rollout advances.
import type { SupportConfig } from '../config/supportConfig.js';
import type { Db, Tx } from '../db/client.js';
import type { DeployStatus } from '../domain/deploy.js';
import { formatDeployWindows } from '../domain/deployWindow.js';
import type { Deploy } from '../generated/sqlite/client.js';
import { stagesOf } from '../repos/rollouts.js';
import { deployAnnouncement, type DeployView } from '../slack/views/deployMessages.js';
import { windowsFor } from './deployWindows.js';
import { serviceName } from './tickets.js';

/** The dedupKey of a deploy's announcement; its thread receives the rollback and suspect notes. */
export const announcementKey = (deployId: number) => `deploy:${deployId}:announce`;

export function deployView(config: SupportConfig, d: Deploy, stages: DeployView['stages'] = []): DeployView {
  return {
    id: d.id,
    serviceName: serviceName(config, d.service),
    version: d.version,
    commit: d.commit,
    author: d.author,
    mergedBy: d.mergedBy,
    url: d.url,
    environment: d.environment,
    status: d.status as DeployStatus,
    deployedAt: d.deployedAt,
    timeZone: config.timeZone,
    stages,
    stage: d.stage,
    compareUrl: d.compareUrl,
    outsideWindow: d.outsideWindow ? formatDeployWindows(windowsFor(config, d.service)) : null,
  };
}

/** The announcement of a deploy as it stands now: its stages so far and the open tickets on its service. */
export async function currentAnnouncement(db: Db | Tx, config: SupportConfig, deploy: Deploy) {
  const open = await db.ticket.findMany({
    where: { service: deploy.service, status: { not: 'resolved' } },
    orderBy: { id: 'asc' },
    select: { id: true, priority: true, title: true },
  });
  return deployAnnouncement(deployView(config, deploy, await stagesOf(db, deploy.id)), open);
}
