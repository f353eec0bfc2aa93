// Block Kit for deploys: the channel announcement, the suspected-cause list in a ticket's thread,
import type { KnownBlock } from '@slack/types';
// notes, verdict replies and the suspect-deploy warning. Pure functions of plain data.
import { formatDuration } from '../domain/sla.js';
import { type Deploy, type DeployStatus, isSlackUserId } from '../domain/deploy.js';
import type { SuspectVerdict } from '../domain/poisson.js';
import type { StageEntry } from '../domain/rollout.js';
import { compareActions, compareButton, outsideWindowLine, rolloutLine, stageAtFilingLine } from './deployRollout.js';
import { escapeMrkdwn, type Message, mrkdwn, plain, slackDate, truncate, userText } from './text.js';

export const DEPLOY_ACTION = {
  caused: 'deploy_caused',
  unrelated: 'deploy_unrelated',
  undo: 'deploy_undo',
} as const;

/** A deploy as messages show it. People are stored as a Slack id when resolved, else as sent. */
export interface DeployView
  extends Pick<Deploy, 'id' | 'version' | 'commit' | 'author' | 'mergedBy' | 'url' | 'environment' | 'status' | 'deployedAt'> {
  serviceName: string;
  timeZone: string;
  /** Rollout stages so far, oldest first; empty or absent when reported without stages. */
  stages?: StageEntry[];
  /** The current rollout stage; null or absent when reported without stages. */
  stage?: string | null;
  /** The service's compare template filled in, for the Compare old vs new button. */
  compareUrl?: string | null;
  /** The support window's label when the deploy went out outside it. */
  outsideWindow?: string | null;
}

export interface TicketSummary {
  id: number;
  priority: string;
  title: string;
}

export type { Verdict } from '../domain/deploy.js';
import type { Verdict } from '../domain/deploy.js';

/** The button value naming one deploy ↔ ticket pair. */
export function linkValue(deployId: number, ticketId: number): string {
  return `${deployId}:${ticketId}`;
}

export function parseLinkValue(value: string | undefined): { deployId: number; ticketId: number } | null {
  const m = /^(\d{1,15}):(\d{1,15})$/.exec(value ?? '');
  return m ? { deployId: Number(m[1]), ticketId: Number(m[2]) } : null;
}

/** A mention when the person is a known Slack user, else their name verbatim — never dropped. */
export function person(stored: string | null): string {
  if (!stored) return '_unknown_';
  return isSlackUserId(stored) ? `<@${stored}>` : userText(stored, 200, 1000);
}

/** "author <@A>, merged by <@M>", naming someone who did both once. */
export function people(d: Pick<DeployView, 'author' | 'mergedBy'>): string {
  if (d.author && d.author === d.mergedBy) return `author and merger ${person(d.author)}`;
  const parts = [`author ${person(d.author)}`];
  if (d.mergedBy) parts.push(`merged by ${person(d.mergedBy)}`);
  return parts.join(', ');
}

const STATUS_LINE: Record<DeployStatus, { emoji: string; words: string }> = {
  succeeded: { emoji: ':rocket:', words: 'deployed to' },
  failed: { emoji: ':x:', words: 'failed to deploy to' },
  rolled_back: { emoji: ':rewind:', words: 'was rolled back in' },
};

export function deployName(d: Pick<DeployView, 'serviceName' | 'version'>): string {
  return `*${escapeMrkdwn(d.serviceName)}* \`${userText(d.version, 100, 500)}\``;
}

function compareLink(d: DeployView): string | null {
  return d.url ? `<${d.url.replace(/[<>|]/g, encodeURIComponent)}|Compare current and new version>` : null;
}

function headline(d: DeployView): string {
  const s = STATUS_LINE[d.status];
  return `${s.emoji} ${deployName(d)} ${s.words} ${userText(d.environment, 60, 300)}`;
}

function details(d: DeployView): string {
  return [people(d), d.commit ? `commit \`${userText(d.commit, 12, 60)}\`` : null, slackDate(d.deployedAt, d.timeZone), compareLink(d)]
    .filter(Boolean)
    .join(' · ');
}

function ticketLine(t: TicketSummary): string {
  return `#${t.id} ${escapeMrkdwn(t.priority)} ${userText(t.title, 80, 400)}`;
}

const MAX_LISTED_TICKETS = 10;

