// Compare old vs new: a service's compare template filled in with a new deploy and the one it replaces.
import type { SupportConfig } from '../config/supportConfig.js';
import { expandCompareUrl } from '../domain/compareUrl.js';
import type { DeployInput } from '../domain/deploy.js';
import type { Tx } from '../repos/db.js';
import { previousDeploy } from '../repos/rollouts.js';

/** The filled-in link, or null when the service has no template or a value it names is missing. */
export async function compareUrlFor(tx: Tx, config: SupportConfig, input: DeployInput, deployedAt: Date): Promise<string | null> {
  const template = config.services[input.service]?.compare;
  if (!template) return null;
  const previous = await previousDeploy(tx, { service: input.service, environment: input.environment, before: deployedAt });
  return expandCompareUrl(template, {
    service: input.service,
    version: input.version,
    commit: input.commit,
    previous: previous?.version ?? null,
    previousCommit: previous?.commit ?? null,
  });
}
