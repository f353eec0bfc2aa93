// Rotation use cases behind the /support commands: who is on duty, covers, swaps, handoff notes and
// the on-call pay report. A change is stored together with its announcements in one transaction,
// so it is never in force unannounced nor announced without being in force.
import type { Clock } from '../clock.js';
import type { RotationConfig, SupportConfig } from '../config/supportConfig.js';
import { type Db, inTransaction, type Tx } from '../repos/db.js';
import { addHandoffNotes, addOverride, pagesBetween } from '../repos/rotations.js';
import { isBusinessTime, nextBusinessBoundary } from '../domain/businessHours.js';
import { computeOnCallPay, monthRange, payCsv, type PayRow } from '../domain/pay.js';
import { dutyAt, dutySegments, nextHandoffs, type Duty, type Override } from '../domain/rotation.js';
import { coverRefusal, type RotationNames, swapRefusal } from '../domain/permissions.js';
import { fail, ok, type Result } from '../domain/result.js';
import type { TimeArg } from '../domain/rotation.js';
import { enqueue } from '../outbox/queue.js';
import {
  coverAnnouncement,
  swapAnnouncement,
  type DutyReportView,
  type Message,
  type RoleWords,
  type SwappedShift,
} from '../messages/rotationViews.js';
import { escapeMrkdwn } from '../messages/text.js';
import { loadOverrides, ONCALL_ROTATION } from './duty.js';
import { isAdmin } from './tickets.js';

export interface RotationDeps {
  db: Db;
  clock: Clock;
  config: SupportConfig;
  kick(): void;
  /** Runs the handoff check, so a change that starts now is announced and synced at once. */
  afterChange(): Promise<void>;
}

/** What reading who is on duty needs; a transaction will do (a job reads inside its own). */
export type DutyReader = Pick<RotationDeps, 'clock' | 'config'> & { db: Db | Tx };

/** A rotation with the words used to talk about it. */
export interface RotationRef extends RoleWords {
  rotation: RotationConfig;
  /** The services whose open tickets it answers for; undefined means all of them. */
  services?: string[];
}

const DAY = 86_400_000;
/** Longer covers are almost always a typo in the year; long absences belong in the member list. */
const MAX_COVER_MS = 92 * DAY;
/** How far ahead a swap looks for the other person's next shift. */
const SWAP_HORIZON_MS = 26 * 7 * DAY;

export function oncallRef(config: SupportConfig): RotationRef | undefined {
  return config.oncall && { rotation: config.oncall, title: 'On call', role: 'on call', configPath: 'oncall.members' };
}

export function gardenerRef(config: SupportConfig, squadId: string): RotationRef | undefined {
  const squad = config.squads[squadId];
  if (!squad?.gardener) return undefined;
  return {
    rotation: squad.gardener,
    title: `${squad.name} gardener`,
    role: `the ${squad.name} gardener`,
    configPath: `squads.${squadId}.gardener.members`,
    services: Object.values(config.services)
      .filter((s) => s.squad === squadId)
      .map((s) => s.id),
  };
}

export function allRotationRefs(config: SupportConfig): RotationRef[] {
  const gardeners = Object.keys(config.squads).map((id) => gardenerRef(config, id));
  return [oncallRef(config), ...gardeners].filter((r): r is RotationRef => r !== undefined);
}

/** The rotation a cover or swap acts on: the named squad's gardener rotation, or on call. */
export function resolveRotation(config: SupportConfig, squad: string | undefined): Result<RotationRef> {
  if (squad === undefined) {
    const oncall = oncallRef(config);
    return oncall ? ok(oncall) : fail('No on-call rotation is configured (`oncall` in the config).');
  }
  const known = config.squads[squad];
  if (!known)
    return fail(`Unknown squad \`${escapeMrkdwn(squad.slice(0, 40))}\`; squads: ${Object.keys(config.squads).join(', ') || 'none'}.`);
  const ref = gardenerRef(config, squad);
  return ref ? ok(ref) : fail(`${known.name} has no gardener rotation (\`squads.${squad}.gardener\` in the config).`);
}

function reportView(ref: RotationRef, overrides: Override[], from: Date, timeZone: string): DutyReportView {
  return {
    title: ref.title,
    role: ref.role,
    configPath: ref.configPath,
    holder: dutyAt(ref.rotation, overrides, from).user,
    from,
    upcoming: nextHandoffs(ref.rotation, overrides, from, 3),
    timeZone,
  };
}

/**
 * Who holds the rotation, then the next three handoffs. For on call this is who would be paged out
 * of hours: during business hours that is whoever holds it when business closes, which can be
 * someone else than the holder until then (with evening handoffs it always is).
 */
export async function dutyReport(deps: DutyReader, ref: RotationRef): Promise<DutyReportView> {
  const now = deps.clock.now();
  const { calendar } = deps.config;
  const overrides = await loadOverrides(deps.db, ref.rotation.id);
  if (ref.rotation.id !== ONCALL_ROTATION || !isBusinessTime(calendar, now)) return reportView(ref, overrides, now, deps.config.timeZone);
  const closes = nextBusinessBoundary(calendar, now);
  return { ...reportView(ref, overrides, closes, deps.config.timeZone), untilThen: dutyAt(ref.rotation, overrides, now).user };
}