/** The announcement in the deploys channel: what, who, the diff, and what is open on the service. */
export function deployAnnouncement(d: DeployView, openTickets: TicketSummary[]): Required<Message> {
  const shown = openTickets.slice(0, MAX_LISTED_TICKETS);
  const more = openTickets.length - shown.length;
  const open = openTickets.length
    ? `*Open tickets on ${escapeMrkdwn(d.serviceName)}:* ${shown.map(ticketLine).join(', ')}${more > 0 ? ` and ${more} more` : ''}`
    : `No open tickets on ${escapeMrkdwn(d.serviceName)}.`;
  const lines = [
    headline(d),
    details(d),
    d.outsideWindow ? outsideWindowLine(d.outsideWindow) : null,
    d.stages?.length ? rolloutLine(d.stages, d.timeZone) : null,
  ];
  return {
    text: truncate(`${headline(d)} — ${people(d)}`, 3900),
    blocks: [
      { type: 'section', block_id: 'deploy', text: mrkdwn(lines.filter(Boolean).join('\n')) },
      ...compareActions(d.compareUrl, 'compare'),
      { type: 'context', block_id: 'open_tickets', elements: [mrkdwn(open)] },
    ],
  };
}

/** Blocks are 50 per message: two per deploy plus the header leaves room for this many. */
const MAX_SUGGESTED = 20;

/**
 * The reply in a new ticket's thread listing recent deploys of its service, newest first. The
 * mentions are the page: the author and merger of each deploy are notified in the thread.
 */
export function suspectedCauses(ticketId: number, deploys: DeployView[], lookbackMinutes: number): Required<Message> {
  const shown = deploys.slice(0, MAX_SUGGESTED);
  const intro = `:mag: ${deploys.length === 1 ? 'A deploy' : `${deploys.length} deploys`} of ${escapeMrkdwn(shown[0]?.serviceName ?? '')} in the ${formatDuration(lookbackMinutes)} before #${ticketId}. Did one of them cause it?`;
  const blocks: KnownBlock[] = [{ type: 'section', block_id: 'intro', text: mrkdwn(intro) }];
  for (const d of shown) {
    const text = [headline(d), details(d), d.stage ? stageAtFilingLine(d.stage, ticketId) : null].filter(Boolean).join('\n');
    blocks.push({ type: 'section', block_id: `deploy_${d.id}`, text: mrkdwn(text) });
    blocks.push({
      type: 'actions',
      block_id: `deploy_actions_${d.id}`,
      elements: [
        {
          type: 'button',
          text: plain('This caused it', 75),
          action_id: DEPLOY_ACTION.caused,
          value: linkValue(d.id, ticketId),
          style: 'danger',
        },
        { type: 'button', text: plain('Not related', 75), action_id: DEPLOY_ACTION.unrelated, value: linkValue(d.id, ticketId) },
        ...(d.compareUrl ? [compareButton(d.compareUrl)] : []),
      ],
    });
  }
  if (deploys.length > shown.length)
    blocks.push({ type: 'context', elements: [mrkdwn(`${deploys.length - shown.length} older deploys are not listed.`)] });
  return {
    text: truncate(`${intro} ${shown.map((d) => `${deployName(d)} (${people(d)})`).join('; ')}`, 3900),
    blocks,
  };
}

/** A deploy of the ticket's service while the ticket is open (or a later rollback of one). */
export function deployNote(d: DeployView): Required<Message> {
  return noteMessage(notedDeploy(d));
}

function noteMessage(d: NotedDeploy): Required<Message> {
  const text = `${d.headline} while this ticket is open — ${d.details}`;
  return {
    text: truncate(text, 3900),
    blocks: [
      { type: 'section', block_id: `deploy_note_${d.id}`, text: mrkdwn(text) },
      ...compareActions(d.compareUrl, `deploy_note_compare_${d.id}`),
    ],
  };
}

/** Deploys a combined note lists in full; it counts the earlier ones. */
export const MAX_NOTED = 10;

/** One deploy in a note, rendered once: a combined note is rebuilt from these without reading the deploys again. */
export interface NotedDeploy {
  id: number;
  headline: string;
  details: string;
  compareUrl: string | null;
}

export function notedDeploy(d: DeployView): NotedDeploy {
  return { id: d.id, headline: headline(d), details: details(d), compareUrl: d.compareUrl ?? null };
}

/**
 * The note in an open ticket's thread for the deploys of its service since the last note (oldest
 * first; the last MAX_NOTED given, `total` counting all). One deploy reads as deployNote.
 */
