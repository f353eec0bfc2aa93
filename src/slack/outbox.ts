// Transactional outbox for every message the bot sends to Slack. A use case writes its state change
// and the messages it implies in one transaction; the relay delivers them at least once, in order
// per ticket, retrying 5xx / 429 / timeouts with backoff, and looks before re-posting so that an
// answer lost in transit does not become a duplicate message.
import { randomUUID } from 'node:crypto';
import type { WebClient } from '@slack/web-api';
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import type { Db, Tx } from '../db/client.js';
import { Prisma } from '../generated/sqlite/client.js';
import { drainLoop } from '../jobs/drainLoop.js';

/** What a queued message asks Slack for. Ticket-bound kinds are rendered from the ticket when sent. */
export type OutboxKind =
  /** Post the ticket's root message, or edit it to show the ticket as it is now. */
  | { kind: 'ticket.root'; ticketId: number }
  /** A reply in the ticket's thread (also edits nothing). */
  | { kind: 'ticket.reply'; ticketId: number; text: string; blocks?: unknown[] }
  /** The reporter's confirmation: a DM with the permalink of the root message. */
  | { kind: 'ticket.confirm'; ticketId: number }
  /** A DM to someone about a ticket (a page); the permalink of the root message is appended. */
  | { kind: 'ticket.dm'; ticketId: number; userId: string; text: string }
  /**
   * Any chat.postMessage (channel announcements, DMs to a user id). `thread` makes it a reply to the
   * message queued under that dedupKey (e.g. a deploy announcement), whose ts is known only once sent.
   */
  | { kind: 'post'; channel: string; text: string; blocks?: unknown[]; ticketId?: number; thread?: { dedupKey: string } }
  /**
   * chat.update of the message queued under that dedupKey (a deploy announcement as its rollout
   * advances), once it is posted. Edits of one message go out in the order they were queued.
   */
  | { kind: 'update'; channel: string; of: { dedupKey: string }; text: string; blocks?: unknown[] }
  /** Any other Web API call, e.g. usergroups.users.update. */
  | { kind: 'call'; method: string; args: Record<string, unknown> };

export interface Renderer {
  /** The root message of a ticket as it is now, plus where it lives. */
  ticketRoot(
    ticketId: number,
  ): Promise<{ channel: string; rootTs: string | null; text: string; blocks: unknown[]; reporterId: string } | null>;
}

function outboxRow(message: OutboxKind, opts: { now: Date; dedupKey?: string }) {
  const ticketId = 'ticketId' in message ? (message.ticketId ?? null) : null;
  return {
    method: message.kind,
    payload: JSON.stringify(message),
    ticketId,
    orderingKey: ticketId !== null ? `ticket:${ticketId}` : message.kind === 'update' ? `update:${message.of.dedupKey}` : null,
    nextAttemptAt: opts.now,
    createdAt: opts.now,
    ...(opts.dedupKey ? { dedupKey: opts.dedupKey } : {}),
  };
}

export async function enqueue(tx: Tx | Db, message: OutboxKind, opts: { now: Date; dedupKey?: string }): Promise<void> {
  await tx.outboxMessage.create({ data: outboxRow(message, opts) });
}

/**
 * Several messages (a batch of timers) in one INSERT, delivered in the order given. Raw SQL because
 * Prisma's createMany compiles every value into its query plan, at about 0.25 ms a row: most of
 * the time of an SLA pass otherwise.
 */
export async function enqueueAll(tx: Tx | Db, messages: OutboxKind[], opts: { now: Date }): Promise<void> {
  const rows = messages.map((m) => outboxRow(m, opts));
  // 1000 rows × 6 parameters stays well inside SQLite's limit of 32,766 bound parameters.
  for (let i = 0; i < rows.length; i += 1000) {
    const values = rows
      .slice(i, i + 1000)
      .map((r) => Prisma.sql`(${r.method}, ${r.payload}, ${r.ticketId}, ${r.orderingKey}, ${r.nextAttemptAt}, ${r.createdAt})`);
    await tx.$executeRaw`INSERT INTO "OutboxMessage" ("method", "payload", "ticketId", "orderingKey", "nextAttemptAt", "createdAt") VALUES ${Prisma.join(values)}`;
  }
}

