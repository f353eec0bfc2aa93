// A stand-in for Slack's Web API on 127.0.0.1: records every call, answers like Slack, and fails on
// demand (HTTP 5xx, 429 with Retry-After, ok:false errors, a slow answer, or no answer at all).
import type { Doc } from './doc.js';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SlackCall {
  method: string;
  args: Doc;
  at: number;
}

export type Failure =
  | { status: number; retryAfter?: number }
  | { error: string }
  | { hang: true }
  | { afterSuccessHang: true }
  /** A slow Slack: answers normally, after `delayMs`. */
  | { delayMs: number };

interface StoredMessage {
  channel: string;
  ts: string;
  thread_ts?: string;
  text?: string;
  blocks?: unknown;
  metadata?: { event_type: string; event_payload: Record<string, unknown> };
  /** A file share (files.completeUploadExternal) lists its files, as Slack's history does. */
  files?: Array<{ id: string; name: string; title: string }>;
}

/** A file shared through files.getUploadURLExternal → POST to its upload_url → files.completeUploadExternal. */
export interface SharedFile {
  id: string;
  name: string;
  title: string;
  channel: string;
  threadTs?: string;
  initialComment?: string;
  /** The file's bytes, taken out of the multipart body they were POSTed in. */
  bytes: Buffer;
  /** The share's message in the channel. */
  ts: string;
}

/** The one file part of a multipart/form-data body (what the Web API client POSTs to an upload_url). */
function multipartFile(body: Buffer, contentType: string | undefined): Buffer {
  const boundary = /boundary=(?:"([^"]+)"|([^;\s]+))/.exec(contentType ?? '');
  if (!boundary) return body;
  const start = body.indexOf('\r\n\r\n') + 4;
  const end = body.indexOf(Buffer.from(`\r\n--${boundary[1] ?? boundary[2]}`), start);
  return body.subarray(start, end < 0 ? body.length : end);
}

