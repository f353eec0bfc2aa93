// Deploy use cases: record a deploy once (announce it, tell the open tickets on its service), list
// recent deploys in a new ticket's thread, record "This caused it" / "Not related" verdicts, and warn
// when tickets arrive after a deploy far faster than usual. Nothing here talks to Slack directly;
// messages go through the outbox in the same transaction as the change they describe.
import type { Clock } from '../clock.js';
import type { SupportConfig } from '../config/supportConfig.js';
import {
  type Deploy,
  type DeployInput,
  githubCompareUrl,
  isChangeFailure,
  PRODUCTION,
  relationToTicket,
  type Verdict,
} from '../domain/deploy.js';
import { verdictRefusal } from '../domain/permissions.js';
import { suspectDeploy } from '../domain/poisson.js';
import { fail, ok, type Result } from '../domain/result.js';
import { type Db, inTransaction, isUniqueViolation, type Tx } from '../repos/db.js';
import {
  causeCandidates as linkedCandidates,
  claimSuspectWarning,
  countCauses,
  findDeploy,
  findLink,
  findReported,
  insertDeploy,
  linkDeploy,
  lockDeploy,
  markRolledBack as markDeployRolledBack,
  previousCommit,
  productionDeploys,
  setChangeFailure,
  setVerdict,
} from '../repos/deploys.js';
import { countTicketsFiled, lockTicket, openTicketsOnService, setIncident, ticketIdsFiled } from '../repos/tickets.js';
import { enqueue, lastQueuedFor, rewriteUnsent } from '../outbox/queue.js';
import {
  type DeployView,
  deployName,
  deployNotes,
  MAX_NOTED,
  notedDeploy,
  rollbackReply,
  suspectedCauses,
  suspectWarning,
  verdictReply,
} from '../messages/deployMessages.js';
import { compareUrlFor } from './compareLinks.js';
import { announcementKey, currentAnnouncement, deployView } from './deployView.js';
import { outsideWindowLabel, tellDutyOutsideWindow } from './deployWindows.js';
import type { PeopleResolver } from './people.js';
import { editAnnouncement, recordStage } from './rollouts.js';
import { isAdmin, recordEvent, serviceName, type Ticket, type TicketHooks } from './tickets.js';

export type { Deploy };
export { announcementKey, deployView };

export interface DeployDeps {
  db: Db;
  clock: Clock;
  config: SupportConfig;
  people: PeopleResolver;
  /** Called after a commit that queued Slack messages, to deliver them now. */
  kick(): void;
}

/** Tickets after a deploy are compared with the service's rate over this many days before it. */
export const BASELINE_DAYS = 30;
/** A burst is blamed on a deploy only within this long after it. */
export const SUSPECT_WINDOW_MINUTES = 24 * 60;

export type RecordResult =
  /** Stored now (201). */
  | { kind: 'created'; deploy: Deploy }
  /** Sent before: nothing changed (200). */
  | { kind: 'duplicate'; deploy: Deploy }
  /** A rollback report for a deploy already stored as succeeded: that deploy is now rolled back (200). */
  | { kind: 'rolled_back'; deploy: Deploy }
  /** A new rollout stage of a deploy already stored: recorded, its announcement edited (200). */
  | { kind: 'staged'; deploy: Deploy }
  | { kind: 'unknown_service'; message: string };

export function unknownServiceMessage(config: SupportConfig, service: string): string {
  return `Unknown service "${service}". Known services: ${Object.keys(config.services).join(', ')}.`;
}