// thread_parent_pending is ours: a thread reply waits (with backoff) for its parent to be posted.
const TRANSIENT_ERRORS = new Set([
  'internal_error',
  'fatal_error',
  'service_unavailable',
  'request_timeout',
  'ratelimited',
  'message_limit_exceeded',
  'thread_parent_pending',
]);
const LEASE_MS = 2 * 60_000;
const MAX_BACKOFF_MS = 10 * 60_000;
const BATCH = 50;

type Outcome = { ok: true; ts?: string } | { ok: false; retryInMs: number | null; error: string; ambiguous: boolean };

/** Classifies a Web API failure: retry when (and how soon), and whether Slack may have acted anyway. */
export function classifyFailure(err: unknown, attempts: number): Exclude<Outcome, { ok: true }> {
  const e = err as { code?: string; retryAfter?: number; statusCode?: number; data?: { error?: string }; message?: string };
  const backoff = Math.min(1000 * 2 ** Math.max(attempts - 1, 0), MAX_BACKOFF_MS);
  switch (e.code) {
    case 'slack_webapi_rate_limited_error':
      return { ok: false, retryInMs: Math.max((e.retryAfter ?? 1) * 1000, 1000), error: 'ratelimited', ambiguous: false };
    case 'slack_webapi_platform_error': {
      const error = e.data?.error ?? 'unknown_error';
      return { ok: false, retryInMs: TRANSIENT_ERRORS.has(error) ? backoff : null, error, ambiguous: false };
    }
    case 'slack_webapi_http_error':
      return { ok: false, retryInMs: backoff, error: `http_${e.statusCode}`, ambiguous: (e.statusCode ?? 500) >= 500 };
    default:
      // Timeouts and network errors: the request may have reached Slack.
      return { ok: false, retryInMs: backoff, error: e.message ?? String(err), ambiguous: true };
  }
}

export class OutboxRelay {
  private readonly owner = randomUUID();
  /** Until then Slack asked us (429 Retry-After) to send nothing. */
  private pausedUntil = 0;
  /** Delivers everything due now; concurrent calls share the run. */
  readonly drain = drainLoop(() => this.pass());

  constructor(
    private readonly db: Db,
    private readonly client: WebClient,
    private readonly clock: Clock,
    private readonly render: Renderer,
    private readonly log: Logger,
    private readonly metrics?: { sent(kind: string): void; failed(kind: string, permanent: boolean): void },
  ) {}

  /** Due messages not yet delivered (for health and tests). */
  async pendingDue(): Promise<number> {
    return this.db.outboxMessage.count({ where: { status: { in: ['pending', 'sending'] }, nextAttemptAt: { lte: this.clock.now() } } });
  }

  /** One batch: claim, send, record. Returns how many were attempted. */
  async pass(): Promise<number> {
    const now = this.clock.now();
    if (this.paused()) return 0;
    await this.db.outboxMessage.updateMany({
      where: { status: 'sending', claimedAt: { lt: new Date(now.getTime() - LEASE_MS) } },
      data: { status: 'pending', lastError: 'interrupted (lease expired)' },
    });
    let attempted = 0;
    // A batch can be all messages queued behind an undelivered one of their ticket; read on past
    // them, or one stuck thread would hold up every message queued after it.
    for (let after = 0; ; ) {
      const due = await this.db.outboxMessage.findMany({
        where: { status: 'pending', nextAttemptAt: { lte: now }, id: { gt: after } },
        orderBy: { id: 'asc' },
        take: BATCH,
      });
      attempted += await this.sendBatch(due, now);
      if (attempted > 0 || due.length < BATCH || this.paused()) return attempted;
      after = due.at(-1)!.id;
    }
  }

