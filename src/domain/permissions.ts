// Who may change duty and who may judge a deploy: pure rules over plain facts. Each answers null
// when the person may act, else the sentence telling them why not (shown to them alone).

/** A rotation's configured members. */
type Members = { members: Array<{ user: string }> };

const mention = (u: string) => `<@${u}>`;
const list = (ids: string[]) => ids.map(mention).join(', ');

/** Listed in the rotation's `members` (with or without `from` / `until`): the people trusted with its duty. */
export function isMember(rotation: Members, userId: string): boolean {
  return rotation.members.some((m) => m.user === userId);
}

/** How a refusal names a rotation and where its members are configured. */
export interface RotationNames {
  /** "on-call", "Payments gardener". */
  name: string;
  role: string;
  configPath: string;
}

function notMember(userId: string, r: RotationNames, what: string): string {
  return `${mention(userId)} is not in the ${r.name} rotation (\`${r.configPath}\`); only admins can ${what} someone outside it.`;
}

/**
 * A cover hands [from, to) to `userId`. An admin may give it to anyone; otherwise only the person
 * on duty for all of that time may, and only to a member of the rotation. A member cannot take a
 * shift nobody handed them, and an outsider cannot make themselves on duty.
 */
export function coverRefusal(c: {
  actorId: string;
  actorIsAdmin: boolean;
  userId: string;
  /** Who is on duty in the window now (besides `userId`). */
  covered: string[];
  rotation: Members;
  names: RotationNames;
}): string | null {
  if (c.actorIsAdmin) return null;
  const others = c.covered.filter((u) => u !== c.actorId);
  if (others.length)
    return c.covered.includes(c.actorId)
      ? `Sorry, you can only hand over your own time: ${list(others)} is ${c.names.role} for part of it; ask them or an admin.`
      : `Sorry, only admins and who is ${c.names.role} then (${list(c.covered)}) can hand over that time.`;
  return isMember(c.rotation, c.userId) ? null : notMember(c.userId, c.names, 'give it to');
}

/** A swap trades shifts of `a` and `b`: an admin, or one of the two when both are members. */
export function swapRefusal(s: {
  actorId: string;
  actorIsAdmin: boolean;
  a: string;
  b: string;
  rotation: Members;
  names: RotationNames;
}): string | null {
  if (s.actorIsAdmin) return null;
  if (s.actorId !== s.a && s.actorId !== s.b) return `Sorry, only admins, ${mention(s.a)} and ${mention(s.b)} can swap their shifts.`;
  const outsider = [s.a, s.b].find((u) => !isMember(s.rotation, u));
  return outsider ? notMember(outsider, s.names, 'swap shifts with') : null;
}

/**
 * "This caused it", "Not related" and Undo change the change failure rate, so they are for the
 * people who know: the ticket's owner, the deploy's author or merger (stored as a Slack id when
 * they could be found), or an admin.
 */
export function verdictRefusal(v: {
  actorId: string;
  actorIsAdmin: boolean;
  ownerId: string | null;
  author: string | null;
  mergedBy: string | null;
}): string | null {
  if (v.actorIsAdmin || [v.ownerId, v.author, v.mergedBy].includes(v.actorId)) return null;
  const owner = v.ownerId ? ` (${mention(v.ownerId)})` : '';
  return `Sorry, only the ticket's owner${owner}, the deploy's author or merger, or an admin can say whether a deploy caused a ticket.`;
}
