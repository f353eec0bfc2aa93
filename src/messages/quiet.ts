// Quiet by default: nobody is pinged for their own action. Slack notifies the people mentioned in a
// message when it is posted, not when it is edited, and has no silent mention; so a message naming
// the person who acted is posted with their mention replaced by a word, then edited to show it.

/** The text (or serialized blocks) with the mentions of `userIds` replaced by a word that pings nobody. */
export function withoutMentions(text: string, userIds: readonly string[]): string {
  if (!userIds.length) return text;
  return text.replace(/<@([A-Z0-9]+)(?:\|[^>]*)?>/g, (whole, id: string) => (userIds.includes(id) ? 'someone' : whole));
}

/** Whether posting `text` would mention any of `userIds` (then it is posted quietly, then edited). */
export function mentionsAny(text: string, userIds: readonly string[]): boolean {
  return userIds.some((id) => text.includes(`<@${id}>`) || text.includes(`<@${id}|`));
}