  private paused(): boolean {
    return this.clock.now().getTime() < this.pausedUntil;
  }

  /** Sends the messages that are first in line for their ticket; returns how many it attempted. */
  private async sendBatch(
    due: Array<{ id: number; orderingKey: string | null; payload: string; attempts: number; lastError: string | null }>,
    now: Date,
  ): Promise<number> {
    if (!due.length) return 0;
    const keys = [...new Set(due.map((m) => m.orderingKey).filter((k): k is string => k !== null))];
    const heads = new Map<string, number>();
    if (keys.length) {
      const open = await this.db.outboxMessage.groupBy({
        by: ['orderingKey'],
        where: { orderingKey: { in: keys }, status: { in: ['pending', 'sending'] } },
        _min: { id: true },
      });
      for (const g of open) if (g.orderingKey && g._min.id !== null) heads.set(g.orderingKey, g._min.id);
    }
    let attempted = 0;
    for (const m of due) {
      if (m.orderingKey && heads.get(m.orderingKey) !== m.id) continue;
      const claimed = await this.db.outboxMessage.updateMany({
        where: { id: m.id, status: 'pending' },
        data: { status: 'sending', claimedBy: this.owner, claimedAt: now, attempts: { increment: 1 } },
      });
      if (claimed.count !== 1) continue;
      attempted += 1;
      await this.deliver(m.id, JSON.parse(m.payload) as OutboxKind, m.attempts + 1, m.lastError);
      if (this.paused()) break;
    }
    return attempted;
  }

  private async deliver(id: number, message: OutboxKind, attempts: number, lastError: string | null): Promise<void> {
    let outcome: Outcome;
    try {
      outcome = { ok: true, ...(await this.send(id, message, lastError !== null && attempts > 1)) };
    } catch (err) {
      outcome = classifyFailure(err, attempts);
    }
    const now = this.clock.now();
    if (outcome.ok) {
      await this.db.outboxMessage.update({
        where: { id },
        data: { status: 'sent', sentAt: now, resultTs: outcome.ts ?? null, lastError: null },
      });
      this.metrics?.sent(message.kind);
      return;
    }
    const permanent = outcome.retryInMs === null;
    // Slack's Retry-After applies to the method, and the next message likely calls the same one.
    if (outcome.error === 'ratelimited') this.pausedUntil = now.getTime() + outcome.retryInMs!;
    await this.db.outboxMessage.update({
      where: { id },
      data: permanent
        ? { status: 'failed', lastError: outcome.error }
        : {
            status: 'pending',
            nextAttemptAt: new Date(now.getTime() + outcome.retryInMs!),
            lastError: `${outcome.ambiguous ? 'ambiguous: ' : ''}${outcome.error}`,
          },
    });
    this.metrics?.failed(message.kind, permanent);
    (permanent ? this.log.error : this.log.warn).call(
      this.log,
      { outboxId: id, kind: message.kind, error: outcome.error, attempts },
      permanent ? 'Slack refused a message; giving up' : 'Slack call failed; will retry',
    );
  }

  /** Tags each posted message with its outbox id so an earlier attempt can be recognised. */
  private metadata(id: number) {
    return { event_type: 'supportbot_outbox', event_payload: { outbox_id: id } };
  }

  /**
   * After an attempt whose fate is unknown, look for the message in the channel or thread before
   * posting again: chat.postMessage has no idempotency key, the metadata tag is ours.
   */
  private async alreadyPosted(id: number, channel: string, threadTs: string | undefined): Promise<string | null> {
    const oldest = String((this.clock.now().getTime() - 24 * 3600_000) / 1000);
    const res = threadTs
      ? await this.client.conversations.replies({ channel, ts: threadTs, include_all_metadata: true, limit: 200 })
      : await this.client.conversations.history({ channel, oldest, include_all_metadata: true, limit: 200 });
    const found = res.messages?.find(
      (m) =>
        (m as { metadata?: { event_type?: string; event_payload?: { outbox_id?: unknown } } }).metadata?.event_payload?.outbox_id === id,
    );
    return found?.ts ?? null;
  }

