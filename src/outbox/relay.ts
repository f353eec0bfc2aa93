// The outbox relay: delivers queued messages at least once, in order per ticket, retrying 5xx / 429 /
// timeouts with backoff, and looks before re-posting so that an answer lost in transit does not
// become a duplicate message. The only code that calls Slack's Web API for the bot's messages.
import { randomUUID } from 'node:crypto';
import type { KnownBlock } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import { type Db, inTransaction } from '../repos/db.js';
import {
  type ClaimedMessage,
  claimMessage,
  countDue,
  deferUntil,
  type DueCursor,
  type DueInLine,
  type DueMessage,
  dueByIds,
  dueMessages,
  findByDedupKey,
  markFailed,
  markSent,
  nextDue,
  releaseExpiredClaims,
  retryLater,
} from '../repos/outbox.js';
import { drainLoop } from '../jobs/drainLoop.js';
import { sourceReply, sourceReplyRefused } from '../messages/intakeMessages.js';
import { mentionsAny, withoutMentions } from '../messages/quiet.js';
import { filedConfirmation } from '../messages/ticketReplies.js';
import { setRootPermalink, setRootTs, ticketTargets } from '../repos/tickets.js';
import { LaneRuns } from './laneRuns.js';
import { laneOf, lanesOf, type PaceRules } from './lanes.js';
import { type LaneGate, Pacer } from './pacer.js';
import { enqueue, type OutboxKind, PRIORITY } from './queue.js';
import {
  classifyFailure,
  type FailedCall,
  failedCall,
  isPostRefusal,
  ownPlatformError,
  platformError,
  type SlackFailure,
} from './slackErrors.js';

/** For a batch of due messages: the lane of each, whether it may go now (or when), and whether it posts a new ticket's root. */
interface Admission {
  laneOf(m: DueMessage): string;
  admit(m: DueMessage): Promise<Date | null>;
  isNewRoot(m: DueMessage): boolean;
}

/**
 * What a send leaves: the ts of the message it posted, the ticket whose root that message is, and a
 * message to queue once it is marked sent.
 */
interface Sent {
  ts?: string;
  rootOf?: number;
  thenShow?: OutboxKind;
}

/**
 * A message as posted without pinging `quiet` people, their mentions replaced by a word; null when
 * it mentions none of them (then it is posted as it is).
 */
function muted<T extends { text: string; blocks?: KnownBlock[] }>(args: T, quiet: string[]): T | null {
  const blocks = args.blocks ? JSON.stringify(args.blocks) : '';
  if (!mentionsAny(args.text + blocks, quiet)) return null;
  const out = { ...args, text: withoutMentions(args.text, quiet) };
  if (args.blocks) out.blocks = JSON.parse(withoutMentions(blocks, quiet)) as KnownBlock[];
  return out;
}

export interface Renderer {
  /** The root message of a ticket as it is now, plus where it lives. */
  ticketRoot(ticketId: number): Promise<{
    channel: string;
    rootTs: string | null;
    rootPermalink: string | null;
    text: string;
    blocks: KnownBlock[];
    reporterId: string;
  } | null>;
}

/** What the relay reads of a message Slack lists: our outbox tag, and the files it shares. */
interface SeenMessage {
  ts?: string;
  metadata?: { event_type?: string; event_payload?: { outbox_id?: unknown } };
  files?: Array<{ name?: string; title?: string }>;
}

const LEASE_MS = 2 * 60_000;
const BATCH = 50;
/** Bulk messages sent in a row before the relay looks again for interactive ones. */
const BULK_RUN = 10;
/** Lanes a relay sends in at the same time (each one message at a time). */
const LANES_AT_ONCE = 4;
/** Slack's clock may be a little behind ours: an earlier attempt is looked for from this long before it. */
const LOOKUP_MARGIN_MS = 60_000;
/** Messages per page of conversations.history / replies (Slack recommends at most 200). */
const LOOKUP_PAGE = 200;

/** What the relay reports: deliveries by outbox kind, and the Slack calls it will retry by method. */
export interface RelayObserver {
  sent(kind: string): void;
  failed(kind: string, permanent: boolean): void;
  retried(method: string): void;
}

/**
 * Roots show tickets in the channel in filing order, so the first post of a root that failed and
 * will be retried holds its channel's lane (as a 429 does) until its retry: the roots filed after
 * it do not overtake it in a Slack hiccup. Only for its first attempts: a root that keeps failing
 * on its own must not keep every later ticket out of the channel.
 */
