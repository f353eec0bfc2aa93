// How a stored deploy is shown: the view the messages render, and the channel announcement — the
// same rendering for the first post and for every edit as the rollout advances.
import type { SupportConfig } from '../config/supportConfig.js';
import type { Deploy } from '../domain/deploy.js';
import { formatDeployWindows } from '../domain/deployWindow.js';
import { deployAnnouncement, type DeployView } from '../messages/deployMessages.js';
import type { Db, Tx } from '../repos/db.js';
import { stagesOf } from '../repos/rollouts.js';
import { openTicketsOnService } from '../repos/tickets.js';
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
    status: d.status,
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
  const open = await openTicketsOnService(db, deploy.service);
  return deployAnnouncement(
    deployView(config, deploy, await stagesOf(db, deploy.id)),
    open.map((t) => ({ id: t.id, priority: t.priority, title: t.title })),
  );
}
