// `/support cover-me`: someone on duty asks their rotation for cover. The request is a row and a
// message in the support channel; the first eligible member who clicks *I'll cover* becomes the
// override (the same cover as `/support cover`), in one transaction with closing the request, so
// of two clicks at the same moment exactly one wins. Two durable jobs are planned with it: the
// admins' notice 24 h before the start and the expiry at the start; each does nothing unless the
// request is still open when it runs.
import type { SupportConfig } from '../config/supportConfig.js';
import { fail, ok, type Result } from '../domain/result.js';
import { dutySegments } from '../domain/rotation.js';
import type { JobHandlers } from '../jobs/scheduler.js';
import { scheduleJob } from '../jobs/scheduler.js';
import {
  type CoverRequestView,
  coverExpiredDm,
  coverRequestMessage,
  coverTakenDm,
  coverUntakenAdminDm,
} from '../messages/coverRequestMessages.js';
import { slackDate } from '../messages/text.js';
import { enqueue, enqueueAll, type OutboxKind } from '../outbox/queue.js';
import { closeCoverRequest, type CoverRequest, findCoverRequests, insertCoverRequest } from '../repos/coverRequests.js';
import { inTransaction, type Tx } from '../repos/db.js';
import { loadOverrides } from './duty.js';
import { addCover, allRotationRefs, type RotationDeps, type RotationRef } from './rotations.js';

export const COVER_EXPIRE = 'cover_request.expire';
export const COVER_NOTIFY_ADMINS = 'cover_request.admins';

const HOUR = 3_600_000;
const ADMIN_NOTICE_MS = 24 * HOUR;

/** Thrown inside the transaction to roll back a claimed request when the cover itself is refused. */
class Refused extends Error {}

function refFor(config: SupportConfig, rotationId: string): RotationRef | undefined {
  return allRotationRefs(config).find((r) => r.rotation.id === rotationId);
}

function view(config: SupportConfig, r: CoverRequest): CoverRequestView {
  return { ...r, title: refFor(config, r.rotationId)?.title ?? r.rotationId, timeZone: config.timeZone };
}

const postKey = (id: number) => `cover-request:${id}`;

/** The request message edited to show the request as it is now. */
function edit(config: SupportConfig, v: CoverRequestView): OutboxKind {
  return { kind: 'update', channel: config.channels.support, of: { dedupKey: postKey(v.id) }, ...coverRequestMessage(v) };
}

/**
 * When the admins hear of a request nobody took: 24 h before its start; for a request made later
 * than that, halfway between asking and the start, so that colleagues get a chance first.
 */
export function adminNoticeAt(now: Date, from: Date): Date {
  const dayBefore = from.getTime() - ADMIN_NOTICE_MS;
  return new Date(dayBefore > now.getTime() ? dayBefore : now.getTime() + (from.getTime() - now.getTime()) / 2);
}

/** Why a closed request cannot be acted on, in the words the clicker sees. */
function closedSentence(r: CoverRequest, userId: string): string {
  switch (r.status) {
    case 'taken':
      return r.takenBy === userId ? 'You are already covering this.' : `<@${r.takenBy}> already took this cover.`;
    case 'withdrawn':
      return `<@${r.requesterId}> withdrew this request.`;
    default:
      return 'This request has expired: its start has passed.';
  }
}

export async function requestCover(
  deps: RotationDeps,
  input: { requesterId: string; from: Date; to: Date; ref: RotationRef },
): Promise<Result<CoverRequestView>> {
  const { requesterId, from, to, ref } = input;
  const { config } = deps;
  const now = deps.clock.now();
  if (from <= now)
    return fail('Ask for cover ahead of its start; for cover from now, ask a colleague or an admin to run `/support cover`.');
  const result = await inTransaction(deps.db, async (tx): Promise<Result<CoverRequestView>> => {
    const overrides = await loadOverrides(tx, ref.rotation.id, { from, to });
    if (!dutySegments(ref.rotation, overrides, from, to).some((s) => s.user === requesterId)) {
      const span = `${slackDate(from, config.timeZone)} and ${slackDate(to, config.timeZone)}`;
      return fail(`You are not ${ref.role} at any time between ${span}, so there is nothing to cover.`);
    }
    const request = await insertCoverRequest(tx, { rotationId: ref.rotation.id, requesterId, from, to, createdAt: now });
    const v = view(config, request);
    await enqueue(tx, { kind: 'post', channel: config.channels.support, ...coverRequestMessage(v) }, { now, dedupKey: postKey(v.id) });
    const payload = { requestId: v.id };
    await scheduleJob(tx, { kind: COVER_EXPIRE, dueAt: from, payload, dedupKey: `${COVER_EXPIRE}:${v.id}` });
    await scheduleJob(tx, {
      kind: COVER_NOTIFY_ADMINS,
      dueAt: adminNoticeAt(now, from),
      payload,
      dedupKey: `${COVER_NOTIFY_ADMINS}:${v.id}`,
    });
    return ok(v);
  });
  if (result.ok) deps.kick();
  return result;
}