const ROOT_HOLDS_LANE_ATTEMPTS = 3;

function holdsChannelOrder(message: OutboxKind, method: string, attempts: number): boolean {
  return message.kind === 'ticket.root' && method === 'chat.postMessage' && attempts <= ROOT_HOLDS_LANE_ATTEMPTS;
}

export class OutboxRelay {
  private readonly owner = randomUUID();
  private readonly pacer: Pacer;
  /** Set by stop(): nothing more is claimed. */
  private stopping = false;
  /** Messages handed to their lanes and not yet done with. */
  private readonly lanes = new LaneRuns(LANES_AT_ONCE);
  /** Ends a pass's wait for its lanes: more work was asked for meanwhile. */
  private wake: (() => void) | null = null;
  private readonly passes = drainLoop(() => this.pass());
  /** The recordings under way of messages this relay sent, by message id (a thread's parent, for threadOf). */
  private readonly recording = new Map<number, Promise<void>>();

  /**
   * Delivers everything due now; resolves once nothing is due or being sent. Concurrent calls share
   * the run, and a call while it waits for its lanes makes it look at once for what is new.
   */
  readonly drain = (): Promise<number> => {
    this.wake?.();
    return this.passes();
  };

  constructor(
    private readonly db: Db,
    private readonly client: WebClient,
    private readonly clock: Clock,
    private readonly render: Renderer,
    private readonly log: Logger,
    private readonly metrics?: RelayObserver,
    /** How fast each lane may go (lanes.ts SLACK_PACE); a 429 pauses its lane whatever the rules. */
    pace: PaceRules = {},
  ) {
    this.pacer = new Pacer(db, pace);
  }

  /** Due messages not yet delivered (for health and tests). */
  async pendingDue(): Promise<number> {
    return countDue(this.db, this.clock.now());
  }

  /**
   * A graceful stop: the sends under way are finished and recorded, and nothing more is claimed
   * (under load, other replicas keep queuing; what is left is theirs to send); resolves once that is so.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.drain();
    await this.lanes.idle();
  }

  /**
   * Hands the messages now first in line to their lanes, then waits until the lanes are done (each
   * message sent hands on the next of its ticket: handNext) or more work is asked for. Returns how
   * many it handed, or 1 when it handed none but waited for messages being sent (what they freed
   * and did not hand on is then looked for), so that the drain looks again.
   */
  async pass(): Promise<number> {
    this.lanes.takeFailure();
    const now = this.clock.now();
    if (this.stopping) return 0;
    await releaseExpiredClaims(this.db, new Date(now.getTime() - LEASE_MS));
    let handed = 0;
    // A batch can be all messages queued behind an undelivered one of their ticket; read on past
    // them, or one stuck thread would hold up every message queued after it.
    for (let after: DueCursor | null = null; !handed; ) {
      const due = await dueMessages(this.db, now, { after, handed: this.lanes.keysQueued(), take: BATCH });
      handed = await this.sendBatch(due, now);
      if (due.length < BATCH) break;
      const last = due.at(-1)!;
      after = { priority: last.priority, id: last.id };
    }
    if (!this.lanes.busy) return handed;
    await new Promise<void>((resolve) => {
      this.wake = resolve;
      void this.lanes.idle().then(resolve);
    });
    this.wake = null;
    this.lanes.takeFailure();
    return Math.max(handed, 1);
  }

