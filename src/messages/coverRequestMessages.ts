// The cover request message in the support channel (open, then taken / withdrawn / expired) and the
// DMs around it. Pure functions of plain data.
import type { KnownBlock } from '@slack/types';
import { COVER_ACTION } from './ids.js';
import { timeWindow } from './rotationViews.js';
import { type Message, mention, mrkdwn, plain, slackDate } from './text.js';

export interface CoverRequestView {
  id: number;
  requesterId: string;
  /** "On call", "Payments gardener". */
  title: string;
  from: Date;
  to: Date;
  status: 'open' | 'taken' | 'withdrawn' | 'expired';
  takenBy: string | null;
  timeZone: string;
}

const window = (v: CoverRequestView) => timeWindow(v.from, v.to, v.timeZone);

function headline(v: CoverRequestView): string {
  const asked = `${mention(v.requesterId)} needs cover for ${v.title} ${window(v)}`;
  switch (v.status) {
    case 'open':
      return `:sos: ${asked}. Members of the rotation: click *I'll cover* to take it.`;
    case 'taken':
      return `:white_check_mark: ${mention(v.takenBy)} is covering ${mention(v.requesterId)} for ${v.title} ${window(v)}.`;
    case 'withdrawn':
      return `:heavy_multiplication_x: ${mention(v.requesterId)} withdrew their request for cover for ${v.title} ${window(v)}.`;
    case 'expired':
      return `:hourglass: Expired: nobody took ${mention(v.requesterId)}'s request for cover for ${v.title} ${window(v)} before it started.`;
  }
}

export function coverRequestMessage(v: CoverRequestView): Message & { blocks: KnownBlock[] } {
  const text = headline(v);
  const blocks: KnownBlock[] = [{ type: 'section', block_id: 'request', text: mrkdwn(text) }];
  if (v.status === 'open') {
    const value = String(v.id);
    blocks.push({
      type: 'actions',
      block_id: 'cover',
      elements: [
        { type: 'button', text: plain("I'll cover"), action_id: COVER_ACTION.take, value, style: 'primary' },
        { type: 'button', text: plain('Withdraw'), action_id: COVER_ACTION.withdraw, value },
      ],
    });
  }
  return { text, blocks };
}

/** The DM to each person a taken request affects. */
export function coverTakenDm(v: CoverRequestView, to: string): string {
  if (to === v.takenBy) return `You are covering ${mention(v.requesterId)} for ${v.title} ${window(v)}; it is in the rotation now.`;
  if (to === v.requesterId) return `${mention(v.takenBy)} is covering for you: ${v.title} ${window(v)}.`;
  return `${mention(v.takenBy)} took ${mention(v.requesterId)}'s request for cover for ${v.title} ${window(v)}, so you are off duty then.`;
}

export function coverExpiredDm(v: CoverRequestView): string {
  return `Nobody took your request for cover for ${v.title} ${window(v)}, and it has started. You are still on duty; ask an admin or use \`/support cover\`.`;
}

export function coverUntakenAdminDm(v: CoverRequestView): string {
  return `:warning: Nobody has taken ${mention(v.requesterId)}'s request for cover for ${v.title} ${window(v)} yet; it starts ${slackDate(v.from, v.timeZone)}.`;
}
