// Transactional outbox for every message the bot sends to Slack. A use case writes its state change
// and the messages it implies in one transaction; the relay delivers them at least once, in order
// per ticket, retrying 5xx / 429 / timeouts with backoff, and looks before re-posting so that an
// answer lost in transit does not become a duplicate message.
import { randomUUID } from 'node:crypto';
import type { WebClient } from '@slack/web-api';
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import type { Db, Tx } from '../db/client.js';

/** What a queued message asks Slack for. Ticket-bound kinds are rendered from the ticket when sent. */
export type OutboxKind =
  /** Post the ticket's root message, or edit it to show the ticket as it is now. */
  | { kind: 'ticket.root'; ticketId: number }
  /** A reply in the ticket's thread (also edits nothing). */
  | { kind: 'ticket.reply'; ticketId: number; text: string; blocks?: unknown[] }
  /** The reporter's confirmation: a DM with the permalink of the root message. */
  | { kind: 'ticket.confirm'; ticketId: number }
  /** Any chat.postMessage (channel announcements, DMs to a user id). */
  | { kind: 'post'; channel: string; text: string; blocks?: unknown[]; ticketId?: number }
  /** Any other Web API call, e.g. usergroups.users.update. */
  | { kind: 'call'; method: string; args: Record<string, unknown> };

export interface Renderer {
  /** The root message of a ticket as it is now, plus where it lives. */
  ticketRoot(ticketId: number): Promise<{ channel: string; rootTs: string | null; text: string; blocks: unknown[]; reporterId: string } | null>;
}

export async function enqueue(tx: Tx | Db, message: OutboxKind, opts: { now: Date; dedupKey?: string }): Promise<void> {
  const ticketId = 'ticketId' in message ? (message.ticketId ?? null) : null;
  await tx.outboxMessage.create({
    data: {
      method: message.kind,
      payload: JSON.stringify(message),
      ticketId,
      orderingKey: ticketId !== null ? `ticket:${ticketId}` : null,
      nextAttemptAt: opts.now,
      createdAt: opts.now,
      ...(opts.dedupKey ? { dedupKey: opts.dedupKey } : {}),
    },
  });
}

const TRANSIENT_ERRORS = new Set(['internal_error', 'fatal_error', 'service_unavailable', 'request_timeout', 'ratelimited', 'message_limit_exceeded']);
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
  private running: Promise<number> | null = null;
  private again = false;

  constructor(
    private readonly db: Db,
    private readonly client: WebClient,
    private readonly clock: Clock,
    private readonly render: Renderer,
    private readonly log: Logger,
    private readonly metrics?: { sent(kind: string): void; failed(kind: string, permanent: boolean): void },
  ) {}

  /** Delivers everything due now; concurrent calls share one pass and ask for one more after it. */
  drain(): Promise<number> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      let total = 0;
      do {
        this.again = false;
        let n: number;
        do {
          n = await this.pass();
          total += n;
        } while (n > 0);
      } while (this.again);
      return total;
    })().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  /** Due messages not yet delivered (for health and tests). */
  async pendingDue(): Promise<number> {
    return this.db.outboxMessage.count({ where: { status: { in: ['pending', 'sending'] }, nextAttemptAt: { lte: this.clock.now() } } });
  }

  /** One batch: claim, send, record. Returns how many were attempted. */
  async pass(): Promise<number> {
    const now = this.clock.now();
    await this.db.outboxMessage.updateMany({
      where: { status: 'sending', claimedAt: { lt: new Date(now.getTime() - LEASE_MS) } },
      data: { status: 'pending', lastError: 'interrupted (lease expired)' },
    });
    const due = await this.db.outboxMessage.findMany({
      where: { status: 'pending', nextAttemptAt: { lte: now } },
      orderBy: { id: 'asc' },
      take: BATCH,
    });
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
      await this.db.outboxMessage.update({ where: { id }, data: { status: 'sent', sentAt: now, resultTs: outcome.ts ?? null, lastError: null } });
      this.metrics?.sent(message.kind);
      return;
    }
    const permanent = outcome.retryInMs === null;
    await this.db.outboxMessage.update({
      where: { id },
      data: permanent
        ? { status: 'failed', lastError: outcome.error }
        : { status: 'pending', nextAttemptAt: new Date(now.getTime() + outcome.retryInMs!), lastError: `${outcome.ambiguous ? 'ambiguous: ' : ''}${outcome.error}` },
    });
    this.metrics?.failed(message.kind, permanent);
    (permanent ? this.log.error : this.log.warn).call(this.log, { outboxId: id, kind: message.kind, error: outcome.error, attempts }, permanent ? 'Slack refused a message; giving up' : 'Slack call failed; will retry');
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
      (m) => (m as { metadata?: { event_type?: string; event_payload?: { outbox_id?: unknown } } }).metadata?.event_payload?.outbox_id === id,
    );
    return found?.ts ?? null;
  }

  private async post(id: number, args: { channel: string; text: string; blocks?: unknown[]; thread_ts?: string }, retry: boolean): Promise<string> {
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
        return { ts: await this.post(id, { channel: root.channel, thread_ts: root.rootTs, text: message.text, ...(message.blocks ? { blocks: message.blocks } : {}) }, retry) };
      }
      case 'ticket.confirm': {
        const root = await this.requireRoot(message.ticketId);
        const link = await this.client.chat.getPermalink({ channel: root.channel, message_ts: root.rootTs });
        const text = `Thanks, your ticket is filed: <${link.permalink}|#${message.ticketId}>. Follow it in its thread; you will be mentioned there when something changes.`;
        return { ts: await this.post(id, { channel: root.reporterId, text }, retry) };
      }
      case 'post':
        return { ts: await this.post(id, { channel: message.channel, text: message.text, ...(message.blocks ? { blocks: message.blocks } : {}) }, retry) };
      case 'call':
        await this.client.apiCall(message.method, message.args);
        return {};
    }
  }

  private async requireRoot(ticketId: number) {
    const root = await this.render.ticketRoot(ticketId);
    // Ordering per ticket puts the root first, so a missing ts means its post failed for good.
    if (!root?.rootTs) throw Object.assign(new Error(`ticket ${ticketId} has no root message`), { code: 'slack_webapi_platform_error', data: { error: 'root_message_missing' } });
    return root as typeof root & { rootTs: string };
  }
}