/** Records a deploy reported by CI, GitHub or a person; idempotent. */
export async function recordDeploy(deps: DeployDeps, input: DeployInput, opts: { repositoryUrl?: string } = {}): Promise<RecordResult> {
  if (!deps.config.services[input.service]) return { kind: 'unknown_service', message: unknownServiceMessage(deps.config, input.service) };
  const now = deps.clock.now();
  const existing = await findReported(deps.db, input);
  if (existing) {
    if (input.status === 'rolled_back' && existing.status === 'succeeded')
      return markRolledBack(deps, existing, input.deployedAt ?? now, input.stage ?? null);
    if (input.stage && existing.status === 'succeeded') return advanceRollout(deps, existing, input.stage, input.deployedAt ?? now);
    return { kind: 'duplicate', deploy: existing };
  }
  // Slack lookups happen before the transaction: it must not wait on the network.
  const [author, mergedBy] = await Promise.all([deps.people.resolve(input.author), deps.people.resolve(input.mergedBy)]);
  const deployedAt = input.deployedAt ?? now;
  const url =
    input.url ??
    (opts.repositoryUrl && input.commit
      ? githubCompareUrl(opts.repositoryUrl, await previousCommit(deps.db, input, deployedAt), input.commit)
      : null);
  const outside = input.environment === PRODUCTION ? outsideWindowLabel(deps.config, input.service, deployedAt) : null;
  // The stage is recorded after the insert (recordStage), which also plans the stall check.
  const { stage, ...reported } = input;
  try {
    const deploy = await inTransaction(deps.db, async (tx) => {
      const created = await insertDeploy(tx, {
        ...reported,
        author,
        mergedBy,
        url,
        deployedAt,
        createdAt: now,
        changeFailure: isChangeFailure(input.status, 0),
        outsideWindow: outside !== null,
        compareUrl: await compareUrlFor(tx, deps.config, input, deployedAt),
      });
      if (stage) await recordStage(tx, deps.config, created, stage, deployedAt);
      const stored = stage ? (await findDeploy(tx, created.id))! : created;
      if (stored.environment === PRODUCTION) await tellProduction(tx, deps, stored, now);
      if (outside) {
        await tellDutyOutsideWindow(tx, deps.config, {
          service: stored.service,
          deployName: deployName(deployView(deps.config, stored)),
          windowLabel: outside,
          threadKey: announcementKey(stored.id),
          now,
        });
      }
      return stored;
    });
    deps.kick();
    return { kind: 'created', deploy };
  } catch (err) {
    // The same deploy arrived twice at once and the other request stored it first.
    if (!isUniqueViolation(err)) throw err;
    const winner = await findReported(deps.db, input);
    if (!winner) throw err;
    return { kind: 'duplicate', deploy: winner };
  }
}

/** Another stage of a stored deploy: recorded once, and its announcement edited to show it. */
async function advanceRollout(deps: DeployDeps, deploy: Deploy, stage: string, at: Date): Promise<RecordResult> {
  const now = deps.clock.now();
  try {
    const staged = await inTransaction(deps.db, async (tx) => {
      if (!(await recordStage(tx, deps.config, deploy, stage, at))) return null;
      await editAnnouncement(tx, deps.config, deploy.id, now);
      return findDeploy(tx, deploy.id);
    });
    if (!staged) return { kind: 'duplicate', deploy };
    deps.kick();
    return { kind: 'staged', deploy: staged };
  } catch (err) {
    // The same stage arrived twice at once and the other request recorded it.
    if (!isUniqueViolation(err)) throw err;
    return { kind: 'duplicate', deploy };
  }
}

/** Announces a new production deploy and tells each open ticket on its service. */
async function tellProduction(tx: Tx, deps: DeployDeps, deploy: Deploy, now: Date): Promise<void> {
  const view = deployView(deps.config, deploy);
  const open = await openTicketsOnService(tx, deploy.service);
  const announcement = await currentAnnouncement(tx, deps.config, deploy);
  await enqueue(
    tx,
    { kind: 'post', channel: deps.config.channels.deploys, ...announcement },
    { now, dedupKey: announcementKey(deploy.id), bulk: true },
  );
  for (const ticket of open) {
    // A report can arrive after tickets it may have caused (slow CI): those get the question too.
    const relation = relationToTicket(deploy.deployedAt, ticket.createdAt, deps.config.deploys.lookbackMinutes);
    if (relation === 'suggest') {
      await linkDeploy(tx, deploy.id, ticket.id, now, deploy.stage);
      await enqueue(
        tx,
        { kind: 'ticket.reply', ticketId: ticket.id, ...suspectedCauses(ticket.id, [view], deps.config.deploys.lookbackMinutes) },
        { now, bulk: true },
      );
    } else if (relation === 'note') {
      await noteDeploy(tx, deps.config, ticket.id, deploy, now);
    }
  }
  await warnIfSuspect(tx, deps, deploy, now);
}