  private async post(
    id: number,
    args: { channel: string; text: string; blocks?: unknown[]; thread_ts?: string },
    retry: boolean,
  ): Promise<string> {
    if (retry && !args.channel.startsWith('U')) {
      const ts = await this.alreadyPosted(id, args.channel, args.thread_ts);
      if (ts) return ts;
    }
    const res = await this.client.chat.postMessage({ ...args, metadata: this.metadata(id), unfurl_links: false } as never);
    return res.ts as string;
  }

  private async send(id: number, message: OutboxKind, retry: boolean): Promise<{ ts?: string }> {
    switch (message.kind) {
      case 'ticket.root': {
        const root = await this.render.ticketRoot(message.ticketId);
        if (!root) return {};
        if (root.rootTs) {
          await this.client.chat.update({ channel: root.channel, ts: root.rootTs, text: root.text, blocks: root.blocks as never });
          return { ts: root.rootTs };
        }
        const ts = await this.post(id, { channel: root.channel, text: root.text, blocks: root.blocks }, retry);
        await this.db.ticket.update({ where: { id: message.ticketId }, data: { rootTs: ts } });
        return { ts };
      }
      case 'ticket.reply': {
        const root = await this.requireRoot(message.ticketId);
        return {
          ts: await this.post(
            id,
            { channel: root.channel, thread_ts: root.rootTs, text: message.text, ...(message.blocks ? { blocks: message.blocks } : {}) },
            retry,
          ),
        };
      }
      case 'ticket.confirm':
        return this.ticketDm(
          id,
          message.ticketId,
          null,
          (link) => `Thanks, your ticket is filed: ${link}. Follow it in its thread; you will be mentioned there when something changes.`,
          retry,
        );
      case 'ticket.dm':
        return this.ticketDm(id, message.ticketId, message.userId, (link) => `${message.text} ${link}`, retry);
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
            retry,
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
          ...(message.blocks ? { blocks: message.blocks as never } : {}),
        });
        return { ts };
      }
      case 'call':
        await this.client.apiCall(message.method, message.args);
        return {};
    }
  }

  /**
   * Where a threaded post goes: the ts of its parent once the parent is sent; while the parent is
   * still queued, wait; if the parent was given up on, post to the channel rather than not at all.
   */
  private async threadOf(dedupKey: string): Promise<string | undefined> {
    const parent = await this.db.outboxMessage.findUnique({ where: { dedupKey }, select: { status: true, resultTs: true } });
    if (parent?.status === 'sent') return parent.resultTs ?? undefined;
    if (parent?.status === 'pending' || parent?.status === 'sending') {
      throw Object.assign(new Error(`thread parent ${dedupKey} is not posted yet`), {
        code: 'slack_webapi_platform_error',
        data: { error: 'thread_parent_pending' },
      });
    }
    return undefined;
  }

  /** A DM about a ticket (to its reporter when `userId` is null), linking the root message. */
  private async ticketDm(
    id: number,
    ticketId: number,
    userId: string | null,
    text: (link: string) => string,
    retry: boolean,
  ): Promise<{ ts: string }> {
    const root = await this.requireRoot(ticketId);
    const { permalink } = await this.client.chat.getPermalink({ channel: root.channel, message_ts: root.rootTs });
    return { ts: await this.post(id, { channel: userId ?? root.reporterId, text: text(`<${permalink}|#${ticketId}>`) }, retry) };
  }

  private async requireRoot(ticketId: number) {
    const root = await this.render.ticketRoot(ticketId);
    // Ordering per ticket puts the root first, so a missing ts means its post failed for good.
    if (!root?.rootTs)
      throw Object.assign(new Error(`ticket ${ticketId} has no root message`), {
        code: 'slack_webapi_platform_error',
        data: { error: 'root_message_missing' },
      });
    return root as typeof root & { rootTs: string };
  }
}
