// Handoff announcements. Nothing is scheduled per handoff: a check, run every minute (app/lifecycle.ts)
// and once at start-up, compares who holds each rotation now (pure maths over the config and the
// stored overrides, read at the injected clock's time) with the last change it announced
// (HandoffState). Handoffs missed while the bot was down are therefore caught up on the next
// check, once, and after a long outage only the latest change per rotation is announced.
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import type { SupportConfig } from '../config/supportConfig.js';
import { type Db, inTransaction, isUniqueViolation, type Tx } from '../repos/db.js';
import { advanceHandoffState, createHandoffState, handoffState, pendingHandoffNotes, takeHandoffNotes } from '../repos/rotations.js';
import { countOpenTickets, openTickets } from '../repos/tickets.js';
import { dutyAt, handoffsBetween } from '../domain/rotation.js';
import { loadOverrides } from './duty.js';
import { allRotationRefs, type RotationRef } from './rotations.js';
import { ticketView } from './tickets.js';
import { ticketLine } from '../messages/home.js';
import { enqueue } from '../outbox/queue.js';
import { handoffAnnouncement, handoffDm, type HandoffView } from '../messages/rotationViews.js';

export interface HandoffDeps {
  db: Db;
  config: SupportConfig;
  clock: Clock;
  log: Logger;
  /** Delivers queued Slack messages now. */
  kick(): void;
}

export type CheckOutcome = 'baseline' | 'announced' | 'unchanged' | 'taken by another process';

/** Open tickets shown in an announcement; the rest are counted. */
const TICKETS_SHOWN = 15;

/** What a handoff message shows; the notes are marked as shown unless only peeking (a reminder before the shift). */
export async function handoffView(
  tx: Tx,
  deps: Pick<HandoffDeps, 'config'>,
  ref: RotationRef,
  change: { at: Date; user: string | null; previous: string | null },
  now: Date,
  notesAre: 'shown' | 'peeked' = 'shown',
): Promise<HandoffView> {
  const [tickets, total] = await Promise.all([
    openTickets(tx, { ...(ref.services ? { services: ref.services } : {}), take: TICKETS_SHOWN }),
    countOpenTickets(tx, ref.services),
  ]);
  const notes = notesAre === 'shown' ? await takeHandoffNotes(tx, ref.rotation.id, now) : await pendingHandoffNotes(tx, ref.rotation.id);
  return {
    title: ref.title,
    role: ref.role,
    configPath: ref.configPath,
    ...change,
    tickets: tickets.map((t) => ticketLine(ticketView(deps.config, t, now))),
    moreTickets: total - tickets.length,
    notes,
    ...(ref.rotation.usergroupId ? { usergroupId: ref.rotation.usergroupId } : {}),
    timeZone: deps.config.timeZone,
  };
}

/** The group holds exactly the person on duty; Slack cannot empty a group, so "nobody" leaves it. */
async function syncUsergroup(tx: Tx, ref: RotationRef, user: string | null, key: string, now: Date): Promise<void> {
  if (!user || !ref.rotation.usergroupId) return;
  await enqueue(
    tx,
    { kind: 'call', method: 'usergroups.users.update', args: { usergroup: ref.rotation.usergroupId, users: user } },
    { now, dedupKey: `${key}:usergroup` },
  );
}

/**
 * One rotation: announce its latest duty change since the last one announced, if any. The first
 * check ever only records who holds it (and syncs the user group): nothing was missed yet.
 */
export async function checkRotation(deps: HandoffDeps, ref: RotationRef): Promise<CheckOutcome> {
  const { rotation } = ref;
  const now = deps.clock.now();
  try {
    return await inTransaction(deps.db, async (tx): Promise<CheckOutcome> => {
      const state = await handoffState(tx, rotation.id);
      // Only overrides overlapping (last announced, now] can matter; the table only grows.
      const overrides = await loadOverrides(tx, rotation.id, { from: state?.announcedAt ?? now, to: new Date(now.getTime() + 1) });
      const holder = dutyAt(rotation, overrides, now).user;
      if (!state) {
        await createHandoffState(tx, rotation.id, now, holder);
        const key = `handoff:${rotation.id}:${now.toISOString()}:baseline`;
        await syncUsergroup(tx, ref, holder, key, now);
        if (!holder) {
          const view = await handoffView(tx, deps, ref, { at: now, user: null, previous: null }, now);
          await enqueue(tx, { kind: 'post', channel: deps.config.channels.support, ...handoffAnnouncement(view) }, { now, dedupKey: key });
        }
        return 'baseline';
      }
      const latest = handoffsBetween(rotation, overrides, state.announcedAt, now).at(-1);
      // No change instant but a different holder: the config or a back-dated override moved duty.
      if (!latest && holder === state.userId) return 'unchanged';
      const at = latest?.at ?? now;
      // Conditional on what was read, so of several replicas exactly one announces.
      if (!(await advanceHandoffState(tx, rotation.id, state.announcedAt, { announcedAt: at, userId: holder })))
        return 'taken by another process';
      // Duty went round while the bot was down and is back with the person announced last.
      if (holder === state.userId) return 'unchanged';
      const view = await handoffView(tx, deps, ref, { at, user: holder, previous: latest?.previous ?? state.userId }, now);
      // The holder is part of the key: a cover can start at the very instant of another change.
      const key = `handoff:${rotation.id}:${at.toISOString()}:${holder ?? 'nobody'}`;
      await enqueue(tx, { kind: 'post', channel: deps.config.channels.support, ...handoffAnnouncement(view) }, { now, dedupKey: key });
      if (holder) await enqueue(tx, { kind: 'post', channel: holder, ...handoffDm(view) }, { now, dedupKey: `${key}:dm` });
      await syncUsergroup(tx, ref, holder, key, now);
      return 'announced';
    });
  } catch (err) {
    // Another replica created the same state row or announcement first: it is done.
    if (isUniqueViolation(err)) {
      deps.log.warn({ rotation: rotation.id }, 'handoff already recorded by another process');
      return 'taken by another process';
    }
    throw err;
  }
}

/** Checks every rotation once; whether anything was announced (or a baseline recorded). */
export async function checkHandoffs(deps: HandoffDeps): Promise<boolean> {
  let announced = false;
  for (const ref of allRotationRefs(deps.config)) {
    try {
      const outcome = await checkRotation(deps, ref);
      if (outcome !== 'unchanged') deps.log.debug({ rotation: ref.rotation.id, outcome }, 'handoff check');
      announced ||= outcome === 'announced' || outcome === 'baseline';
    } catch (err) {
      // One broken rotation must not keep the others from handing off.
      deps.log.error({ err, rotation: ref.rotation.id }, 'handoff check failed');
    }
  }
  if (announced) deps.kick();
  return announced;
}
