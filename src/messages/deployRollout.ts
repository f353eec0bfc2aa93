// Block Kit pieces for progressive deploys, deploy windows and compare links: the lines the
// announcement gains, the Compare old vs new button, and the replies in the announcement's thread.
// Pure functions of plain data.
import type { ActionsBlock, Button } from '@slack/types';
import { stageLabel, type StageEntry } from '../domain/rollout.js';
import { escapeMrkdwn, plain, slackDate, truncate } from './text.js';

export const COMPARE_ACTION = 'deploy_compare';

/** "Rollout: canary <time> → 10% <time> → *100%* <time>", the current stage in bold. */
export function rolloutLine(stages: StageEntry[], timeZone: string): string {
  const steps = stages.map((s, i) => {
    const label = escapeMrkdwn(stageLabel(s.stage));
    return `${i === stages.length - 1 ? `*${label}*` : label} ${slackDate(s.at, timeZone)}`;
  });
  return `:arrows_counterclockwise: Rollout: ${steps.join(' → ')}`;
}

/** The mark on a deploy reported outside its service's window. */
export function outsideWindowLine(windowLabel: string): string {
  return `:crescent_moon: outside the support window ${escapeMrkdwn(windowLabel)}`;
}

/** The stage a deploy was at when a ticket was filed, as the ticket's deploy list shows it. */
export function stageAtFilingLine(stage: string, ticketId: number): string {
  return `rollout at *${escapeMrkdwn(stageLabel(stage))}* when #${ticketId} was filed`;
}

/** A link button; Slack opens the URL, the click's block_actions is only acknowledged. */
export function compareButton(url: string): Button {
  return { type: 'button', text: plain('Compare old vs new', 75), action_id: COMPARE_ACTION, url: truncate(url, 3000) };
}

/** Told once in the announcement's thread: who is on duty to watch a deploy outside the window. */
export function outsideWindowReply(f: { deployName: string; windowLabel: string; gardener: string | null; oncall: string | null }) {
  const who = [f.gardener ? `<@${f.gardener}> (gardener)` : null, f.oncall ? `<@${f.oncall}> (on call)` : null].filter(Boolean);
  const text = `:crescent_moon: ${f.deployName} went out outside the support window ${escapeMrkdwn(f.windowLabel)}.${
    who.length ? ` ${who.join(', ')}: please keep an eye on it.` : ' Nobody is on duty for its squad right now.'
  }`;
  return { text };
}

/** Said once in the announcement's thread when a rollout has not reached 100% in time. */
export function rolloutStalledReply(f: {
  deployName: string;
  stage: string;
  since: Date;
  hours: number;
  timeZone: string;
  people: string;
}) {
  return {
    text: `:hourglass: The rollout of ${f.deployName} has not reached 100% within ${f.hours} h: it is at ${escapeMrkdwn(stageLabel(f.stage))} since ${slackDate(f.since, f.timeZone)}. Finish it or roll it back. cc ${f.people}`,
  };
}

export function compareActions(url: string | null | undefined, blockId: string): ActionsBlock[] {
  return url ? [{ type: 'actions', block_id: blockId, elements: [compareButton(url)] }] : [];
}
