// Sends requests to the bot exactly as Slack does: form-encoded slash commands and interactivity
// payloads, JSON Events API envelopes, each signed with v0 HMAC-SHA256 over timestamp and raw body.
import { createHmac, randomUUID } from 'node:crypto';
import { Agent, request } from 'node:http';

export const FORM = 'application/x-www-form-urlencoded';

export interface ViewSubmission {
  callbackId: string;
  userId: string;
  values: Record<string, Record<string, unknown>>;
  privateMetadata?: string;
  /** Slack's id of the view; a fresh one when not given. */
  viewId?: string;
}

export interface SignOptions {
  /** Seconds since the epoch to sign with (default: now, real time — Bolt checks it against the wall clock). */
  timestamp?: number;
  secret?: string;
  headers?: Record<string, string>;
}

/**
 * The ack bench's requests (`keptAlive`) go with node:http over kept-alive connections, not with
 * fetch: under 50 requests in flight, fetch's pool (undici) queued runs of requests behind one
 * another on one connection, each waiting for the one before to be answered — chains of 10–45
 * requests that added 0.5–2.4 s to the bot's and the floor's p99 alike, while the bot's own ack
 * histogram had every answer under 250 ms (docs/benchmarks.md, "The load driver"). The tests keep
 * fetch, which they were written against.
 */
const AGENT = new Agent({ keepAlive: true });

function post(url: string, headers: Record<string, string>, body: string): Promise<Response> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers, agent: AGENT }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.once('error', reject);
      res.once('end', () => {
        const answer = new Headers();
        for (const [name, value] of Object.entries(res.headers)) for (const one of [value ?? []].flat()) answer.append(name, one);
        // A Response refuses a body, even an empty one, for the statuses that have none.
        const body = [204, 205, 304].includes(res.statusCode!) ? null : Buffer.concat(chunks);
        resolve(new Response(body, { status: res.statusCode, headers: answer }));
      });
    });
    // A kept-alive connection the server closed as idle just as this request went out: the server
    // never read it, so it is sent again on a new connection (Node's documented `reusedSocket` check).
    req.once('error', (err: NodeJS.ErrnoException) =>
      req.reusedSocket && err.code === 'ECONNRESET' ? resolve(post(url, headers, body)) : reject(err),
    );
    req.end(body);
  });
}

export class SlackRequests {
  private triggerCounter = 0;
  constructor(
    private readonly baseUrl: string,
    private readonly signingSecret: string,
    private readonly opts: { keptAlive?: boolean } = {},
  ) {}

  async send(body: string, contentType: string, opts: SignOptions = {}): Promise<Response> {
    const ts = opts.timestamp ?? Math.floor(Date.now() / 1000);
    const sig =
      'v0=' +
      createHmac('sha256', opts.secret ?? this.signingSecret)
        .update(`v0:${ts}:${body}`)
        .digest('hex');
    const url = `${this.baseUrl}/slack/events`;
    const headers = { 'content-type': contentType, 'x-slack-request-timestamp': String(ts), 'x-slack-signature': sig, ...opts.headers };
    return this.opts.keptAlive ? post(url, headers, body) : fetch(url, { method: 'POST', headers, body });
  }

  command(text: string, userId = 'UREPORTER', opts: SignOptions = {}): Promise<Response> {
    const form = new URLSearchParams({
      token: 'legacy',
      team_id: 'T0TEST',
      team_domain: 'acme',
      channel_id: 'C0SUPPORT',
      channel_name: 'support',
      user_id: userId,
      user_name: userId.toLowerCase(),
      command: '/support',
      text,
      api_app_id: 'A0TEST',
      response_url: 'https://hooks.slack.com/commands/T0TEST/1/abc',
      trigger_id: this.nextTrigger(),
    });
    return this.send(form.toString(), 'application/x-www-form-urlencoded', opts);
  }

  interactive(payload: Record<string, unknown>, opts: SignOptions = {}): Promise<Response> {
    const form = new URLSearchParams({ payload: JSON.stringify(payload) });
    return this.send(form.toString(), 'application/x-www-form-urlencoded', opts);
  }

  /** A click on a button of a message (block_actions). */
  clickButton(
    args: { actionId: string; value: string; userId: string; channel?: string; messageTs?: string; responseUrl?: string },
    opts: SignOptions = {},
  ): Promise<Response> {
    return this.interactive(
      {
        type: 'block_actions',
        ...this.from(args.userId),
        container: { type: 'message', message_ts: args.messageTs ?? '1.1', channel_id: args.channel ?? 'C0SUPPORT', is_ephemeral: false },
        channel: { id: args.channel ?? 'C0SUPPORT', name: 'support' },
        message: { ts: args.messageTs ?? '1.1', type: 'message' },
        response_url: args.responseUrl ?? 'https://hooks.slack.com/actions/T0TEST/1/abc',
        actions: [{ type: 'button', action_id: args.actionId, block_id: 'actions', value: args.value, action_ts: `${Date.now() / 1000}` }],
      },
      opts,
    );
  }