/**
 * Notes a deploy (or its rollback) in an open ticket's thread. The deploys since the last note share
 * one: while that note is unsent and still the last message queued for the thread, it is rewritten
 * to list this deploy too (so the thread's order holds); otherwise a new note starts.
 */
async function noteDeploy(tx: Tx, config: SupportConfig, ticketId: number, deploy: Deploy, now: Date): Promise<void> {
  const view = noteView(config, deploy);
  const noted = notedDeploy(view);
  const service = view.serviceName;
  // Deploys reported at once would each read the same last message and each start a note (a new
  // row is invisible to the others until commit): the ticket's lock makes them take turns, as it
  // does with a ticket change queueing a reply. Callers lock tickets in id order, so never in a cycle.
  await lockTicket(tx, ticketId);
  const last = await lastQueuedFor(tx, ticketId);
  if (last?.unsent && last.message.kind === 'ticket.deployNote') {
    const ids = last.message.deployIds.includes(deploy.id) ? last.message.deployIds : [...last.message.deployIds, deploy.id];
    // A rollback of a listed deploy shows in its place.
    const shown = [...last.message.noted.filter((d) => d.id !== deploy.id), noted].slice(-MAX_NOTED);
    const note = { kind: 'ticket.deployNote' as const, ticketId, deployIds: ids, noted: shown, ...deployNotes(service, shown, ids.length) };
    // A miss means a relay claimed the note since it was read: this deploy starts the next one.
    if (await rewriteUnsent(tx, last, note)) return;
  }
  const note = { kind: 'ticket.deployNote' as const, ticketId, deployIds: [deploy.id], noted: [noted], ...deployNotes(service, [noted]) };
  await enqueue(tx, note, { now, bulk: true });
}

/** A deploy as a note shows it: a rollback at the time it was reported. */
function noteView(config: SupportConfig, deploy: Deploy): DeployView {
  const view = deployView(config, deploy);
  return deploy.status === 'rolled_back' && deploy.rolledBackAt ? { ...view, deployedAt: deploy.rolledBackAt } : view;
}

async function markRolledBack(deps: DeployDeps, deploy: Deploy, at: Date, stage: string | null): Promise<RecordResult> {
  const now = deps.clock.now();
  const updated = await inTransaction(deps.db, async (tx) => {
    const claimed = await markDeployRolledBack(tx, deploy.id, at);
    // Reported as a rollout stage: the announcement shows it as the last one.
    if (claimed && stage && (await recordStage(tx, deps.config, deploy, stage, at)))
      await editAnnouncement(tx, deps.config, deploy.id, now);
    const after = (await findDeploy(tx, deploy.id))!;
    // Another report of the same rollback won the race: nothing more to say.
    if (!claimed || after.environment !== PRODUCTION) return { after, told: false };
    const view = deployView(deps.config, after);
    await enqueue(
      tx,
      { kind: 'post', channel: deps.config.channels.deploys, thread: { dedupKey: announcementKey(after.id) }, ...rollbackReply(view, at) },
      { now, bulk: true },
    );
    const open = await openTicketsOnService(tx, after.service);
    for (const ticket of open) await noteDeploy(tx, deps.config, ticket.id, after, now);
    return { after, told: true };
  });
  if (updated.told) deps.kick();
  return { kind: 'rolled_back', deploy: updated.after };
}

