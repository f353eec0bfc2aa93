// Deploy windows applied to a service: which windows hold for it, whether a deploy is outside them,
// and telling the squad's gardener and the on-call person once when one is.
import type { SupportConfig } from '../config/supportConfig.js';
import { formatDeployWindows, insideDeployWindows, type DeployWindow } from '../domain/deployWindow.js';
import { outsideWindowReply } from '../messages/deployRollout.js';
import { enqueue } from '../outbox/queue.js';
import type { Tx } from '../repos/db.js';
import { gardenerRotationForService, onDuty } from './duty.js';

/** The service's own windows, else the company's; empty means every time is inside. */
export function windowsFor(config: SupportConfig, service: string): DeployWindow[] {
  return config.services[service]?.deployWindows ?? config.deploys.windows;
}

/** The label of the service's windows ("Mon–Thu 10:00–16:00"). */
export function windowsLabel(config: SupportConfig, service: string): string {
  return formatDeployWindows(windowsFor(config, service));
}

/** The label of the service's windows when `at` is outside them ("Mon–Thu 10:00–16:00"), else null. */
export function outsideWindowLabel(config: SupportConfig, service: string, at: Date): string | null {
  return insideDeployWindows(windowsFor(config, service), at, config.timeZone) ? null : windowsLabel(config, service);
}

/** Mentions who is on duty now — the service squad's gardener and the on-call person — in the announcement's thread. */
export async function tellDutyOutsideWindow(
  tx: Tx,
  config: SupportConfig,
  f: { service: string; deployName: string; windowLabel: string; threadKey: string; now: Date },
): Promise<void> {
  const gardenerRotation = gardenerRotationForService(config, f.service);
  const gardener = gardenerRotation ? (await onDuty(tx, gardenerRotation, f.now)).user : null;
  const oncall = config.oncall ? (await onDuty(tx, config.oncall, f.now)).user : null;
  await enqueue(
    tx,
    {
      kind: 'post',
      channel: config.channels.deploys,
      thread: { dedupKey: f.threadKey },
      ...outsideWindowReply({ deployName: f.deployName, windowLabel: f.windowLabel, gardener, oncall }),
    },
    { now: f.now, bulk: true },
  );
}
