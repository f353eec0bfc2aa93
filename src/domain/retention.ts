// How long finished bookkeeping rows are kept, and when the daily prune runs. Pure.
import { TZDate } from '@date-fns/tz';
// Per-function entry points: the package index loads every function (about 15 MB of RSS).
import { addDays } from 'date-fns/addDays';
import { set } from 'date-fns/set';

const DAY = 86_400_000;

export const RETENTION = {
  /** Slack retries a delivery within minutes; two days is far past any retry. */
  deliveryDays: 2,
  /** Done and cancelled jobs: their dedup keys only guard instants long past. */
  jobDays: 30,
  /** Sent or given-up messages: kept a month to read back what was sent when. */
  messageDays: 30,
  /** Messages referred to by key (a deploy announcement edited or replied under later). */
  keyedMessageDays: 180,
} as const;

export function retentionCutoffs(now: Date) {
  const before = (days: number) => new Date(now.getTime() - days * DAY);
  return {
    deliveriesBefore: before(RETENTION.deliveryDays),
    jobsBefore: before(RETENTION.jobDays),
    messagesBefore: before(RETENTION.messageDays),
    keyedMessagesBefore: before(RETENTION.keyedMessageDays),
  };
}

/** The next prune: 03:30 in the configured zone, a quiet hour, strictly after `now`. */
export function nextPruneAt(now: Date, timeZone: string): Date {
  const local = new TZDate(now.getTime(), timeZone);
  const today = set(local, { hours: 3, minutes: 30, seconds: 0, milliseconds: 0 });
  return new Date((today.getTime() > now.getTime() ? today : addDays(today, 1)).getTime());
}