export function deployNotes(serviceName: string, noted: NotedDeploy[], total = noted.length): Required<Message> {
  const shown = noted.slice(-MAX_NOTED);
  if (total === 1 && shown.length === 1) return noteMessage(shown[0]!);
  const earlier = total - shown.length;
  const intro = `:rocket: ${total} deploys of ${escapeMrkdwn(serviceName)} while this ticket is open:`;
  const lines = shown.map((d) => `${d.headline} — ${d.details}`);
  const more = earlier > 0 ? `…and ${earlier} earlier ${earlier === 1 ? 'one' : 'ones'}, in the deploys channel.` : null;
  const blocks: KnownBlock[] = [{ type: 'section', block_id: 'deploy_notes', text: mrkdwn(intro) }];
  shown.forEach((d, i) => {
    blocks.push({ type: 'section', block_id: `deploy_note_${d.id}`, text: mrkdwn(lines[i]!) });
    blocks.push(...compareActions(d.compareUrl, `deploy_note_compare_${d.id}`));
  });
  if (more) blocks.push({ type: 'context', block_id: 'deploy_notes_more', elements: [mrkdwn(more)] });
  return { text: truncate([intro, ...lines, more].filter(Boolean).join('\n'), 3900), blocks };
}

/** A rollback reported after the deploy was announced: said in the announcement's thread. */
export function rollbackReply(d: DeployView, at: Date): Message {
  return { text: `:rewind: ${deployName(d)} was rolled back ${slackDate(at, d.timeZone)}; it counts as a change failure.` };
}

export interface VerdictChange {
  verdict: Verdict;
  actorId: string;
  ticketId: number;
  deploy: DeployView;
  /** Whether the deploy counts as a change failure / the ticket as an incident after the change. */
  changeFailure: boolean;
  incident: boolean;
}

/** What a click on This caused it / Not related / Undo did, with a button to take it back. */
export function verdictReply(c: VerdictChange): Required<Message> {
  const who = `<@${c.actorId}>`;
  const name = deployName(c.deploy);
  const sentence =
    c.verdict === 'caused'
      ? `:boom: ${who} confirmed that ${name} caused #${c.ticketId}.`
      : c.verdict === 'unrelated'
        ? `${who} marked ${name} as not related to #${c.ticketId}.`
        : `${who} took back the verdict on ${name}: it is a suspected cause of #${c.ticketId} again.`;
  const state = `${name} ${c.changeFailure ? 'counts' : 'does not count'} as a change failure; #${c.ticketId} ${c.incident ? 'is' : 'is not'} an incident.`;
  const blocks: KnownBlock[] = [{ type: 'section', block_id: 'verdict', text: mrkdwn(`${sentence}\n${state}`) }];
  if (c.verdict !== 'suggested') {
    blocks.push({
      type: 'actions',
      block_id: 'verdict_actions',
      elements: [{ type: 'button', text: plain('Undo', 75), action_id: DEPLOY_ACTION.undo, value: linkValue(c.deploy.id, c.ticketId) }],
    });
  }
  return { text: truncate(`${sentence} ${state}`, 3900), blocks };
}

/** "1 in 25,000" reads faster than 4e-5; below a billion the exact odds stop meaning anything. */
export function formatChance(p: number): string {
  if (p >= 0.01) return `${(p * 100).toFixed(p >= 0.1 ? 0 : 1)}%`;
  if (p < 1e-9) return 'less than 1 in a billion';
  return `1 in ${Math.round(1 / p).toLocaleString('en-US')}`;
}

function formatRate(x: number): string {
  return x >= 10 ? String(Math.round(x)) : x.toPrecision(2).replace(/\.?0+$/, '');
}

export interface SuspectFacts {
  deploy: DeployView;
  tickets: number[];
  minutesSince: number;
  baselineTickets: number;
  baselineDays: number;
  verdict: SuspectVerdict;
}

/** The warning in the deploy announcement's thread: the burst, the usual rate, and the odds. */
export function suspectWarning(f: SuspectFacts): Required<Message> {
  const d = f.deploy;
  const n = f.tickets.length;
  const lines = [
    `:warning: *Suspect deploy:* ${n} tickets on ${escapeMrkdwn(d.serviceName)} in the ${formatDuration(Math.max(1, Math.round(f.minutesSince)))} since ${deployName(d)} (${f.tickets.map((t) => `#${t}`).join(', ')}).`,
    `Usual rate: ${formatRate(f.verdict.perDay)} a day (${f.baselineTickets} in the ${f.baselineDays} days before); expected in ${formatDuration(Math.round(f.verdict.spanMinutes))}: ${formatRate(f.verdict.expected)}. ` +
      `Chance of ${n} or more by coincidence: ${formatChance(f.verdict.probability)}.`,
    `cc ${people(d)}`,
  ];
  return { text: truncate(lines.join(' '), 3900), blocks: [{ type: 'section', block_id: 'suspect', text: mrkdwn(lines.join('\n')) }] };
}