/** Every rotation's duty report (on call first, then each squad's gardener). */
export function dutyReports(deps: DutyReader): Promise<DutyReportView[]> {
  return Promise.all(allRotationRefs(deps.config).map((ref) => dutyReport(deps, ref)));
}

/** Queues a change's announcement in the support channel and a DM to each person it affects. */
async function announceChange(tx: Tx, deps: RotationDeps, message: Message, people: string[], now: Date) {
  await enqueue(tx, { kind: 'post', channel: deps.config.channels.support, ...message }, { now });
  // The DM is the lasting record for the people affected; the command's own answer is ephemeral.
  for (const person of new Set(people)) await enqueue(tx, { kind: 'post', channel: person, ...message }, { now });
}

async function afterCommit(deps: RotationDeps): Promise<void> {
  deps.kick();
  await deps.afterChange();
}

const names = (ref: RotationRef): RotationNames => ({
  name: ref.rotation.id === ONCALL_ROTATION ? 'on-call' : ref.title,
  role: ref.role,
  configPath: ref.configPath,
});
const users = (segments: Duty[]) => [...new Set(segments.map((s) => s.user).filter((u): u is string => u !== null))];

/** `userId` holds the rotation during [from, to): on someone's behalf, or their own request. */
export async function cover(
  deps: RotationDeps,
  input: { actorId: string; userId: string; from: Date; to: Date; ref: RotationRef },
): Promise<Result<{ announcement: Message }>> {
  const { actorId, userId, from, to, ref } = input;
  const now = deps.clock.now();
  const result = await inTransaction(deps.db, async (tx): Promise<Result<{ announcement: Message }>> => {
    const added = await addCover(tx, deps.config, input, now);
    if (!added.ok) return added;
    const covered = added.value;
    const message = coverAnnouncement({ ...ref, actorId, userId, covered, from, to, timeZone: deps.config.timeZone });
    await announceChange(tx, deps, message, [userId, ...covered], now);
    return ok({ announcement: message });
  });
  if (result.ok) await afterCommit(deps);
  return result;
}

/**
 * Stores the cover if the window and the person's rights allow it, inside the caller's
 * transaction; the people it relieves of duty. Announcing it is the caller's.
 */
export async function addCover(
  tx: Tx,
  config: SupportConfig,
  /** `handedOverBy`: who gives the time when it is not the actor (a cover request's author). */
  input: { actorId: string; userId: string; from: Date; to: Date; ref: RotationRef; handedOverBy?: string },
  now: Date,
): Promise<Result<string[]>> {
  const { actorId, userId, from, to, ref } = input;
  const giver = input.handedOverBy ?? actorId;
  if (to <= now) return fail('That window is already over.');
  if (to.getTime() - from.getTime() > MAX_COVER_MS)
    return fail('A cover can last at most 92 days; for longer absences change the members in the config.');
  const overrides = await loadOverrides(tx, ref.rotation.id, { from, to });
  const covered = users(dutySegments(ref.rotation, overrides, from, to)).filter((u) => u !== userId);
  // Also what a repeated command finds, so a double submission changes nothing.
  if (covered.length === 0) return fail(`<@${userId}> is already ${ref.role} for all of that time; nothing to change.`);
  const refusal = coverRefusal({
    actorId: giver,
    actorIsAdmin: isAdmin(config, giver),
    userId,
    covered,
    rotation: ref.rotation,
    names: names(ref),
  });
  if (refusal) return fail(refusal);
  await addOverride(tx, { rotationId: ref.rotation.id, userId, from, to, createdBy: actorId, createdAt: now, reason: 'cover' });
  return ok(covered);
}

/**
 * `a` and `b` trade shifts: the one of theirs named by `at` goes to the other, and the other's next
 * shift after it comes back. A date names the shift starting that day (the evening shift for a
 * daily rotation, the week for a Monday gardener), else the one in force as the day begins; a time
 * names the shift in force then. A shift already running is swapped from now on.
 */
