// Shift reminders: the incoming person is DMed `reminderHours` before their shift with the open
// tickets and the handoff notes so far. The periodic rotation check (with the handoff check) plans
// one durable job per shift a day ahead of its due time; the dedupKey names the rotation, the
// shift's start and its holder, so each shift is reminded once, also after a restart, and a cover
// that changes the holder plans a reminder for the new one. When the job runs it checks that the
// person still holds that shift and that it has not started.
import type { SupportConfig } from '../config/supportConfig.js';
import { dutyAt, nextHandoffs } from '../domain/rotation.js';
import type { JobHandlers } from '../jobs/scheduler.js';
import { scheduledKeys, scheduleJob } from '../jobs/scheduler.js';
import { shiftReminderDm } from '../messages/rotationViews.js';
import { enqueue } from '../outbox/queue.js';
import { type Db, inTransaction, isUniqueViolation } from '../repos/db.js';
import { loadOverrides } from './duty.js';
import { handoffView } from './handoffs.js';
import { allRotationRefs } from './rotations.js';

export const SHIFT_REMINDER = 'shift.reminder';

const HOUR = 3_600_000;
/** Reminders are planned this long before they are due, so that a restart at that time finds them. */
const PLAN_AHEAD_MS = 24 * HOUR;
/** More shift starts than fit in a week plus the planning window of any configured rotation. */
const SHIFTS_LOOKED_AT = 30;

interface Payload {
  rotationId: string;
  at: string;
  user: string;
}

/** Plans the reminders coming due within the planning window; idempotent. */
export async function planShiftReminders(deps: { db: Db; config: SupportConfig }, now: Date): Promise<void> {
  for (const ref of allRotationRefs(deps.config)) {
    const lead = ref.rotation.reminderHours * HOUR;
    if (lead === 0) continue;
    const overrides = await loadOverrides(deps.db, ref.rotation.id);
    const horizon = now.getTime() + PLAN_AHEAD_MS + lead;
    const shifts = nextHandoffs(ref.rotation, overrides, now, SHIFTS_LOOKED_AT).filter(
      (s): s is { at: Date; user: string } => s.user !== null && s.at.getTime() <= horizon,
    );
    const planned = shifts.map((s) => ({ ...s, key: `${SHIFT_REMINDER}:${ref.rotation.id}:${s.at.toISOString()}:${s.user}` }));
    try {
      await inTransaction(deps.db, async (tx) => {
        const existing = new Set(
          await scheduledKeys(
            tx,
            planned.map((p) => p.key),
          ),
        );
        for (const p of planned.filter((x) => !existing.has(x.key))) {
          const payload: Payload = { rotationId: ref.rotation.id, at: p.at.toISOString(), user: p.user };
          await scheduleJob(tx, { kind: SHIFT_REMINDER, dueAt: new Date(p.at.getTime() - lead), payload: { ...payload }, dedupKey: p.key });
        }
      });
    } catch (err) {
      // Another replica planned the same reminder first.
      if (!isUniqueViolation(err)) throw err;
    }
  }
}

export function shiftReminderJobHandlers(config: SupportConfig): JobHandlers {
  return {
    async [SHIFT_REMINDER](tx, jobs, now) {
      for (const job of jobs) {
        const p = JSON.parse(job.payload) as Payload;
        const ref = allRotationRefs(config).find((r) => r.rotation.id === p.rotationId);
        const at = new Date(p.at);
        // Started already (the bot was down): the handoff DM says it all now.
        if (!ref || at <= now) continue;
        const overrides = await loadOverrides(tx, ref.rotation.id);
        const shift = dutyAt(ref.rotation, overrides, at);
        if (shift.user !== p.user) continue;
        const previous = dutyAt(ref.rotation, overrides, new Date(at.getTime() - 1)).user;
        const view = await handoffView(tx, { config }, ref, { at, user: p.user, previous }, now, 'peeked');
        const until = nextHandoffs(ref.rotation, overrides, at, 1)[0]?.at ?? null;
        await enqueue(
          tx,
          { kind: 'post', channel: p.user, ...shiftReminderDm({ ...view, until }) },
          { now, dedupKey: job.dedupKey ?? undefined },
        );
      }
    },
  };
}