  /**
   * Hands to their lanes the messages that are first in line for their ticket and not handed yet;
   * returns how many. An interactive message waiting behind a bulk one of its ticket (a deploy
   * note) takes that one along at its own priority, so per-ticket order holds without the click's
   * answer waiting for the whole bulk backlog. Bulk messages are handed only by a batch that found no
   * interactive one, and at most BULK_RUN of them, so that the next pass finds any interactive
   * message queued meanwhile first. Messages go out lane by lane (lanes.ts): one lane's in the order
   * handed, one after another (a channel's posts reach it in order), other lanes' beside them (a
   * ticket's confirmation DM while the next ticket's root is posted). A message is admitted to its
   * lane when its turn there comes, so a 429 answered to the message before it holds it back; one
   * without a slot then (Slack's pace, or that pause) waits until its lane has one.
   */
  private async sendBatch(due: DueInLine[], now: Date): Promise<number> {
    if (!due.length) return 0;
    const rows = new Map<number, DueMessage>(due.map((m) => [m.id, m]));
    const blockedHeads = due.filter((m) => m.head !== m.id && !rows.has(m.head)).map((m) => m.head);
    for (const m of await dueByIds(this.db, [...new Set(blockedHeads)], now)) rows.set(m.id, m);
    const picked: DueMessage[] = [];
    let bulk = 0;
    for (const queued of due) {
      // What is being sent may free the next message of its ticket (the confirmation after the
      // root): look again before handing bulk ones.
      if (queued.priority !== PRIORITY.interactive && picked.length > bulk) break;
      const m = rows.get(queued.head);
      if (!m || this.lanes.has(m.id) || picked.includes(m)) continue;
      picked.push(m);
      if (queued.priority !== PRIORITY.interactive && ++bulk >= BULK_RUN) break;
    }
    if (!picked.length) return 0;
    const lanes = await this.admission(picked, now);
    for (const m of picked) this.hand(m, lanes);
    return picked.length;
  }

  /** Sends `m` if its lane has room now and no other relay took it; otherwise puts it off until the lane has. */
  private async attempt(m: DueMessage, admit: (m: DueMessage) => Promise<Date | null>): Promise<void> {
    if (this.stopping) return;
    const wait = await admit(m);
    if (wait) return deferUntil(this.db, [m.id], wait);
    const claimed = await claimMessage(this.db, m, this.owner, this.clock.now());
    if (!claimed) return;
    const message = JSON.parse(claimed.payload) as OutboxKind;
    const sent = await this.deliver(claimed, message);
    if (!sent) return;
    // Slack has answered: the lane's next message (the channel's next root) goes while this one is
    // recorded. The recording still comes before its ticket's next message is handed on, and a
    // pass waits for it.
    const { orderingKey } = m;
    const recorded = this.recordSent(claimed.id, message, sent).finally(() => this.recording.delete(claimed.id));
    this.recording.set(claimed.id, recorded);
    this.lanes.trail(recorded.then(() => (orderingKey ? this.handNext(orderingKey) : undefined)));
  }

  /**
   * Hands the next message of an ordering key (a ticket's confirmation after its root) to its lane
   * as soon as the one before it is sent, rather than at the next pass. Only an interactive one that
   * is due: bulk ones wait for a pass, which sends them only when nothing interactive is waiting.
   */
  private async handNext(orderingKey: string): Promise<void> {
    const now = this.clock.now();
    const next = await nextDue(this.db, orderingKey, now);
    if (!next || next.priority !== PRIORITY.interactive || this.lanes.has(next.id) || this.stopping) return;
    this.hand(next, await this.admission([next], now));
  }

  /**
   * Queues `m` in its lane. A new ticket's root goes ahead of the thread replies waiting in its
   * channel's lane: they answer tickets already in the channel, and each ticket's replies still
   * follow its root (they are handed only once it is sent).
   */
  private hand(m: DueMessage, lanes: Admission): void {
    this.lanes.add(lanes.laneOf(m), m.id, () => this.attempt(m, lanes.admit), lanes.isNewRoot(m));
  }

  /**
   * For the batch's due messages: the lane each goes in, and whether it may go now (null) or when its
   * lane has room; their tickets' channels are read once for the batch.
   */
  private async admission(candidates: Iterable<DueMessage>, now: Date): Promise<Admission> {
    const messages = new Map([...candidates].map((m) => [m.id, JSON.parse(m.payload) as OutboxKind]));
    const ticketIds = [...messages.values()].flatMap((m) => ('ticketId' in m && m.ticketId !== undefined ? [m.ticketId] : []));
    const targets = await ticketTargets(this.db, [...new Set(ticketIds)]);
    const gate: LaneGate = await this.pacer.gate(now);
    const targetOf = (message: OutboxKind) =>
      'ticketId' in message && message.ticketId !== undefined ? targets.get(message.ticketId) : undefined;
    const lanesOfMessage = (m: DueMessage) => {
      const message = messages.get(m.id)!;
      return lanesOf(message, targetOf(message));
    };
    return {
      // A message that needs no Slack call (its ticket is gone) waits for no one.
      laneOf: (m) => lanesOfMessage(m)[0] ?? `outbox:${m.id}`,
      admit: (m) => gate.admit(lanesOfMessage(m)),
      isNewRoot: (m) => {
        const message = messages.get(m.id)!;
        return message.kind === 'ticket.root' && targetOf(message)?.rootTs === null;
      },
    };
  }