export async function swap(
  deps: RotationDeps,
  input: { actorId: string; a: string; b: string; at: TimeArg; ref: RotationRef },
): Promise<Result<{ announcement: Message }>> {
  const { actorId, a, b, at, ref } = input;
  const refusal = swapRefusal({ actorId, actorIsAdmin: isAdmin(deps.config, actorId), a, b, rotation: ref.rotation, names: names(ref) });
  if (refusal) return fail(refusal);
  const now = deps.clock.now();
  const t = at.at.getTime();
  const result = await inTransaction(deps.db, async (tx): Promise<Result<{ announcement: Message }>> => {
    // Starting a week early finds the true start of a shift already running at `t`.
    const searched = { from: new Date(t - 8 * DAY), to: new Date(t + SWAP_HORIZON_MS) };
    const overrides = await loadOverrides(tx, ref.rotation.id, searched);
    const segments = dutySegments(ref.rotation, overrides, searched.from, searched.to);
    const theirs = segments.filter((s) => s.user === a || s.user === b);
    const inForce = (instant: number) => theirs.find((s) => s.from.getTime() <= instant && instant < s.to.getTime());
    const dayEnd = at.dayEnd;
    const first = dayEnd ? (theirs.find((s) => s.from.getTime() >= t && s.from < dayEnd) ?? inForce(t)) : inForce(t);
    if (!first) return fail(`Neither <@${a}> nor <@${b}> is ${ref.role} ${dayEnd ? 'on that day' : 'at that time'}.`);
    if (first.to <= now) return fail('That shift is already over.');
    const holder = first.user!;
    const other = holder === a ? b : a;
    const second = theirs.find((s) => s.user === other && s.from >= first.to);
    if (!second)
      return fail(`<@${other}> has no shift as ${ref.role} in the 26 weeks after that to swap with; use \`/support cover\` instead.`);
    const shifts: [SwappedShift, SwappedShift] = [
      { user: other, was: holder, from: new Date(Math.max(first.from.getTime(), now.getTime())), to: first.to },
      { user: holder, was: other, from: second.from, to: second.to },
    ];
    for (const s of shifts) {
      await addOverride(tx, {
        rotationId: ref.rotation.id,
        userId: s.user,
        from: s.from,
        to: s.to,
        createdBy: actorId,
        createdAt: now,
        reason: 'swap',
      });
    }
    const message = swapAnnouncement({ ...ref, actorId, shifts, timeZone: deps.config.timeZone });
    await announceChange(tx, deps, message, [a, b], now);
    return ok({ announcement: message });
  });
  if (result.ok) await afterCommit(deps);
  return result;
}

export const NOTE_MAX = 2000;

/** A note for the next handoff of every rotation the author holds now, shown when it happens. */
export async function addHandoffNote(
  deps: RotationDeps,
  input: { authorId: string; text: string },
): Promise<Result<Array<{ ref: RotationRef; handoffAt: Date | null }>>> {
  const text = input.text.trim();
  if (!text) return fail('Write the note after the command, e.g. `/support handoff-note deploy of search is half done; see #142`.');
  if (text.length > NOTE_MAX) return fail(`Keep the note under ${NOTE_MAX} characters; link to details instead.`);
  const now = deps.clock.now();
  const held: Array<{ ref: RotationRef; handoffAt: Date | null }> = [];
  for (const ref of allRotationRefs(deps.config)) {
    const overrides = await loadOverrides(deps.db, ref.rotation.id);
    if (dutyAt(ref.rotation, overrides, now).user !== input.authorId) continue;
    held.push({ ref, handoffAt: nextHandoffs(ref.rotation, overrides, now, 1)[0]?.at ?? null });
  }
  if (!held.length)
    return fail('Sorry, only the person on duty can leave a handoff note, and you are not on call or a gardener right now.');
  await addHandoffNotes(
    deps.db,
    held.map(({ ref }) => ({ rotationId: ref.rotation.id, authorId: input.authorId, text, createdAt: now })),
  );
  return ok(held);
}

export interface PayReport {
  month: string;
  rows: PayRow[];
  csv: string;
  /** Set when the month is still running: the report covers it up to this instant. */
  soFar?: Date;
}

/**
 * Out-of-hours on-call pay per person for a local calendar month. Duty is derived from the
 * rotation and its stored overrides, pages are the stored Page rows; nothing else needs storing.
 */
export async function onCallPayReport(deps: RotationDeps, month: string): Promise<Result<PayReport>> {
  const { config } = deps;
  const ref = oncallRef(config);
  if (!ref) return fail('No on-call rotation is configured (`oncall` in the config).');
  const now = deps.clock.now();
  const { from, to } = monthRange(month, config.timeZone);
  if (from >= now) return fail(`${month} has not started yet.`);
  const until = new Date(Math.min(to.getTime(), now.getTime()));
  const overrides = await loadOverrides(deps.db, ref.rotation.id, { from, to: until });
  const pageRows = await pagesBetween(deps.db, from, until);
  // A callout is per ticket: paging the same person again for the same ticket is not another one.
  const firstPages = new Map<string, { user: string; at: Date; ticketId: number }>();
  for (const p of pageRows) {
    const key = `${p.userId}:${p.ticketId}`;
    if (!firstPages.has(key)) firstPages.set(key, { user: p.userId, at: p.at, ticketId: p.ticketId });
  }
  const rows = computeOnCallPay({
    segments: dutySegments(ref.rotation, overrides, from, until),
    pages: [...firstPages.values()],
    calendar: config.calendar,
    rates: config.pay,
    from,
    to: until,
  });
  return ok({ month, rows, csv: payCsv(rows, config.pay.currency), ...(until < to ? { soFar: until } : {}) });
}
