/** Which database a DATABASE_URL names; everything provider-specific keys off this. */
export type Provider = 'sqlite' | 'postgresql';

export function providerOf(url: string): Provider {
  if (/^postgres(ql)?:\/\//.test(url)) return 'postgresql';
  if (url.startsWith('file:')) return 'sqlite';
  throw new Error(`DATABASE_URL must start with "file:" (SQLite) or "postgresql://" (PostgreSQL), got "${url.split(':')[0]}:…"`);
}

/** Path of a Prisma-style SQLite URL ("file:./data/x.db"), resolved against the working directory. */
export function sqlitePath(url: string): string {
  return url.replace(/^file:/, '').replace(/\?.*$/, '');
}