  /** Sends a claimed message: what it left, or null when it failed (recorded before it returns, so a 429 holds its lane). */
  private async deliver(claimed: ClaimedMessage, message: OutboxKind): Promise<Sent | null> {
    const { id, attempts, lastError } = claimed;
    try {
      // An earlier attempt may have reached Slack: look for it from the first attempt on.
      return await this.send(id, message, lastError !== null && attempts > 1 ? claimed.firstAttemptAt : null);
    } catch (err) {
      await this.failed(id, message, attempts, classifyFailure(err, attempts), failedCall(err));
      return null;
    }
  }

  /** Marks a sent message sent, with what its sending left. */
  private async recordSent(id: number, message: OutboxKind, sent: Sent): Promise<void> {
    const now = this.clock.now();
    const { ts, rootOf, thenShow } = sent;
    if (rootOf !== undefined || thenShow)
      // A root's ts, its sent mark and its edit in one commit: a crash between them would leave the
      // mention hidden. A crash before it leaves the message unsent: the retry finds the post in the
      // channel's history (its lease expiry is an earlier attempt) and records its ts then.
      await inTransaction(this.db, async (tx) => {
        if (rootOf !== undefined && ts) await setRootTs(tx, rootOf, ts);
        await markSent(tx, id, now, ts ?? null);
        if (thenShow) await enqueue(tx, thenShow, { now });
      });
    else await markSent(this.db, id, now, ts ?? null);
    this.metrics?.sent(message.kind);
  }

  private async failed(id: number, message: OutboxKind, attempts: number, failure: SlackFailure, call: FailedCall | null): Promise<void> {
    const now = this.clock.now();
    const permanent = failure.retryInMs === null;
    // Slack's Retry-After applies to the method (chat.postMessage: in that channel): other lanes go on.
    const lane = call ? laneOf(call.method, call.channel) : undefined;
    if (call && lane && (failure.error === 'ratelimited' || (!permanent && holdsChannelOrder(message, call.method, attempts))))
      await this.pacer.pause(lane, new Date(now.getTime() + failure.retryInMs!), now);
    if (permanent) {
      await markFailed(this.db, id, failure.error);
      await this.tellWhyNotPosted(message, failure.error, now);
    } else
      await retryLater(
        this.db,
        id,
        new Date(now.getTime() + failure.retryInMs!),
        `${failure.ambiguous ? 'ambiguous: ' : ''}${failure.error}`,
      );
    this.metrics?.failed(message.kind, permanent);
    // Our own waits (a thread's parent not posted yet) are not Slack calls retried.
    if (!permanent && call) this.metrics?.retried(call.method);
    const ticket = 'ticketId' in message ? message.ticketId : undefined;
    (permanent ? this.log.error : this.log.warn).call(
      this.log,
      { outboxId: id, kind: message.kind, ticket, method: call?.method, lane, error: failure.error, attempts },
      permanent ? 'Slack refused a message; giving up' : 'Slack call failed; will retry',
    );
  }

  /** A reply under a ticket's source message that Slack refused for good: its reporter hears why. */
  private async tellWhyNotPosted(message: OutboxKind, error: string, now: Date): Promise<void> {
    if (message.kind !== 'ticket.sourceReply' || !isPostRefusal(error)) return;
    const root = await this.render.ticketRoot(message.ticketId);
    if (!root) return;
    const text = sourceReplyRefused(error, message.channel);
    await enqueue(this.db, { kind: 'ticket.dm', ticketId: message.ticketId, userId: root.reporterId, text }, { now });
  }

  /** Tags each posted message with its outbox id so an earlier attempt can be recognised. */
  private metadata(id: number) {
    return { event_type: 'supportbot_outbox', event_payload: { outbox_id: id } };
  }

  /**
   * After an attempt whose fate is unknown, look for the message in the channel or thread before
   * posting again: chat.postMessage has no idempotency key, the metadata tag is ours. Everything
   * posted there since the first attempt is read, page by page, however busy the conversation.
   */
  private async alreadyPosted(id: number, channel: string, threadTs: string | undefined, since: Date): Promise<string | null> {
    const found = await this.findSince(channel, threadTs, since, (m) => m.metadata?.event_payload?.outbox_id === id);
    return found?.ts ?? null;
  }

