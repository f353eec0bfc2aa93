// Rotation gaps: an upcoming shift (within 14 days) that nobody can hold because every member is
// inactive that day (members' `from` / `until` dates in the config, the only notion of absence the
// rotation has) and no cover fills it. The periodic rotation check plans one job per such shift,
// keyed on the rotation and the shift's start, so each is told once; the job re-checks the gap and
// DMs the admins all of a rotation's newly found gaps in one message.
import type { SupportConfig } from '../config/supportConfig.js';
import { dutyAt, localInstant, type Override } from '../domain/rotation.js';
import type { JobHandlers } from '../jobs/scheduler.js';
import { scheduledKeys, scheduleJob } from '../jobs/scheduler.js';
import { rotationGapDm } from '../messages/rotationViews.js';
import { enqueueAll, type OutboxKind } from '../outbox/queue.js';
import { type Db, inTransaction, isUniqueViolation } from '../repos/db.js';
import { loadOverrides } from './duty.js';
import { allRotationRefs, type RotationRef } from './rotations.js';

export const ROTATION_GAP = 'rotation.gap';

const HORIZON_MS = 14 * 86_400_000;

interface Shift {
  from: Date;
  to: Date;
}

/** The shifts (or parts of them, between override edges) in [now, now + 14 days) that nobody holds. */
function gaps(ref: RotationRef, overrides: Override[], now: Date): Shift[] {
  const start = localInstant(ref.rotation.start, ref.rotation.timeZone).getTime();
  const end = now.getTime() + HORIZON_MS;
  const found: Shift[] = [];
  // Before the rotation starts nobody is meant to hold it: not a gap.
  for (let t = Math.max(now.getTime(), start); t < end; ) {
    const duty = dutyAt(ref.rotation, overrides, new Date(t));
    if (duty.user === null) found.push({ from: duty.from, to: duty.to });
    t = duty.to.getTime();
  }
  return found;
}

const gapKey = (rotationId: string, from: Date) => `${ROTATION_GAP}:${rotationId}:${from.toISOString()}`;

/** Plans a job for each gap not planned before; idempotent. */
export async function planRotationGapNotices(deps: { db: Db; config: SupportConfig }, now: Date): Promise<void> {
  if (deps.config.admins.length === 0) return;
  for (const ref of allRotationRefs(deps.config)) {
    const found = gaps(ref, await loadOverrides(deps.db, ref.rotation.id), now);
    if (!found.length) continue;
    try {
      await inTransaction(deps.db, async (tx) => {
        const keys = found.map((g) => gapKey(ref.rotation.id, g.from));
        const existing = new Set(await scheduledKeys(tx, keys));
        for (const g of found) {
          const dedupKey = gapKey(ref.rotation.id, g.from);
          if (existing.has(dedupKey)) continue;
          const payload = { rotationId: ref.rotation.id, from: g.from.toISOString(), to: g.to.toISOString() };
          await scheduleJob(tx, { kind: ROTATION_GAP, dueAt: now, payload, dedupKey });
        }
      });
    } catch (err) {
      // Another replica planned the same notice first.
      if (!isUniqueViolation(err)) throw err;
    }
  }
}

export function rotationGapJobHandlers(config: SupportConfig): JobHandlers {
  return {
    async [ROTATION_GAP](tx, jobs, now) {
      const messages: OutboxKind[] = [];
      for (const ref of allRotationRefs(config)) {
        const planned = jobs
          .map((j) => JSON.parse(j.payload) as { rotationId: string; from: string; to: string })
          .filter((p) => p.rotationId === ref.rotation.id);
        if (!planned.length) continue;
        // Still a gap now: a cover or a config change since planning may have filled it.
        const open = new Set(gaps(ref, await loadOverrides(tx, ref.rotation.id), now).map((g) => g.from.toISOString()));
        const shifts = planned.filter((p) => open.has(p.from)).map((p) => ({ from: new Date(p.from), to: new Date(p.to) }));
        if (!shifts.length) continue;
        const dm = rotationGapDm({ ...ref, shifts, timeZone: config.timeZone });
        messages.push(...config.admins.map((admin): OutboxKind => ({ kind: 'post', channel: admin, ...dm })));
      }
      await enqueueAll(tx, messages, { now });
    },
  };
}