/**
 * Warns once in the announcement's thread when the tickets on the service since the deploy are far
 * above its usual rate. Checked whenever a ticket is filed or a deploy arrives.
 */
async function warnIfSuspect(tx: Tx, deps: DeployDeps, deploy: Deploy, now: Date): Promise<void> {
  const minutesSince = (now.getTime() - deploy.deployedAt.getTime()) / 60_000;
  if (deploy.suspectWarnedAt || minutesSince < 0 || minutesSince > SUSPECT_WINDOW_MINUTES) return;
  const since = await ticketIdsFiled(tx, deploy.service, deploy.deployedAt, now);
  const baselineFrom = new Date(deploy.deployedAt.getTime() - BASELINE_DAYS * 86_400_000);
  const baselineTickets = await countTicketsFiled(tx, deploy.service, baselineFrom, deploy.deployedAt);
  const verdict = suspectDeploy({ ticketsSince: since.length, minutesSince, baselineTickets, baselineMinutes: BASELINE_DAYS * 1440 });
  if (!verdict.suspect) return;
  if (!(await claimSuspectWarning(tx, deploy.id, now))) return;
  const warning = suspectWarning({
    deploy: deployView(deps.config, deploy),
    tickets: since,
    minutesSince,
    baselineTickets,
    baselineDays: BASELINE_DAYS,
    verdict,
  });
  await enqueue(
    tx,
    { kind: 'post', channel: deps.config.channels.deploys, thread: { dedupKey: announcementKey(deploy.id) }, ...warning },
    { now, bulk: true },
  );
}

/** A new ticket: list its service's recent production deploys (paging their authors) and check for a burst. */
export function deployTicketHooks(deps: DeployDeps): TicketHooks {
  return {
    async created(tx: Tx, ticket: Ticket, now: Date) {
      if (!deps.config.services[ticket.service]) return;
      const lookback = deps.config.deploys.lookbackMinutes;
      const minutesAgo = (m: number) => new Date(now.getTime() - m * 60_000);
      // One lookup for the newest deploy of either window; the look-back list only when it is in it
      // (most tickets come long after their service's last deploy).
      const [newest] = await productionDeploys(tx, ticket.service, minutesAgo(Math.max(lookback, SUSPECT_WINDOW_MINUTES)), now, 1);
      const inLookback = newest && newest.deployedAt >= minutesAgo(lookback);
      const recent = inLookback ? await productionDeploys(tx, ticket.service, minutesAgo(lookback), now) : [];
      if (recent.length) {
        // The link keeps the stage the rollout was at when the ticket was filed.
        for (const d of recent) await linkDeploy(tx, d.id, ticket.id, now, d.stage);
        const views = recent.map((d) => deployView(deps.config, d));
        await enqueue(tx, { kind: 'ticket.reply', ticketId: ticket.id, ...suspectedCauses(ticket.id, views, lookback) }, { now });
      }
      if (newest) await warnIfSuspect(tx, deps, newest, now);
    },
  };
}

function verdictRefusalFor(config: SupportConfig, link: { deploy: Deploy; ticket: Ticket }, actorId: string): string | null {
  return verdictRefusal({
    actorId,
    actorIsAdmin: isAdmin(config, actorId),
    ownerId: link.ticket.ownerId,
    author: link.deploy.author,
    mergedBy: link.deploy.mergedBy,
  });
}

/** Whether `actorId` may name this deploy as the ticket's cause (the resolve form asks before resolving). */
export async function mayJudgeLink(
  deps: Pick<DeployDeps, 'db' | 'config'>,
  input: { deployId: number; ticketId: number; actorId: string },
): Promise<Result<void>> {
  const link = await findLink(deps.db, input.deployId, input.ticketId);
  if (!link) return fail(`That deploy is not linked to #${input.ticketId}.`);
  const refusal = verdictRefusalFor(deps.config, link, input.actorId);
  return refusal ? fail(refusal) : ok(undefined);
}

