// Conversions shared by the time-keeping modules. Every minutes→milliseconds conversion goes
// through one function, so an instant computed from minutes and a state computed at that very
// instant always agree to the millisecond.
export const MS_PER_MINUTE = 60_000;

export function epochMs(t: Date, name: string): number {
  const ms = t.getTime();
  if (Number.isNaN(ms)) throw new RangeError(`${name} is an invalid Date`);
  return ms;
}

export function minutesToMs(minutes: number, what: string): number {
  if (!Number.isFinite(minutes) || minutes < 0) {
    throw new RangeError(`${what} minutes must be a finite number >= 0, got ${minutes}`);
  }
  return Math.round(minutes * MS_PER_MINUTE);
}
