// Turns the people named in deploy reports into Slack users. Emails cost a Slack call each, and CI
// reports the same few people all day, so answers are cached (misses for less time than hits: a
// new hire's email starts resolving soon after they join Slack).
import type { Clock } from '../clock.js';
import { parsePersonRef } from '../domain/deploy.js';

/** users.lookupByEmail: the user id, or null when Slack knows no such user. Other failures throw. */
export type EmailLookup = (email: string) => Promise<string | null>;

const HIT_TTL_MS = 24 * 3600_000;
const MISS_TTL_MS = 10 * 60_000;
const MAX_ENTRIES = 5000;

export class PeopleResolver {
  private readonly cache = new Map<string, { userId: string | null; until: number }>();

  constructor(
    private readonly lookup: EmailLookup,
    private readonly clock: Clock,
    private readonly gitLogins: Record<string, string>,
  ) {}

  /** A Slack user id when the person can be found, else the name as sent (never dropped). */
  async resolve(raw: string | null): Promise<string | null> {
    if (raw === null) return null;
    const ref = parsePersonRef(raw, this.gitLogins);
    if (ref.kind === 'slack') return ref.userId;
    if (ref.kind === 'text') return ref.text;
    return (await this.byEmail(ref.email)) ?? ref.email;
  }

  private async byEmail(email: string): Promise<string | null> {
    const now = this.clock.now().getTime();
    const cached = this.cache.get(email);
    if (cached && cached.until > now) return cached.userId;
    let userId: string | null;
    try {
      userId = await this.lookup(email);
    } catch {
      // Slack is unreachable or refuses: show the email now, ask again next time (not cached).
      return null;
    }
    if (this.cache.size >= MAX_ENTRIES) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(email, { userId, until: now + (userId ? HIT_TTL_MS : MISS_TTL_MS) });
    return userId;
  }
}