  /** The first message in the channel (or thread) posted since `since` that `match` accepts, read page by page. */
  private async findSince(
    channel: string,
    threadTs: string | undefined,
    since: Date,
    match: (m: SeenMessage) => boolean,
  ): Promise<SeenMessage | null> {
    const oldest = (Math.max(since.getTime() - LOOKUP_MARGIN_MS, 0) / 1000).toFixed(6);
    let cursor: string | undefined;
    do {
      const page = { channel, oldest, include_all_metadata: true, limit: LOOKUP_PAGE, ...(cursor ? { cursor } : {}) };
      const res = threadTs
        ? await this.client.conversations.replies({ ...page, ts: threadTs })
        : await this.client.conversations.history(page);
      const found = ((res.messages ?? []) as SeenMessage[]).find(match);
      if (found?.ts) return found;
      cursor = res.response_metadata?.next_cursor || undefined;
    } while (cursor);
    return null;
  }

  /**
   * Shares a file with files.uploadV2 (get an upload URL, POST the bytes, complete the upload). A
   * retry looks first for the file shared in the conversation by an attempt whose answer was lost:
   * the upload has no idempotency key either, but a file shared there carries its name and title.
   */
  private async upload(message: Extract<OutboxKind, { kind: 'upload' }>, earlier: Date | null): Promise<void> {
    if (earlier && !message.channel.startsWith('U')) {
      const shared = (m: SeenMessage) => (m.files ?? []).some((f) => f.name === message.filename && f.title === message.title);
      // A conversation the bot may not read (a DM without im:history) cannot be looked in: share
      // again rather than never. Other failures of the look are retried like the upload.
      const found = await this.findSince(message.channel, message.threadTs, earlier, shared).catch((err: unknown) => {
        if (platformError(err) === null) throw err;
        return null;
      });
      if (found) return;
    }
    const destination = message.threadTs ? { channel_id: message.channel, thread_ts: message.threadTs } : { channel_id: message.channel };
    await this.client.files.uploadV2({
      ...destination,
      file: Buffer.from(message.contentBase64, 'base64'),
      filename: message.filename,
      title: message.title,
      ...(message.initialComment ? { initial_comment: message.initialComment } : {}),
      ...(message.altText ? { alt_text: message.altText } : {}),
    });
  }

  private async post(
    id: number,
    args: { channel: string; text: string; blocks?: KnownBlock[]; thread_ts?: string },
    earlier: Date | null,
  ): Promise<string> {
    if (earlier && !args.channel.startsWith('U')) {
      const ts = await this.alreadyPosted(id, args.channel, args.thread_ts, earlier);
      if (ts) return ts;
    }
    const res = await this.client.chat.postMessage({ ...args, metadata: this.metadata(id), unfurl_links: false });
    return res.ts as string;
  }

  /**
   * Posts a message that names `quiet` people without pinging them: posted with their mentions as
   * a plain word, then edited to show them (Slack notifies on posting, not on edits).
   */
  private async postQuietly(
    id: number,
    args: { channel: string; text: string; blocks?: KnownBlock[]; thread_ts?: string },
    quiet: string[],
    earlier: Date | null,
  ): Promise<string> {
    const quieter = muted(args, quiet);
    if (!quieter) return this.post(id, args, earlier);
    const ts = await this.post(id, quieter, earlier);
    await this.client.chat.update({ channel: args.channel, ts, text: args.text, ...(args.blocks ? { blocks: args.blocks } : {}) });
    return ts;
  }

