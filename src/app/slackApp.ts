// The bot's Slack connection: the Web API client, Bolt's app and receiver, and who the bot is.
import { platformError } from '../outbox/slackErrors.js';
import type { EmailLookup } from '../services/people.js';

/** The lookup through a Web API client: "users_not_found" is an answer, anything else an error. */
export function slackEmailLookup(client: {
  users: { lookupByEmail(args: { email: string }): Promise<{ user?: { id?: string } }> };
}): EmailLookup {
  return async (email) => {
    try {
      const res = await client.users.lookupByEmail({ email });
      return res.user?.id ?? null;
    } catch (err) {
      if (platformError(err) === 'users_not_found') return null;
      throw err;
    }
  };
}