/** Who may take an open request, else why not. */
function refusal(r: CoverRequest, ref: RotationRef, userId: string, now: Date): string | null {
  if (r.status !== 'open') return closedSentence(r, userId);
  if (now >= r.from) return 'This request has expired: its start has passed.';
  if (userId === r.requesterId) return 'This is your own request; click *Withdraw* to take it back.';
  if (!ref.rotation.members.some((m) => m.user === userId))
    return `Only members of the ${ref.title} rotation can take this cover (\`${ref.configPath}\` in the config).`;
  return null;
}

export async function takeCoverRequest(
  deps: RotationDeps,
  input: { requestId: number; userId: string },
): Promise<Result<CoverRequestView>> {
  const { config } = deps;
  const { userId } = input;
  const now = deps.clock.now();
  const take = async (tx: Tx): Promise<Result<CoverRequestView>> => {
    const [r] = await findCoverRequests(tx, [input.requestId]);
    if (!r) return fail('That cover request does not exist.');
    const ref = refFor(config, r.rotationId);
    if (!ref) return fail('That rotation is no longer configured.');
    const no = refusal(r, ref, userId, now);
    if (no) return fail(no);
    // First the conditional claim, which also locks the row: a click at the same moment waits here and loses.
    if (!(await closeCoverRequest(tx, r.id, { status: 'taken', takenBy: userId, at: now }))) {
      const [latest] = await findCoverRequests(tx, [r.id]);
      return fail(closedSentence(latest ?? r, userId));
    }
    // The requester hands their own time over: the cover rules see them as the one giving it.
    const covered = await addCover(tx, config, { actorId: userId, handedOverBy: r.requesterId, userId, from: r.from, to: r.to, ref }, now);
    if (!covered.ok) throw new Refused(covered.error);
    const v = view(config, { ...r, status: 'taken', takenBy: userId });
    const people = [...new Set([userId, r.requesterId, ...covered.value])];
    await enqueueAll(tx, [edit(config, v), ...people.map((p): OutboxKind => ({ kind: 'post', channel: p, text: coverTakenDm(v, p) }))], {
      now,
    });
    return ok(v);
  };
  let result: Result<CoverRequestView>;
  try {
    result = await inTransaction(deps.db, take);
  } catch (err) {
    if (err instanceof Refused) return fail(err.message);
    throw err;
  }
  if (result.ok) {
    deps.kick();
    await deps.afterChange();
  }
  return result;
}

export async function withdrawCoverRequest(
  deps: RotationDeps,
  input: { requestId: number; userId: string },
): Promise<Result<CoverRequestView>> {
  const { config } = deps;
  const now = deps.clock.now();
  const result = await inTransaction(deps.db, async (tx): Promise<Result<CoverRequestView>> => {
    const [r] = await findCoverRequests(tx, [input.requestId]);
    if (!r) return fail('That cover request does not exist.');
    if (input.userId !== r.requesterId) return fail(`Only <@${r.requesterId}>, who asked for this cover, can withdraw it.`);
    if (r.status !== 'open' || !(await closeCoverRequest(tx, r.id, { status: 'withdrawn', at: now }))) {
      const [latest] = await findCoverRequests(tx, [r.id]);
      return fail(closedSentence(latest ?? r, input.userId));
    }
    const v = view(config, { ...r, status: 'withdrawn' });
    await enqueue(tx, edit(config, v), { now });
    return ok(v);
  });
  if (result.ok) deps.kick();
  return result;
}

/** The open requests these jobs are for. */
async function openRequests(tx: Tx, jobs: Array<{ payload: string }>): Promise<CoverRequest[]> {
  const ids = jobs.map((j) => Number((JSON.parse(j.payload) as { requestId?: unknown }).requestId)).filter(Number.isSafeInteger);
  return (await findCoverRequests(tx, ids)).filter((r) => r.status === 'open');
}

export function coverRequestJobHandlers(config: SupportConfig): JobHandlers {
  return {
    async [COVER_EXPIRE](tx, jobs, now) {
      const messages: OutboxKind[] = [];
      for (const r of await openRequests(tx, jobs)) {
        if (!(await closeCoverRequest(tx, r.id, { status: 'expired', at: now }))) continue;
        const v = view(config, { ...r, status: 'expired' });
        messages.push(edit(config, v), { kind: 'post', channel: r.requesterId, text: coverExpiredDm(v) });
      }
      await enqueueAll(tx, messages, { now });
    },

    async [COVER_NOTIFY_ADMINS](tx, jobs, now) {
      const untaken = (await openRequests(tx, jobs)).filter((r) => r.from > now);
      const messages = untaken.flatMap((r) =>
        config.admins.map((admin): OutboxKind => ({ kind: 'post', channel: admin, text: coverUntakenAdminDm(view(config, r)) })),
      );
      await enqueueAll(tx, messages, { now });
    },
  };
}
