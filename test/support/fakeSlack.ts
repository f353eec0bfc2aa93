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
  readonly uploads = new Map<string, Buffer>();
  readonly emails = new Map<string, string>();
  /** What apps.connections.open hands out (Socket Mode tests run a WebSocket server there). */
  socketUrl = '';
  private failures: Array<{ method: string; failure: Failure; remaining: number; when?: (args: Doc) => boolean }> = [];
  private server: Server;
  private tsCounter = 0;
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

  callsTo(method: string): SlackCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** Messages posted (not ephemeral), optionally in one channel. */
  posted(channel?: string): StoredMessage[] {
    return this.messages.filter((m) => channel === undefined || m.channel === channel);
  }

  reset(): void {
    this.calls.length = 0;
  }

  private nextTs(): string {
    this.tsCounter += 1;
    return `1700000000.${String(this.tsCounter).padStart(6, '0')}`;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname.startsWith('/upload/')) {
      this.uploads.set(url.pathname.slice('/upload/'.length), body);
      res.writeHead(200).end('OK');
      return;
    }
    const method = url.pathname.replace(/^\/api\//, '');
    const args = parseBody(body.toString('utf8'), req.headers['content-type']);
    this.calls.push({ method, args, at: Date.now() });

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
      case 'conversations.replies': {
        const list = this.messages.filter(
          (m) =>
            m.channel === args.channel && (method === 'conversations.history' ? !m.thread_ts : m.thread_ts === args.ts || m.ts === args.ts),
        );
        return { ok: true, messages: list.slice().reverse(), has_more: false };
      }
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
        return { ok: true, file_id: id, upload_url: `http://127.0.0.1:${this.port}/upload/${id}` };
      }
      default:
        return { ok: true };
    }
  }

  private json(res: ServerResponse, body: unknown): void {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  }
}