  /**
   * A modal submitted: `values` maps block_id → action_id → the element's state. Each call is a
   * view of its own (as each /support opens a new modal) unless `viewId` names one.
   */
  submitView(args: ViewSubmission, opts: SignOptions = {}): Promise<Response> {
    return this.send(this.viewSubmissionBody(args), FORM, opts);
  }

  /** The form body of a view submission, to send the very same bytes more than once (`send`). */
  viewSubmissionBody(args: ViewSubmission): string {
    const payload = {
      type: 'view_submission',
      ...this.from(args.userId),
      view: {
        id: args.viewId ?? `V${randomUUID().replaceAll('-', '').slice(0, 10).toUpperCase()}`,
        team_id: 'T0TEST',
        type: 'modal',
        callback_id: args.callbackId,
        private_metadata: args.privateMetadata ?? '',
        state: { values: args.values },
        hash: '1.abc',
      },
    };
    return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
  }

  /** An Events API delivery; `retryNum` adds Slack's retry headers. */
  event(event: Record<string, unknown>, args: { eventId: string; retryNum?: number }, opts: SignOptions = {}): Promise<Response> {
    const body = JSON.stringify({
      token: 'legacy',
      team_id: 'T0TEST',
      api_app_id: 'A0TEST',
      event,
      type: 'event_callback',
      event_id: args.eventId,
      event_time: Math.floor(Date.now() / 1000),
      authorizations: [{ team_id: 'T0TEST', user_id: 'UBOT', is_bot: true }],
    });
    const headers: Record<string, string> = args.retryNum
      ? { 'x-slack-retry-num': String(args.retryNum), 'x-slack-retry-reason': 'http_timeout' }
      : {};
    return this.send(body, 'application/json', { ...opts, headers: { ...headers, ...opts.headers } });
  }

  /** A reply in a thread, as the message.channels event delivers it. */
  threadReply(args: {
    channel?: string;
    threadTs: string;
    userId: string;
    text: string;
    eventId: string;
    retryNum?: number;
    /** Who wrote the thread's parent message, as Slack says in every reply; the bot (the fake's UBOT) unless told. */
    parentUserId?: string;
  }): Promise<Response> {
    const ts = `${Math.floor(Date.now() / 1000)}.${String(Math.floor(Math.random() * 1e6)).padStart(6, '0')}`;
    return this.event(
      {
        type: 'message',
        channel: args.channel ?? 'C0SUPPORT',
        channel_type: 'channel',
        user: args.userId,
        text: args.text,
        ts,
        thread_ts: args.threadTs,
        parent_user_id: args.parentUserId ?? 'UBOT',
        event_ts: ts,
      },
      { eventId: args.eventId, ...(args.retryNum ? { retryNum: args.retryNum } : {}) },
    );
  }

  /** The "Create support ticket" message shortcut used on a message. */
  messageShortcut(args: {
    userId: string;
    channel: string;
    message: { ts: string; text: string; user?: string; thread_ts?: string };
    callbackId?: string;
  }): Promise<Response> {
    return this.interactive({
      type: 'message_action',
      callback_id: args.callbackId ?? 'create_ticket_from_message',
      ...this.from(args.userId),
      channel: { id: args.channel, name: 'general' },
      message: { type: 'message', user: args.message.user ?? 'UAUTHOR', ...args.message },
      message_ts: args.message.ts,
      response_url: 'https://hooks.slack.com/app/T0TEST/1/abc',
      action_ts: `${Date.now() / 1000}`,
    });
  }

  /** A reaction added to a message, as the reaction_added event delivers it. */
  reactionAdded(args: {
    userId: string;
    reaction: string;
    channel?: string;
    messageTs: string;
    eventId: string;
    retryNum?: number;
    /** Who wrote the message; the bot (the fake's UBOT) unless told. */
    itemUser?: string;
  }): Promise<Response> {
    const ts = `${Math.floor(Date.now() / 1000)}.000100`;
    return this.event(
      {
        type: 'reaction_added',
        user: args.userId,
        reaction: args.reaction,
        item_user: args.itemUser ?? 'UBOT',
        item: { type: 'message', channel: args.channel ?? 'C0SUPPORT', ts: args.messageTs },
        event_ts: ts,
      },
      { eventId: args.eventId, ...(args.retryNum ? { retryNum: args.retryNum } : {}) },
    );
  }

  /** Who an interactivity payload comes from, with a fresh trigger id. */
  private from(userId: string) {
    return {
      team: { id: 'T0TEST', domain: 'acme' },
      user: { id: userId, username: userId.toLowerCase(), team_id: 'T0TEST' },
      api_app_id: 'A0TEST',
      token: 'legacy',
      trigger_id: this.nextTrigger(),
    };
  }

  private nextTrigger(): string {
    this.triggerCounter += 1;
    return `trigger.${this.triggerCounter}`;
  }
}
