// Rotation overrides (covers, swaps), handoff state and notes, and pages: what the rotation maths
// and the pay report read besides the config.
import type { Override } from '../domain/rotation.js';
import type { Db, Tx } from './db.js';

type Reader = Db | Tx;

/** Overrides that can matter around [from, to) (all of them when no window is given). */
export async function loadOverrides(db: Reader, rotationId: string, window?: { from: Date; to: Date }): Promise<Override[]> {
  const rows = await db.rotationOverride.findMany({
    where: { rotationId, ...(window ? { from: { lt: window.to }, to: { gt: window.from } } : {}) },
    orderBy: { createdAt: 'asc' },
  });
  return rows.map((r) => ({ id: String(r.id), user: r.userId, from: r.from, to: r.to, createdAt: r.createdAt }));
}

export async function addOverride(
  tx: Tx,
  o: { rotationId: string; userId: string; from: Date; to: Date; createdBy: string; createdAt: Date; reason: 'cover' | 'swap' },
): Promise<void> {
  await tx.rotationOverride.create({ data: o });
}

/** The last duty change announced for a rotation. */
export function handoffState(tx: Tx, rotationId: string): Promise<{ announcedAt: Date; userId: string | null } | null> {
  return tx.handoffState.findUnique({ where: { rotationId }, select: { announcedAt: true, userId: true } });
}

export async function createHandoffState(tx: Tx, rotationId: string, announcedAt: Date, userId: string | null): Promise<void> {
  await tx.handoffState.create({ data: { rotationId, announcedAt, userId } });
}

/** Moves the state on if it is still what was read; false when another process did first. */
export async function advanceHandoffState(
  tx: Tx,
  rotationId: string,
  from: Date,
  to: { announcedAt: Date; userId: string | null },
): Promise<boolean> {
  const claimed = await tx.handoffState.updateMany({ where: { rotationId, announcedAt: from }, data: to });
  return claimed.count === 1;
}

export async function addHandoffNotes(db: Reader, notes: Array<{ rotationId: string; authorId: string; text: string; createdAt: Date }>) {
  await db.handoffNote.createMany({ data: notes });
}

/** The rotation's notes not shown at a handoff yet. */
export async function pendingHandoffNotes(db: Reader, rotationId: string): Promise<Array<{ id: number; authorId: string; text: string }>> {
  const notes = await db.handoffNote.findMany({ where: { rotationId, usedAt: null }, orderBy: { id: 'asc' } });
  return notes.map((n) => ({ id: n.id, authorId: n.authorId, text: n.text }));
}

/** The rotation's notes not shown yet, marked as shown now. */
export async function takeHandoffNotes(tx: Tx, rotationId: string, now: Date): Promise<Array<{ authorId: string; text: string }>> {
  const notes = await pendingHandoffNotes(tx, rotationId);
  await tx.handoffNote.updateMany({ where: { id: { in: notes.map((n) => n.id) } }, data: { usedAt: now } });
  return notes.map((n) => ({ authorId: n.authorId, text: n.text }));
}

export async function recordPage(tx: Tx, page: { ticketId: number; userId: string; level: number; at: Date }): Promise<void> {
  await tx.page.create({ data: page });
}

/** The ticket was taken: its open pages are answered. */
export async function markPagesTaken(tx: Tx, ticketId: number, at: Date): Promise<void> {
  await tx.page.updateMany({ where: { ticketId, takenAt: null }, data: { takenAt: at } });
}

/** Pages sent in [from, to), oldest first. */
export function pagesBetween(db: Reader, from: Date, to: Date): Promise<Array<{ userId: string; ticketId: number; at: Date }>> {
  return db.page.findMany({
    where: { at: { gte: from, lt: to } },
    orderBy: { at: 'asc' },
    select: { userId: true, ticketId: true, at: true },
  });
}
