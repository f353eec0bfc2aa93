// Deploy use cases: record a deploy once (announce it, tell the open tickets on its service), list
// recent deploys in a new ticket's thread, record "This caused it" / "Not related" verdicts, and warn
// when tickets arrive after a deploy far faster than usual. Nothing here talks to Slack directly;
// messages go through the outbox in the same transaction as the change they describe.
import type { Clock } from '../clock.js';
import type { SupportConfig } from '../config/supportConfig.js';
import type { Db, Tx } from '../db/client.js';
import { githubCompareUrl, isChangeFailure, naturalKey, PRODUCTION, relationToTicket, type DeployInput } from '../domain/deploy.js';
import { suspectDeploy } from '../domain/poisson.js';
import type { Deploy } from '../generated/sqlite/client.js';
import { enqueue } from '../slack/outbox.js';
import {
  deployName,
  deployNote,
  rollbackReply,
  suspectedCauses,
  suspectWarning,
  verdictReply,
  type Verdict,
} from '../slack/views/deployMessages.js';
import { compareUrlFor } from './compareLinks.js';
import { announcementKey, currentAnnouncement, deployView } from './deployView.js';
import { outsideWindowLabel, tellDutyOutsideWindow } from './deployWindows.js';
import type { PeopleResolver } from './people.js';
import { editAnnouncement, recordStage } from './rollouts.js';
import { recordEvent, serviceName, type Ticket, type TicketHooks } from './tickets.js';

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

const isOpen = { status: { not: 'resolved' } };

/**
 * The deploy this report repeats, if any: the same id, or the same service + version + environment
 * + status. A rollback report also matches the succeeded deploy of that version it takes back.
 */
async function findExisting(db: Db | Tx, input: DeployInput): Promise<Deploy | null> {
  if (input.externalId) {
    const byId = await db.deploy.findUnique({ where: { externalId: input.externalId } });
    if (byId) return byId;
  }
  const byKey = await db.deploy.findUnique({ where: { dedupKey: naturalKey(input) } });
  if (byKey) return byKey;
  if (input.status !== 'rolled_back') return null;
  return db.deploy.findFirst({
    where: { service: input.service, environment: input.environment, version: input.version, status: { in: ['succeeded', 'rolled_back'] } },
    orderBy: { deployedAt: 'desc' },
  });
}

function isUniqueViolation(err: unknown): boolean {
  return (err as { code?: string }).code === 'P2002';
}