function parseBody(raw: string, type: string | undefined): Doc {
  if (type?.includes('application/json')) return raw ? JSON.parse(raw) : {};
  const out: Doc = {};
  for (const [k, v] of new URLSearchParams(raw)) {
    out[k] = /^[[{]/.test(v) ? safeJson(v) : v;
  }
  return out;
}

function safeJson(v: string): unknown {
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
}

export class FakeSlack {
  readonly calls: SlackCall[] = [];
  readonly messages: StoredMessage[] = [];
  /** Bodies POSTed to upload URLs, by file id, as posted (multipart). */
  readonly uploads = new Map<string, Buffer>();
  /** Files shared by files.completeUploadExternal, in order. */
  readonly files: SharedFile[] = [];
  private readonly uploadTypes = new Map<string, string | undefined>();
  private readonly uploadNames = new Map<string, string>();
  readonly emails = new Map<string, string>();
  /** What apps.connections.open hands out (Socket Mode tests run a WebSocket server there). */
  socketUrl = '';
  /** chat.postMessage calls answered 429 by the per-channel limit (limitPostsPerChannel). */
  readonly rateLimited: SlackCall[] = [];
  private postLimit: { intervalMs: number; burst: number } | null = null;
  /** Per channel, when its limit would be idle again (GCRA's theoretical arrival time, ms on `clock`). */
  private readonly channelIdleAt = new Map<string, number>();
  private failures: Array<{ method: string; failure: Failure; remaining: number; when?: (args: Doc) => boolean }> = [];
  /** How long every answer takes (Slack's round trip), on top of any failure's own delay. */
  private latencyMs = 0;
  /** Slack's clock (ms), which message ts follow; the harness sets it to the bot's manual clock. */
  clock: () => number = Date.now;
  private server: Server;
  /** The last ts handed out, in microseconds: each message's ts is unique and later than the last. */
  private lastTs = 0;
  private hung: ServerResponse[] = [];
  port = 0;

  constructor() {
    this.server = createServer((req, res) => void this.handle(req, res));
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  get apiUrl(): string {
    return `http://127.0.0.1:${this.port}/api/`;
  }

  async stop(): Promise<void> {
    for (const res of this.hung) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** The next `times` calls of `method` (those `when` accepts, if given) fail as described. */
  fail(method: string, failure: Failure, times = 1, when?: (args: Doc) => boolean): void {
    this.failures.push({ method, failure, remaining: times, ...(when ? { when } : {}) });
  }

  /** Every call is answered after `ms`, as a distant Slack answers (0: at once). */
  delayAll(ms: number): void {
    this.latencyMs = ms;
  }

  /**
   * Limits chat.postMessage per channel as Slack does: `burst` at once, then one every `intervalMs`
   * on `clock`; a post beyond that is answered 429 with Retry-After and recorded in `rateLimited`.
   */
  limitPostsPerChannel(limit: { intervalMs: number; burst: number }): void {
    this.postLimit = limit;
  }

  /** Whether the per-channel limit lets this post through now (and counts it when it does). */
  private withinPostLimit(channel: string): boolean {
    if (!this.postLimit) return true;
    const { intervalMs, burst } = this.postLimit;
    const now = this.clock();
    const idleAt = this.channelIdleAt.get(channel) ?? now;
    if (idleAt - (burst - 1) * intervalMs > now) return false;
    this.channelIdleAt.set(channel, Math.max(idleAt, now) + intervalMs);
    return true;
  }

  callsTo(method: string): SlackCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** Messages posted (not ephemeral), optionally in one channel. */
  posted(channel?: string): StoredMessage[] {
    return this.messages.filter((m) => channel === undefined || m.channel === channel);
  }

  /** Forgets the calls recorded and the failures still queued: Slack answers every call again. */
  reset(): void {
    this.calls.length = 0;
    this.failures = [];
  }

  /** Puts `count` messages from people straight into a channel's history (or a thread), as a busy channel gets them. */
  addMessages(channel: string, count: number, opts: { threadTs?: string; text?: string } = {}): void {
    for (let i = 0; i < count; i++)
      this.messages.push({
        channel,
        ts: this.nextTs(),
        text: `${opts.text ?? 'chatter'} ${i}`,
        ...(opts.threadTs ? { thread_ts: opts.threadTs } : {}),
      });
  }

  private nextTs(): string {
    this.lastTs = Math.max(this.lastTs + 1, Math.floor(this.clock()) * 1000);
    return `${Math.floor(this.lastTs / 1e6)}.${String(this.lastTs % 1e6).padStart(6, '0')}`;
  }

  /**
   * conversations.history (newest first, top-level messages) and conversations.replies (the parent,
   * then its replies, oldest first), as Slack pages them: `oldest`/`latest` (exclusive unless
   * `inclusive`), `limit` (default 100) and `cursor` / `response_metadata.next_cursor`.
   */
  private conversation(method: string, args: Doc): Record<string, unknown> {
    const inclusive = args.inclusive === true || args.inclusive === 'true' || args.inclusive === '1';
    const after = (ts: string, bound: unknown) =>
      bound === undefined || (inclusive ? Number(ts) >= Number(bound) : Number(ts) > Number(bound));
    const before = (ts: string, bound: unknown) =>
      bound === undefined || (inclusive ? Number(ts) <= Number(bound) : Number(ts) < Number(bound));
    const list = this.messages
      .filter(
        (m) =>
          m.channel === args.channel &&
          (method === 'conversations.history' ? !m.thread_ts : m.thread_ts === args.ts || m.ts === args.ts) &&
          after(m.ts, args.oldest) &&
          before(m.ts, args.latest),
      )
      .sort((a, b) => Number(a.ts) - Number(b.ts));
    if (method === 'conversations.history') list.reverse();
    const start = args.cursor ? Number(Buffer.from(String(args.cursor), 'base64').toString().replace('offset:', '')) : 0;
    const limit = Math.min(Number(args.limit ?? 100), 1000);
    const page = list.slice(start, start + limit);
    const more = start + limit < list.length;
    return {
      ok: true,
      messages: page,
      has_more: more,
      response_metadata: { next_cursor: more ? Buffer.from(`offset:${start + limit}`).toString('base64') : '' },
    };
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    const url = new URL(req.url ?? '/', 'http://x');
    // POSTs to an upload URL are recorded as calls of "upload" and fail on demand like methods.
    const upload = url.pathname.startsWith('/upload/');
    const method = upload ? 'upload' : url.pathname.replace(/^\/api\//, '');
    const args = upload
      ? { file_id: url.pathname.slice('/upload/'.length) }
      : parseBody(body.toString('utf8'), req.headers['content-type']);
    this.calls.push({ method, args, at: Date.now() });
    if (this.latencyMs > 0) await new Promise((r) => setTimeout(r, this.latencyMs));
    if (upload && !this.failures.some((f) => f.method === 'upload' && f.remaining > 0)) {
      this.uploads.set(String(args.file_id), body);
      this.uploadTypes.set(String(args.file_id), req.headers['content-type']);
      res.writeHead(200).end('OK');
      return;
    }

    if (method === 'chat.postMessage' && !this.withinPostLimit(String(args.channel))) {
      this.rateLimited.push(this.calls.at(-1)!);
      res
        .writeHead(429, { 'content-type': 'application/json', 'retry-after': '1' })
        .end(JSON.stringify({ ok: false, error: 'ratelimited' }));
      return;
    }
    const pending = this.failures.find((f) => f.method === method && f.remaining > 0 && (!f.when || f.when(args)));
    if (pending) {
      pending.remaining -= 1;
      const f = pending.failure;
      if ('hang' in f) {
        this.hung.push(res);
        return;
      }
      if ('delayMs' in f) {
        await new Promise((r) => setTimeout(r, f.delayMs));
        this.json(res, this.answer(method, args));
        return;
      }
      if ('afterSuccessHang' in f) {
        // Slack did the work but the answer never arrives: the caller must not do it twice.
        this.answer(method, args);
        this.hung.push(res);
        return;
      }
      if ('status' in f) {
        res.writeHead(f.status, {
          'content-type': 'application/json',
          ...(f.retryAfter !== undefined ? { 'retry-after': String(f.retryAfter) } : {}),
        });
        res.end(JSON.stringify({ ok: false, error: f.status === 429 ? 'ratelimited' : 'internal_error' }));
        return;
      }
      this.json(res, { ok: false, error: f.error });
      return;
    }
    this.json(res, this.answer(method, args));
  }

  private answer(method: string, args: Doc): Record<string, unknown> {
    switch (method) {
      case 'apps.connections.open':
        return { ok: true, url: this.socketUrl };
      case 'auth.test':
        return { ok: true, user_id: 'UBOT', bot_id: 'BBOT', team_id: 'T0TEST', user: 'supportbot' };
      case 'chat.postMessage': {
        const ts = this.nextTs();
        const channel = String(args.channel);
        this.messages.push({ channel, ts, thread_ts: args.thread_ts, text: args.text, blocks: args.blocks, metadata: args.metadata });
        return { ok: true, channel, ts, message: { ts, text: args.text } };
      }
      case 'chat.update': {
        const m = this.messages.find((x) => x.channel === args.channel && x.ts === args.ts);
        if (!m) return { ok: false, error: 'message_not_found' };
        Object.assign(m, { text: args.text, blocks: args.blocks });
        return { ok: true, channel: args.channel, ts: args.ts };
      }
      case 'chat.postEphemeral':
        return { ok: true, message_ts: this.nextTs() };
      case 'chat.getPermalink':
        return {
          ok: true,
          channel: args.channel,
          permalink: `https://acme.slack.com/archives/${args.channel}/p${String(args.message_ts).replace('.', '')}`,
        };
      case 'conversations.history':
      case 'conversations.replies':
        return this.conversation(method, args);
      case 'conversations.open':
        return { ok: true, channel: { id: `D${String(args.users).slice(1)}` } };
      case 'views.open':
      case 'views.push':
      case 'views.update':
      case 'views.publish':
        return { ok: true, view: { id: `V${this.calls.length}`, ...(typeof args.view === 'object' ? args.view : {}) } };
      case 'users.lookupByEmail': {
        const user = this.emails.get(String(args.email));
        return user ? { ok: true, user: { id: user } } : { ok: false, error: 'users_not_found' };
      }
      case 'files.getUploadURLExternal': {
        const id = `F${this.calls.length}`;
        this.uploadNames.set(id, String(args.filename));
        return { ok: true, file_id: id, upload_url: `http://127.0.0.1:${this.port}/upload/${id}` };
      }
      case 'files.completeUploadExternal':
        return this.completeUpload(args);
      default:
        return { ok: true };
    }
  }

  /** Shares the uploaded files in the channel (or thread) as one message, like Slack. */
  private completeUpload(args: Doc): Record<string, unknown> {
    const listed = (Array.isArray(args.files) ? args.files : []) as Array<{ id: string; title?: string }>;
    if (listed.some((f) => !this.uploads.has(f.id))) return { ok: false, error: 'file_not_found' };
    const files = listed.map((f) => ({
      id: f.id,
      name: this.uploadNames.get(f.id) ?? f.id,
      title: f.title ?? this.uploadNames.get(f.id) ?? f.id,
    }));
    if (args.channel_id) {
      const ts = this.nextTs();
      const channel = String(args.channel_id);
      const threadTs = typeof args.thread_ts === 'string' ? args.thread_ts : undefined;
      const comment = typeof args.initial_comment === 'string' ? args.initial_comment : undefined;
      this.messages.push({ channel, ts, ...(threadTs ? { thread_ts: threadTs } : {}), text: comment ?? '', files });
      for (const f of files) {
        const bytes = multipartFile(this.uploads.get(f.id)!, this.uploadTypes.get(f.id));
        this.files.push({ ...f, channel, bytes, ts, ...(threadTs ? { threadTs } : {}), ...(comment ? { initialComment: comment } : {}) });
      }
    }
    return { ok: true, files: files.map((f) => ({ id: f.id, name: f.name, title: f.title })) };
  }

  private json(res: ServerResponse, body: unknown): void {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  }
}
