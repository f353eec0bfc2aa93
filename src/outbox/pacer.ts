// Holds the relay's calls to Slack's rate limits before Slack has to say 429: each message's lanes
// (lanes.ts) must be free of a 429 pause and, when paced, have a slot. Shared by every replica
// through the SlackPace table.
import type { Db } from '../repos/db.js';
import { pausedLanes, pauseLane, takeSlot } from '../repos/slackPace.js';
import { methodOfLane, type PaceRules } from './lanes.js';

/** One pass's view of the lanes: Slack's pauses read once, then slots taken message by message. */
export interface LaneGate {
  /** Null: the message may go now (its paced lanes' slots are taken). Otherwise when to try it again. */
  admit(lanes: string[]): Promise<Date | null>;
}

export class Pacer {
  /** Lanes this process found paused or full, until when: no need to ask the database again. */
  private readonly busy = new Map<string, Date>();

  constructor(
    private readonly db: Db,
    private readonly rules: PaceRules,
  ) {}

  async gate(now: Date): Promise<LaneGate> {
    for (const [lane, until] of this.busy) if (until <= now) this.busy.delete(lane);
    for (const [lane, until] of await pausedLanes(this.db, now)) this.busy.set(lane, until);
    return {
      admit: async (lanes) => {
        for (const lane of lanes) {
          const until = this.busy.get(lane);
          if (until && until > now) return until;
        }
        for (const lane of lanes) {
          const rule = this.rules[methodOfLane(lane)];
          const until = rule ? await takeSlot(this.db, lane, rule, now) : null;
          if (until) {
            this.busy.set(lane, until);
            return until;
          }
        }
        return null;
      },
    };
  }

  /** Slack answered 429 with Retry-After: nothing goes into `lane` before `until`, from any replica. */
  async pause(lane: string, until: Date, now: Date): Promise<void> {
    this.busy.set(lane, until);
    await pauseLane(this.db, lane, until, now);
  }
}
