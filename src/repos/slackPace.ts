// The SlackPace table: per lane (see outbox/lanes.ts), the pacer's next slot and Slack's 429 pause,
// shared by every replica. Slots are taken with a conditional UPDATE on the value read, so two
// relays never take the same one.
import type { Db } from './db.js';
import { isUniqueViolation } from './db.js';

/** Attempts at taking a slot while other relays take the same lane's. */
const CONTENDED_TRIES = 5;

/** The lanes Slack has paused (429 Retry-After) beyond `now`, with the time each pause ends. */
export async function pausedLanes(db: Db, now: Date): Promise<Map<string, Date>> {
  const rows = await db.slackPace.findMany({ where: { pausedUntil: { gt: now } }, select: { lane: true, pausedUntil: true } });
  return new Map(rows.map((r) => [r.lane, r.pausedUntil!]));
}

/**
 * Takes the lane's next slot for a call at `now`: at most `burst` at once, then one every
 * `intervalMs` (GCRA: `nextAt` is when the lane would be idle again). Null when taken; otherwise the
 * time a call may try again (the next slot, or the end of Slack's pause).
 */
export async function takeSlot(db: Db, lane: string, rule: { intervalMs: number; burst: number }, now: Date): Promise<Date | null> {
  const t = now.getTime();
  for (let i = 0; i < CONTENDED_TRIES; i++) {
    const row = await db.slackPace.findUnique({ where: { lane } });
    if (!row) {
      try {
        await db.slackPace.create({ data: { lane, nextAt: new Date(t + rule.intervalMs) } });
        return null;
      } catch (err) {
        if (!isUniqueViolation(err)) throw err;
        continue;
      }
    }
    if (row.pausedUntil && row.pausedUntil > now) return row.pausedUntil;
    const free = row.nextAt.getTime() - (rule.burst - 1) * rule.intervalMs;
    if (free > t) return new Date(free);
    const { count } = await db.slackPace.updateMany({
      where: { lane, nextAt: row.nextAt },
      data: { nextAt: new Date(Math.max(row.nextAt.getTime(), t) + rule.intervalMs) },
    });
    if (count === 1) return null;
  }
  // Other relays keep taking this lane's slots: one of them sends; this one tries again a slot later.
  return new Date(t + rule.intervalMs);
}

/** Slack answered 429 for the lane: nothing goes into it before `until` (a longer pause already set stays). */
export async function pauseLane(db: Db, lane: string, until: Date, now: Date): Promise<void> {
  for (;;) {
    const { count } = await db.slackPace.updateMany({
      where: { lane, OR: [{ pausedUntil: null }, { pausedUntil: { lt: until } }] },
      data: { pausedUntil: until },
    });
    if (count === 1 || (await db.slackPace.count({ where: { lane } })) === 1) return;
    try {
      await db.slackPace.create({ data: { lane, nextAt: now, pausedUntil: until } });
      return;
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
    }
  }
}