  private async send(id: number, message: OutboxKind, earlier: Date | null): Promise<Sent> {
    switch (message.kind) {
      case 'ticket.root': {
        const root = await this.render.ticketRoot(message.ticketId);
        if (!root) return {};
        if (root.rootTs) {
          await this.client.chat.update({ channel: root.channel, ts: root.rootTs, text: root.text, blocks: root.blocks });
          return { ts: root.rootTs };
        }
        // Filing is the reporter's own action: the root names them without a ping (the DM confirms).
        // The edit that shows their mention is the ticket's next root edit, queued with the sent mark:
        // it goes in chat.update's lane, so the channel's next root is posted meanwhile.
        const args = { channel: root.channel, text: root.text, blocks: root.blocks };
        const quieter = muted(args, [root.reporterId]);
        const ts = await this.post(id, quieter ?? args, earlier);
        const posted = { ts, rootOf: message.ticketId };
        return quieter ? { ...posted, thenShow: { kind: 'ticket.root', ticketId: message.ticketId } } : posted;
      }
      case 'ticket.reply':
      case 'ticket.deployNote': {
        const root = await this.requireRoot(message.ticketId);
        const args = {
          channel: root.channel,
          thread_ts: root.rootTs,
          text: message.text,
          ...(message.blocks ? { blocks: message.blocks } : {}),
        };
        return { ts: await this.postQuietly(id, args, (message.kind === 'ticket.reply' && message.quiet) || [], earlier) };
      }
      case 'ticket.sourceReply': {
        const root = await this.requireRoot(message.ticketId);
        const text = sourceReply({
          ticketId: message.ticketId,
          link: await this.rootLink(message.ticketId, root),
          supportChannel: root.channel,
        });
        return { ts: await this.post(id, { channel: message.channel, thread_ts: message.threadTs, text }, earlier) };
      }
      case 'ticket.confirm':
        return this.ticketDm(id, message.ticketId, null, filedConfirmation, earlier);
      case 'ticket.dm':
        return this.ticketDm(id, message.ticketId, message.userId, (link) => `${message.text} ${link}`, earlier);
      case 'post': {
        const threadTs = message.thread ? await this.threadOf(message.thread.dedupKey) : undefined;
        return {
          ts: await this.post(
            id,
            {
              channel: message.channel,
              text: message.text,
              ...(message.blocks ? { blocks: message.blocks } : {}),
              ...(threadTs ? { thread_ts: threadTs } : {}),
            },
            earlier,
          ),
        };
      }
      case 'update': {
        // The original was given up on: there is nothing to edit.
        const ts = await this.threadOf(message.of.dedupKey);
        if (!ts) return {};
        await this.client.chat.update({
          channel: message.channel,
          ts,
          text: message.text,
          ...(message.blocks ? { blocks: message.blocks } : {}),
        });
        return { ts };
      }
      case 'upload':
        await this.upload(message, earlier);
        return {};
      case 'call':
        await this.client.apiCall(message.method, message.args);
        return {};
    }
  }

  /**
   * The ts of the message queued under `dedupKey` once it is sent; while it is still queued, wait.
   * Undefined when it was given up on: a threaded post then goes to the channel rather than not at
   * all, and an edit of it has nothing to edit.
   */
  private async threadOf(dedupKey: string): Promise<string | undefined> {
    let parent = await findByDedupKey(this.db, dedupKey);
    // Sent by this relay, and its lane went on while it is recorded (attempt): the reply right
    // behind it in the lane waits for that write, not for a retry's backoff.
    const recording = parent?.status === 'sending' ? this.recording.get(parent.id) : undefined;
    if (recording) {
      await recording.catch(() => undefined);
      parent = await findByDedupKey(this.db, dedupKey);
    }
    if (parent?.status === 'sent') return parent.resultTs ?? undefined;
    if (parent?.status === 'pending' || parent?.status === 'sending') {
      throw ownPlatformError(`thread parent ${dedupKey} is not posted yet`, 'thread_parent_pending');
    }
    return undefined;
  }

  /** A DM about a ticket (to its reporter when `userId` is null), linking the root message. */
  private async ticketDm(
    id: number,
    ticketId: number,
    userId: string | null,
    text: (link: string) => string,
    earlier: Date | null,
  ): Promise<{ ts: string }> {
    const root = await this.requireRoot(ticketId);
    const permalink = await this.rootLink(ticketId, root);
    return { ts: await this.post(id, { channel: userId ?? root.reporterId, text: text(`<${permalink}|#${ticketId}>`) }, earlier) };
  }

  /** The root message's permalink: asked of Slack once, then kept (root messages link each other with it). */
  private async rootLink(ticketId: number, root: { channel: string; rootTs: string; rootPermalink: string | null }): Promise<string> {
    if (root.rootPermalink) return root.rootPermalink;
    const { permalink } = await this.client.chat.getPermalink({ channel: root.channel, message_ts: root.rootTs });
    await setRootPermalink(this.db, ticketId, permalink as string);
    return permalink as string;
  }

  private async requireRoot(ticketId: number) {
    const root = await this.render.ticketRoot(ticketId);
    // Ordering per ticket puts the root first, so a missing ts means its post failed for good.
    if (!root?.rootTs) throw ownPlatformError(`ticket ${ticketId} has no root message`, 'root_message_missing');
    return root as typeof root & { rootTs: string };
  }
}
