// The one ok/fail shape of the code base: use cases, parsers and validators all answer with it, so
// callers branch the same way everywhere and a failure always carries a sentence for a person.
export type Result<T, E = string> = { ok: true; value: T } | { ok: false; error: E };

export const ok = <T>(value: T): { ok: true; value: T } => ({ ok: true, value });
export const fail = <E = string>(error: E): { ok: false; error: E } => ({ ok: false, error });
