// Deploys and their links to tickets (suggested, caused, unrelated).
import {
  type Deploy,
  DEPLOY_STATUSES,
  type DeployInput,
  type DeployStatus,
  naturalKey,
  PRODUCTION,
  type Verdict,
} from '../domain/deploy.js';
import type { Ticket } from '../domain/ticket.js';
import type { Deploy as DeployRow } from '../generated/sqlite/client.js';
import type { Db, Tx } from './db.js';
import { findTicket } from './tickets.js';

type Reader = Db | Tx;

const SOURCES: ReadonlyArray<Deploy['source']> = ['api', 'github', 'slack'];

export function toDeploy(row: DeployRow): Deploy {
  return {
    ...row,
    status: (DEPLOY_STATUSES as readonly string[]).includes(row.status) ? (row.status as DeployStatus) : 'succeeded',
    source: SOURCES.find((s) => s === row.source) ?? 'api',
  };
}

const orNull = (row: DeployRow | null) => row && toDeploy(row);

export async function findDeploy(db: Reader, id: number): Promise<Deploy | null> {
  return orNull(await db.deploy.findUnique({ where: { id } }));
}

/**
 * The deploy this report repeats, if any: the same id, or the same service + version + environment
 * + status. A rollback report also matches the succeeded deploy of that version it takes back.
 */
export async function findReported(db: Reader, input: DeployInput): Promise<Deploy | null> {
  if (input.externalId) {
    const byId = await db.deploy.findUnique({ where: { externalId: input.externalId } });
    if (byId) return toDeploy(byId);
  }
  const byKey = await db.deploy.findUnique({ where: { dedupKey: naturalKey(input) } });
  if (byKey) return toDeploy(byKey);
  if (input.status !== 'rolled_back') return null;
  return orNull(
    await db.deploy.findFirst({
      where: {
        service: input.service,
        environment: input.environment,
        version: input.version,
        status: { in: ['succeeded', 'rolled_back'] },
      },
      orderBy: { deployedAt: 'desc' },
    }),
  );
}

/** The commit of the last succeeded deploy of the service and environment before `before`. */
export async function previousCommit(
  db: Reader,
  input: Pick<DeployInput, 'service' | 'environment'>,
  before: Date,
): Promise<string | null> {
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

/** The stage is not part of it: a stage is appended after the insert (rollouts.ts appendStage). */
export type NewDeploy = Omit<Deploy, 'id' | 'dedupKey' | 'rolledBackAt' | 'suspectWarnedAt' | 'stage'>;

export async function insertDeploy(tx: Tx, d: NewDeploy): Promise<Deploy> {
  return toDeploy(await tx.deploy.create({ data: { ...d, dedupKey: naturalKey(d) } }));
}

/** succeeded → rolled_back; false when it was not (any more) succeeded. */
export async function markRolledBack(tx: Tx, id: number, at: Date): Promise<boolean> {
  const claimed = await tx.deploy.updateMany({
    where: { id, status: 'succeeded' },
    data: { status: 'rolled_back', rolledBackAt: at, changeFailure: true },
  });
  return claimed.count === 1;
}

/** Conditional on "not warned yet", so concurrent tickets cannot both warn. */
export async function claimSuspectWarning(tx: Tx, id: number, now: Date): Promise<boolean> {
  const claimed = await tx.deploy.updateMany({ where: { id, suspectWarnedAt: null }, data: { suspectWarnedAt: now } });
  return claimed.count === 1;
}

export async function setChangeFailure(tx: Tx, id: number, changeFailure: boolean): Promise<void> {
  await tx.deploy.update({ where: { id }, data: { changeFailure } });
}

/** Takes the deploy's row lock until the transaction ends (a no-op write). */
export async function lockDeploy(tx: Tx, id: number): Promise<void> {
  await tx.deploy.updateMany({ where: { id }, data: { id } });
}

/** Production deploys of a service in [from, to], newest first. */
export async function productionDeploys(db: Reader, service: string, from: Date, to: Date, take?: number): Promise<Deploy[]> {
  const rows = await db.deploy.findMany({
    where: { service, environment: PRODUCTION, deployedAt: { gte: from, lte: to } },
    orderBy: [{ deployedAt: 'desc' }, { id: 'desc' }],
    ...(take ? { take } : {}),
  });
  return rows.map(toDeploy);
}

/** `stage`: the deploy's rollout stage when the link is made. */
export async function linkDeploy(tx: Tx, deployId: number, ticketId: number, now: Date, stage: string | null): Promise<void> {
  await tx.deployLink.create({ data: { deployId, ticketId, createdAt: now, stage } });
}

export interface DeployLink {
  id: number;
  verdict: Verdict;
  deploy: Deploy;
  ticket: Ticket;
}

const VERDICTS: readonly Verdict[] = ['caused', 'unrelated', 'suggested'];

export async function findLink(tx: Tx, deployId: number, ticketId: number): Promise<DeployLink | null> {
  const link = await tx.deployLink.findUnique({ where: { deployId_ticketId: { deployId, ticketId } } });
  if (!link) return null;
  const [deploy, ticket] = await Promise.all([findDeploy(tx, deployId), findTicket(tx, ticketId)]);
  return {
    id: link.id,
    verdict: VERDICTS.find((v) => v === link.verdict) ?? 'suggested',
    deploy: deploy!,
    ticket: ticket!,
  };
}

export async function setVerdict(tx: Tx, linkId: number, verdict: Verdict, decidedBy: string, decidedAt: Date): Promise<void> {
  await tx.deployLink.update({ where: { id: linkId }, data: { verdict, decidedBy, decidedAt } });
}

/** Links confirmed as a cause, of one deploy or of one ticket. */
export function countCauses(tx: Tx, of: { deployId: number } | { ticketId: number }): Promise<number> {
  return tx.deployLink.count({ where: { ...of, verdict: 'caused' } });
}

/** Deploys linked to a ticket and not ruled out, newest first. */
export async function causeCandidates(db: Reader, ticketId: number): Promise<Deploy[]> {
  const links = await db.deployLink.findMany({
    where: { ticketId, verdict: { in: ['suggested', 'caused'] } },
    include: { deploy: true },
    orderBy: { deploy: { deployedAt: 'desc' } },
  });
  return links.map((l) => toDeploy(l.deploy));
}