/** Records a deploy reported by CI, GitHub or a person; idempotent. */
export async function recordDeploy(deps: DeployDeps, input: DeployInput, opts: { repositoryUrl?: string } = {}): Promise<RecordResult> {
  if (!deps.config.services[input.service]) return { kind: 'unknown_service', message: unknownServiceMessage(deps.config, input.service) };
  const now = deps.clock.now();
  const existing = await findExisting(deps.db, input);
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
  try {
    const deploy = await deps.db.$transaction(async (tx) => {
      const created = await tx.deploy.create({
        data: {
          externalId: input.externalId,
          dedupKey: naturalKey(input),
          service: input.service,
          version: input.version,
          commit: input.commit,
          author,
          mergedBy,
          url,
          environment: input.environment,
          status: input.status,
          deployedAt,
          createdAt: now,
          source: input.source,
          changeFailure: isChangeFailure(input.status, 0),
          outsideWindow: outside !== null,
          compareUrl: await compareUrlFor(tx, deps.config, input, deployedAt),
        },
      });
      if (input.stage) await recordStage(tx, deps.config, created, input.stage, deployedAt);
      const stored = input.stage ? await tx.deploy.findUniqueOrThrow({ where: { id: created.id } }) : created;
      if (stored.environment === PRODUCTION) await tellProduction(tx, deps, stored, now);
      if (outside) {
        const name = deployName(deployView(deps.config, stored));
        await tellDutyOutsideWindow(tx, deps.config, {
          service: stored.service,
          deployName: name,
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
    const winner = await findExisting(deps.db, input);
    if (!winner) throw err;
    return { kind: 'duplicate', deploy: winner };
  }
}

/** Another stage of a stored deploy: recorded once, and its announcement edited to show it. */
async function advanceRollout(deps: DeployDeps, deploy: Deploy, stage: string, at: Date): Promise<RecordResult> {
  const now = deps.clock.now();
  try {
    const staged = await deps.db.$transaction(async (tx) => {
      if (!(await recordStage(tx, deps.config, deploy, stage, at))) return null;
      await editAnnouncement(tx, deps.config, deploy.id, now);
      return tx.deploy.findUniqueOrThrow({ where: { id: deploy.id } });
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

async function previousCommit(db: Db, input: DeployInput, before: Date): Promise<string | null> {
  const prev = await db.deploy.findFirst({
    where: {
      service: input.service,
      environment: input.environment,
      status: 'succeeded',
      commit: { not: null },
      deployedAt: { lt: before },
    },
    orderBy: { deployedAt: 'desc' },
  });
  return prev?.commit ?? null;
}

/** Announces a new production deploy and tells each open ticket on its service. */
async function tellProduction(tx: Tx, deps: DeployDeps, deploy: Deploy, now: Date): Promise<void> {
  const view = deployView(deps.config, deploy);
  const open = await tx.ticket.findMany({ where: { service: deploy.service, ...isOpen }, orderBy: { id: 'asc' } });
  const announcement = await currentAnnouncement(tx, deps.config, deploy);
  await enqueue(
    tx,
    { kind: 'post', channel: deps.config.channels.deploys, ...announcement },
    { now, dedupKey: announcementKey(deploy.id) },
  );
  for (const ticket of open) {
    // A report can arrive after tickets it may have caused (slow CI): those get the question too.
    const relation = relationToTicket(deploy.deployedAt, ticket.createdAt, deps.config.deploys.lookbackMinutes);
    if (relation === 'suggest') {
      await tx.deployLink.create({ data: { deployId: deploy.id, ticketId: ticket.id, createdAt: now, stage: deploy.stage } });
      await enqueue(
        tx,
        { kind: 'ticket.reply', ticketId: ticket.id, ...suspectedCauses(ticket.id, [view], deps.config.deploys.lookbackMinutes) },
        { now },
      );
    } else if (relation === 'note') {
      await enqueue(tx, { kind: 'ticket.reply', ticketId: ticket.id, ...deployNote(view) }, { now });
    }
  }
  await warnIfSuspect(tx, deps, deploy, now);
}

async function markRolledBack(deps: DeployDeps, deploy: Deploy, at: Date, stage: string | null): Promise<RecordResult> {
  const now = deps.clock.now();
  const updated = await deps.db.$transaction(async (tx) => {
    const claimed = await tx.deploy.updateMany({
      where: { id: deploy.id, status: 'succeeded' },
      data: { status: 'rolled_back', rolledBackAt: at, changeFailure: true },
    });
    // Reported as a rollout stage: the announcement shows it as the last one.
    if (claimed.count === 1 && stage && (await recordStage(tx, deps.config, deploy, stage, at)))
      await editAnnouncement(tx, deps.config, deploy.id, now);
    const after = (await tx.deploy.findUnique({ where: { id: deploy.id } }))!;
    // Another report of the same rollback won the race: nothing more to say.
    if (claimed.count !== 1 || after.environment !== PRODUCTION) return { after, told: false };
    const view = deployView(deps.config, after);
    await enqueue(
      tx,
      { kind: 'post', channel: deps.config.channels.deploys, thread: { dedupKey: announcementKey(after.id) }, ...rollbackReply(view, at) },
      { now },
    );
    const open = await tx.ticket.findMany({ where: { service: after.service, ...isOpen }, orderBy: { id: 'asc' } });
    for (const ticket of open)
      await enqueue(tx, { kind: 'ticket.reply', ticketId: ticket.id, ...deployNote({ ...view, deployedAt: at }) }, { now });
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
  const since = await tx.ticket.findMany({
    where: { service: deploy.service, createdAt: { gte: deploy.deployedAt, lte: now } },
    select: { id: true },
    orderBy: { id: 'asc' },
  });
  const baselineFrom = new Date(deploy.deployedAt.getTime() - BASELINE_DAYS * 86_400_000);
  const baselineTickets = await tx.ticket.count({
    where: { service: deploy.service, createdAt: { gte: baselineFrom, lt: deploy.deployedAt } },
  });
  const verdict = suspectDeploy({ ticketsSince: since.length, minutesSince, baselineTickets, baselineMinutes: BASELINE_DAYS * 1440 });
  if (!verdict.suspect) return;
  // Conditional on "not warned yet", so concurrent tickets cannot both warn.
  const claimed = await tx.deploy.updateMany({ where: { id: deploy.id, suspectWarnedAt: null }, data: { suspectWarnedAt: now } });
  if (claimed.count !== 1) return;
  const warning = suspectWarning({
    deploy: deployView(deps.config, deploy),
    tickets: since.map((t) => t.id),
    minutesSince,
    baselineTickets,
    baselineDays: BASELINE_DAYS,
    verdict,
  });
  await enqueue(
    tx,
    { kind: 'post', channel: deps.config.channels.deploys, thread: { dedupKey: announcementKey(deploy.id) }, ...warning },
    { now },
  );
}

/** A new ticket: list its service's recent production deploys (paging their authors) and check for a burst. */
export function deployTicketHooks(deps: DeployDeps): TicketHooks {
  return {
    async created(tx: Tx, ticket: Ticket, now: Date) {
      if (!deps.config.services[ticket.service]) return;
      const lookback = deps.config.deploys.lookbackMinutes;
      const recent = await tx.deploy.findMany({
        where: {
          service: ticket.service,
          environment: PRODUCTION,
          deployedAt: { gte: new Date(now.getTime() - lookback * 60_000), lte: now },
        },
        orderBy: [{ deployedAt: 'desc' }, { id: 'desc' }],
      });
      if (recent.length) {
        // The link keeps the stage the rollout was at when the ticket was filed.
        for (const d of recent)
          await tx.deployLink.create({ data: { deployId: d.id, ticketId: ticket.id, createdAt: now, stage: d.stage } });
        const views = recent.map((d) => deployView(deps.config, d));
        await enqueue(tx, { kind: 'ticket.reply', ticketId: ticket.id, ...suspectedCauses(ticket.id, views, lookback) }, { now });
      }
      const latest = await tx.deploy.findFirst({
        where: {
          service: ticket.service,
          environment: PRODUCTION,
          deployedAt: { gte: new Date(now.getTime() - SUSPECT_WINDOW_MINUTES * 60_000), lte: now },
        },
        orderBy: [{ deployedAt: 'desc' }, { id: 'desc' }],
      });
      if (latest) await warnIfSuspect(tx, deps, latest, now);
    },
  };
}

const VERDICT_EVENT: Record<Verdict, string> = {
  caused: 'deploy_caused',
  unrelated: 'deploy_not_related',
  suggested: 'deploy_verdict_undone',
};

export type DecideResult = { ok: true } | { ok: false; reason: string };

/**
 * "This caused it" (caused), "Not related" (unrelated) or Undo (back to suggested) on a deploy ↔
 * ticket link. The deploy's change-failure flag and the ticket's incident flag follow, each change a
 * ticket event; any verdict can be changed again, which is how it is undone.
 */
export async function decideLink(
  deps: DeployDeps,
  input: { deployId: number; ticketId: number; verdict: Verdict; actorId: string },
): Promise<DecideResult> {
  const now = deps.clock.now();
  const result = await deps.db.$transaction(async (tx): Promise<DecideResult> => {
    const where = { deployId_ticketId: { deployId: input.deployId, ticketId: input.ticketId } };
    if (!(await tx.deployLink.findUnique({ where }))) return { ok: false, reason: `That deploy is not linked to #${input.ticketId}.` };
    // Lock the deploy, then the ticket (always in that order), before reading them: a verdict on
    // another ticket of this deploy, or another deploy of this ticket, waits here, so the counts
    // below include it and the two flags cannot be left contradicting the links.
    await tx.deploy.updateMany({ where: { id: input.deployId }, data: { id: input.deployId } });
    await tx.ticket.updateMany({ where: { id: input.ticketId }, data: { id: input.ticketId } });
    const link = (await tx.deployLink.findUnique({ where, include: { deploy: true, ticket: true } }))!;
    if (link.verdict === input.verdict) {
      return {
        ok: false,
        reason: input.verdict === 'suggested' ? 'There is nothing to undo.' : `That is already recorded for #${input.ticketId}.`,
      };
    }
    await tx.deployLink.update({ where: { id: link.id }, data: { verdict: input.verdict, decidedBy: input.actorId, decidedAt: now } });

    const causes = await tx.deployLink.count({ where: { deployId: link.deployId, verdict: 'caused' } });
    const changeFailure = isChangeFailure(link.deploy.status, causes);
    await tx.deploy.update({ where: { id: link.deployId }, data: { changeFailure } });
    await recordEvent(tx, link.ticketId, VERDICT_EVENT[input.verdict], input.actorId, now, {
      deployId: link.deployId,
      service: link.deploy.service,
      version: link.deploy.version,
      previous: link.verdict,
      changeFailure,
    });

    // The ticket is an incident while some deploy is confirmed as its cause. Only a verdict that
    // made it one takes it back, so an incident marked for another reason stays one.
    const ticketCauses = await tx.deployLink.count({ where: { ticketId: link.ticketId, verdict: 'caused' } });
    let incident = link.ticket.incident;
    if (ticketCauses > 0 && !incident) incident = true;
    else if (ticketCauses === 0 && incident && link.verdict === 'caused') incident = false;
    if (incident !== link.ticket.incident) {
      await tx.ticket.update({ where: { id: link.ticketId }, data: { incident, updatedAt: now, version: { increment: 1 } } });
      await recordEvent(tx, link.ticketId, incident ? 'incident_marked' : 'incident_cleared', input.actorId, now, {
        deployId: link.deployId,
      });
      await enqueue(tx, { kind: 'ticket.root', ticketId: link.ticketId }, { now });
    }

    const reply = verdictReply({
      verdict: input.verdict,
      actorId: input.actorId,
      ticketId: link.ticketId,
      deploy: deployView(deps.config, link.deploy),
      changeFailure,
      incident,
    });
    await enqueue(tx, { kind: 'ticket.reply', ticketId: link.ticketId, ...reply }, { now });
    return { ok: true };
  });
  if (result.ok) deps.kick();
  return result;
}

/** Deploys linked to a ticket that the resolver may still name as its cause, for the resolve form. */
export async function causeCandidates(
  deps: Pick<DeployDeps, 'db' | 'config'>,
  ticketId: number,
): Promise<Array<{ id: number; label: string }>> {
  const links = await deps.db.deployLink.findMany({
    where: { ticketId, verdict: { in: ['suggested', 'caused'] } },
    include: { deploy: true },
    orderBy: { deploy: { deployedAt: 'desc' } },
  });
  return links.map(({ deploy }) => ({ id: deploy.id, label: `${serviceName(deps.config, deploy.service)} ${deploy.version}` }));
}

export interface FailureRate {
  failures: number;
  deploys: number;
}

/**
 * Change failure rate over [from, to): distinct production deploys that failed, were rolled back or
 * caused a ticket, over production deploys — overall and per service, numerator and denominator.
 */
export async function changeFailureRate(
  db: Db | Tx,
  period: { from: Date; to: Date },
): Promise<FailureRate & { byService: Record<string, FailureRate> }> {
  const groups = await db.deploy.groupBy({
    by: ['service', 'changeFailure'],
    where: { environment: PRODUCTION, deployedAt: { gte: period.from, lt: period.to } },
    _count: { _all: true },
  });
  const byService: Record<string, FailureRate> = {};
  for (const g of groups) {
    const s = (byService[g.service] ??= { failures: 0, deploys: 0 });
    s.deploys += g._count._all;
    if (g.changeFailure) s.failures += g._count._all;
  }
  const all = Object.values(byService);
  return { failures: all.reduce((n, s) => n + s.failures, 0), deploys: all.reduce((n, s) => n + s.deploys, 0), byService };
}