const VERDICT_EVENT: Record<Verdict, string> = {
  caused: 'deploy_caused',
  unrelated: 'deploy_not_related',
  suggested: 'deploy_verdict_undone',
};

/**
 * "This caused it" (caused), "Not related" (unrelated) or Undo (back to suggested) on a deploy ↔
 * ticket link. The deploy's change-failure flag and the ticket's incident flag follow, each change a
 * ticket event; any verdict can be changed again, which is how it is undone.
 */
export async function decideLink(
  deps: DeployDeps,
  input: { deployId: number; ticketId: number; verdict: Verdict; actorId: string },
): Promise<Result<void>> {
  const now = deps.clock.now();
  const result = await inTransaction(deps.db, async (tx): Promise<Result<void>> => {
    if (!(await findLink(tx, input.deployId, input.ticketId))) return fail(`That deploy is not linked to #${input.ticketId}.`);
    // Lock the deploy, then the ticket (always in that order), before reading them: a verdict on
    // another ticket of this deploy, or another deploy of this ticket, waits here, so the counts
    // below include it and the two flags cannot be left contradicting the links.
    await lockDeploy(tx, input.deployId);
    await lockTicket(tx, input.ticketId);
    const link = (await findLink(tx, input.deployId, input.ticketId))!;
    const refusal = verdictRefusalFor(deps.config, link, input.actorId);
    if (refusal) return fail(refusal);
    if (link.verdict === input.verdict) {
      return fail(input.verdict === 'suggested' ? 'There is nothing to undo.' : `That is already recorded for #${input.ticketId}.`);
    }
    await setVerdict(tx, link.id, input.verdict, input.actorId, now);

    const causes = await countCauses(tx, { deployId: link.deploy.id });
    const changeFailure = isChangeFailure(link.deploy.status, causes);
    await setChangeFailure(tx, link.deploy.id, changeFailure);
    await recordEvent(tx, link.ticket.id, VERDICT_EVENT[input.verdict], input.actorId, now, {
      deployId: link.deploy.id,
      service: link.deploy.service,
      version: link.deploy.version,
      previous: link.verdict,
      changeFailure,
    });

    // The ticket is an incident while some deploy is confirmed as its cause. Only a verdict that
    // made it one takes it back, so an incident marked for another reason stays one.
    const ticketCauses = await countCauses(tx, { ticketId: link.ticket.id });
    let incident = link.ticket.incident;
    if (ticketCauses > 0 && !incident) incident = true;
    else if (ticketCauses === 0 && incident && link.verdict === 'caused') incident = false;
    if (incident !== link.ticket.incident) {
      await setIncident(tx, link.ticket.id, incident, now);
      await recordEvent(tx, link.ticket.id, incident ? 'incident_marked' : 'incident_cleared', input.actorId, now, {
        deployId: link.deploy.id,
      });
      await enqueue(tx, { kind: 'ticket.root', ticketId: link.ticket.id }, { now });
    }

    const reply = verdictReply({
      verdict: input.verdict,
      actorId: input.actorId,
      ticketId: link.ticket.id,
      deploy: deployView(deps.config, link.deploy),
      changeFailure,
      incident,
    });
    await enqueue(tx, { kind: 'ticket.reply', ticketId: link.ticket.id, ...reply }, { now });
    return ok(undefined);
  });
  if (result.ok) deps.kick();
  return result;
}

/** Deploys linked to a ticket that the resolver may still name as its cause, for the resolve form. */
export async function causeCandidates(
  deps: Pick<DeployDeps, 'db' | 'config'>,
  ticketId: number,
): Promise<Array<{ id: number; label: string }>> {
  const deploys = await linkedCandidates(deps.db, ticketId);
  return deploys.map((deploy) => ({ id: deploy.id, label: `${serviceName(deps.config, deploy.service)} ${deploy.version}` }));
}
