// Who holds a rotation at an instant: the pure rotation maths applied to the configured rotation
// and the overrides stored in the database. Shared by routing, handoffs, paging and escalation.
import type { SupportConfig, RotationConfig } from '../config/supportConfig.js';
import { type Duty, dutyAt, escalationChain } from '../domain/rotation.js';
import type { Db, Tx } from '../repos/db.js';
import { loadOverrides } from '../repos/rotations.js';

export { loadOverrides };

export const ONCALL_ROTATION = 'oncall';

/** The gardener rotation of the squad owning a service, if any. */
export function gardenerRotationForService(config: SupportConfig, serviceId: string): RotationConfig | undefined {
  const squad = config.services[serviceId]?.squad;
  return squad ? config.squads[squad]?.gardener : undefined;
}

export async function onDuty(db: Db | Tx, rotation: RotationConfig, at: Date): Promise<Duty> {
  return dutyAt(rotation, await loadOverrides(db, rotation.id), at);
}

/** The on-duty person first, then who to page next if they do not answer. */
export async function pagingChain(db: Db | Tx, rotation: RotationConfig, at: Date, length: number): Promise<string[]> {
  return escalationChain(rotation, await loadOverrides(db, rotation.id), at, length);
}
