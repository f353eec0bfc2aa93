// Cover requests (`/support cover-me`). A request leaves "open" once, by a conditional update, so
// of two people clicking at the same moment exactly one takes it.
import type { Db, Tx } from './db.js';

export type CoverRequestStatus = 'open' | 'taken' | 'withdrawn' | 'expired';

export interface CoverRequest {
  id: number;
  rotationId: string;
  requesterId: string;
  from: Date;
  to: Date;
  status: CoverRequestStatus;
  takenBy: string | null;
}

const STATUSES: readonly string[] = ['open', 'taken', 'withdrawn', 'expired'];

function toRequest(row: {
  id: number;
  rotationId: string;
  requesterId: string;
  from: Date;
  to: Date;
  status: string;
  takenBy: string | null;
}): CoverRequest {
  const { id, rotationId, requesterId, from, to, takenBy } = row;
  // An unknown status (written by a newer version) is treated as closed.
  const status = (STATUSES.includes(row.status) ? row.status : 'expired') as CoverRequestStatus;
  return { id, rotationId, requesterId, from, to, status, takenBy };
}

export async function insertCoverRequest(
  tx: Tx,
  r: { rotationId: string; requesterId: string; from: Date; to: Date; createdAt: Date },
): Promise<CoverRequest> {
  return toRequest(await tx.coverRequest.create({ data: r }));
}

export async function findCoverRequests(db: Db | Tx, ids: number[]): Promise<CoverRequest[]> {
  return (await db.coverRequest.findMany({ where: { id: { in: ids } } })).map(toRequest);
}

/** Closes the request if it is still open; false when someone else closed it first. */
export async function closeCoverRequest(
  tx: Tx,
  id: number,
  to: { status: Exclude<CoverRequestStatus, 'open'>; takenBy?: string; at: Date },
): Promise<boolean> {
  const { count } = await tx.coverRequest.updateMany({
    where: { id, status: 'open' },
    data: { status: to.status, takenBy: to.takenBy ?? null, closedAt: to.at },
  });
  return count === 1;
}
