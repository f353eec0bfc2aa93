// Slack's rate limits are per method, and chat.postMessage's per channel (about one message a second,
// with short bursts): a lane is what one limit applies to. A 429 pauses its lane only, and the
// paced lanes are held to their rate across every replica (repos/slackPace.ts).
import type { OutboxKind } from './queue.js';

/** At most `burst` calls at once, then one every `intervalMs`. */
export interface PaceRule {
  intervalMs: number;
  burst: number;
}

/** Pace rules by Web API method; a method without one is only paused by a 429. */
export type PaceRules = Readonly<Record<string, PaceRule>>;

/**
 * chat.postMessage is the one method Slack limits per channel, and the one a burst of tickets
 * pushes past its limit. chat.update (Tier 3, 50+ a minute for the workspace) follows at most one
 * edit per post or per click, so a 429 pausing it is enough.
 */
export const SLACK_PACE: PaceRules = { 'chat.postMessage': { intervalMs: 1000, burst: 3 } };

/** The lane of a call: chat.postMessage per channel, every other method as a whole. */
export function laneOf(method: string, channel?: string): string {
  return method === 'chat.postMessage' && channel ? `${method}:${channel}` : method;
}

/** The method whose limit a lane is. */
export function methodOfLane(lane: string): string {
  return lane.split(':')[0]!;
}

/** Where a ticket's messages go: read from the ticket before they are sent. */
export interface TicketTarget {
  channel: string;
  rootTs: string | null;
  reporterId: string;
}

/**
 * The lanes of the calls that deliver a message (its main call: the history look-up before a
 * re-post, a permalink or the edit after a quiet post are not paced, only paused by their 429s).
 * None when it needs its ticket and the ticket is gone (sending it finds nothing to send).
 */
export function lanesOf(message: OutboxKind, ticket: TicketTarget | undefined): string[] {
  const post = (channel: string) => [laneOf('chat.postMessage', channel)];
  switch (message.kind) {
    case 'ticket.root':
      if (!ticket) return [];
      return ticket.rootTs ? ['chat.update'] : post(ticket.channel);
    case 'ticket.reply':
    case 'ticket.deployNote':
      return ticket ? post(ticket.channel) : [];
    case 'ticket.confirm':
      return ticket ? post(ticket.reporterId) : [];
    case 'ticket.dm':
      return post(message.userId);
    case 'ticket.sourceReply':
    case 'post':
      return post(message.channel);
    case 'update':
      return ['chat.update'];
    case 'upload':
      return ['files.getUploadURLExternal', 'files.completeUploadExternal'];
    case 'call':
      return [message.method];
  }
}
