// Rollout stages of a progressive deploy: a canary, then a share of the hosts, then all of them —
// or a rollback. The same deploy is reported once per stage; these rules say what a stage is and
// where a rollout stands.
import { fail, ok, type Result } from './result.js';

export const CANARY = 'canary';
export const COMPLETE = '100%';
export const ROLLED_BACK = 'rolled_back';
export const DEFAULT_STALL_HOURS = 24;

export interface StageEntry {
  stage: string;
  /** When the stage began. */
  at: Date;
}

/**
 * Normalises a reported stage: "canary", "rolled_back", or a percentage of hosts such as "10%"
 * (also "10 %" or "12.5%"), above 0 and at most 100.
 */
export function parseStage(raw: string): Result<string> {
  const text = raw.trim().toLowerCase().replace(/\s+/g, '');
  if (text === CANARY || text === ROLLED_BACK) return ok(text);
  const m = /^(\d{1,3}(?:\.\d{1,2})?)%$/.exec(text);
  const share = m ? Number(m[1]) : Number.NaN;
  if (!(share > 0 && share <= 100)) return fail(`must be "canary", a percentage such as "10%" or "100%", or "rolled_back"`);
  return ok(`${share}%`);
}

/** A rollout still under way: it has stages and has reached neither all hosts nor a rollback. */
export function isUnderWay(stage: string | null): boolean {
  return stage !== null && stage !== COMPLETE && stage !== ROLLED_BACK;
}

/** How a stage reads in a message: "canary", "10%", "rolled back". */
export function stageLabel(stage: string): string {
  return stage === ROLLED_BACK ? 'rolled back' : stage;
}

/** When a rollout that began at `startedAt` counts as stalled if it has not reached 100% by then. */
export function stallDueAt(startedAt: Date, stallHours: number): Date {
  return new Date(startedAt.getTime() + stallHours * 3_600_000);
}
