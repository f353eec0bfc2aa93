// The bot's Slack connection: the Web API client, Bolt's app and receiver (HTTP or Socket Mode),
// and who the bot is (asked once, again after a failure).
import bolt, { type App } from '@slack/bolt';
import { WebClient } from '@slack/web-api';
import type { Express, RequestHandler } from 'express';
import type { Env } from '../config/env.js';
import type { Metrics } from '../http/metrics.js';
import { SLACK_EVENTS_PATH, slackRequestGuard } from '../http/slackRequestGuard.js';
import { boltLogger, type Logger, withRequestFields } from '../logger.js';
import { answeredOutcome, platformError, tagCall, unansweredOutcome } from '../outbox/slackErrors.js';
import type { EmailLookup } from '../services/people.js';
import { requestFields } from '../slack/requestFields.js';
import { answerUnhandled } from '../slack/unhandledRequests.js';

const { App: BoltApp, ExpressReceiver, SocketModeReceiver } = bolt;

export interface Identity {
  botId: string;
  botUserId: string;
}

export interface SlackApp {
  app: App;
  /** Our own client, for the outbox and start-up checks. */
  client: WebClient;
  socketMode: boolean;
  whoAmI(): Promise<Identity>;
  /** The listener runs not finished yet. */
  inflight: Set<Promise<unknown>>;
}

export function createSlackApp(opts: {
  env: Env;
  http: Express;
  log: Logger;
  metrics: Metrics;
  timeoutMs: number;
  /** Told the outcome of every call our client makes (the outbox's, start-up's): readiness. */
  reachability: { record(err?: unknown): void };
}): SlackApp {
  const { env, log } = opts;
  // The outbox owns retries: the client reports 429s and errors at once instead of queueing them.
  const clientOptions = {
    ...(env.SLACK_API_URL ? { slackApiUrl: env.SLACK_API_URL } : {}),
    timeout: opts.timeoutMs,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    // Every client's calls (ours, and those Bolt gives listeners) are counted as they leave.
    fetch: countingFetch(opts.metrics),
  };
  const socketMode = env.SLACK_APP_TOKEN !== undefined;
  // loadEnv requires the signing secret in HTTP mode; Socket Mode has no signed requests.
  const signingSecret = env.SLACK_SIGNING_SECRET ?? '';
  // Mounted before the receiver's route, so that it sees every request first.
  if (!socketMode) opts.http.post(SLACK_EVENTS_PATH, ackTimer(opts.metrics), slackRequestGuard({ signingSecret, log }));
  const receiver = socketMode
    ? new SocketModeReceiver({ appToken: env.SLACK_APP_TOKEN!, logger: boltLogger(log), installerOptions: { clientOptions } })
    : new ExpressReceiver({
        signingSecret,
        app: opts.http,
        endpoints: SLACK_EVENTS_PATH,
        logger: boltLogger(log),
        processBeforeResponse: false,
        // slackRequestGuard, mounted before this route, has checked every request's signature and
        // age (and refused the rest): a second HMAC and compare here was a tenth of an event's CPU.
        signatureVerification: false,
      });
  // Bolt's per-request clients get the same token through authorize, which asks Slack who we are once.
  const client = new RecordingWebClient(opts.reachability, env.SLACK_BOT_TOKEN, { ...clientOptions, logger: boltLogger(log) });
  let identity: Promise<Identity> | undefined;
  const whoAmI = () =>
    (identity ??= client.auth.test().then(
      (r) => ({ botId: r.bot_id as string, botUserId: r.user_id as string }),
      (err: unknown) => {
        identity = undefined;
        throw err;
      },
    ));
  const app = new BoltApp({
    receiver: answerUnhandled(receiver, log),
    authorize: async () => ({ botToken: env.SLACK_BOT_TOKEN, ...(await whoAmI()) }),
    clientOptions,
    logger: boltLogger(log),
    convoStore: false,
  });

  const inflight = new Set<Promise<unknown>>();
  // Every line logged while a request is handled names its ticket, Slack's id for it and its user;
  // one line per request says it was handled (Slack's own redeliveries say which retry they are).
  app.use(async ({ body, context, next }) => {
    const started = process.hrtime.bigint();
    const run = withRequestFields(requestFields(body), async () => {
      try {
        await next();
      } finally {
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        opts.metrics.slackListenerSeconds.observe(seconds);
        const type = (body as { type?: string }).type;
        const retry = context.retryNum ? { retryNum: context.retryNum, retryReason: context.retryReason } : {};
        (context.retryNum ? log.warn : log.info).call(log, { type, seconds, ...retry }, 'Slack request handled');
      }
    });
    inflight.add(run);
    try {
      await run;
    } finally {
      inflight.delete(run);
    }
  });
  app.error(async (err) => {
    log.error({ err }, 'unhandled error in a Slack listener');
  });
  return { app, client, socketMode, whoAmI, inflight };
}

/** Every method of a WebClient goes through apiCall (bound when it is built): its outcome is Slack's reachability now. */
class RecordingWebClient extends WebClient {
  constructor(
    private readonly reachability: { record(err?: unknown): void },
    ...args: ConstructorParameters<typeof WebClient>
  ) {
    super(...args);
  }

  override async apiCall(...args: Parameters<WebClient['apiCall']>): ReturnType<WebClient['apiCall']> {
    try {
      const result = await super.apiCall(...args);
      this.reachability.record();
      return result;
    } catch (err) {
      this.reachability.record(err);
      // The outbox pauses only the lane (method, channel) a 429 was for.
      throw tagCall(err, args[0], args[1]);
    }
  }
}

/** The lookup through a Web API client: "users_not_found" is an answer, anything else an error. */
export function slackEmailLookup(client: {
  users: { lookupByEmail(args: { email: string }): Promise<{ user?: { id?: string } }> };
}): EmailLookup {
  return async (email) => {
    try {
      const res = await client.users.lookupByEmail({ email });
      return res.user?.id ?? null;
    } catch (err) {
      if (platformError(err) === 'users_not_found') return null;
      throw err;
    }
  };
}

/**
 * fetch for the Web API clients, counting each call by method and outcome: Slack's answer (a 200's
 * `ok` read from a copy of the body), a 429, or no answer (timeout, network).
 */
function countingFetch(metrics: Metrics): typeof fetch {
  return async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    // Uploads POST the file's bytes to an upload URL outside the API: one method for them all.
    const method = url.pathname.includes('/api/') ? url.pathname.slice(url.pathname.lastIndexOf('/api/') + 5) : 'files.upload_url';
    let res: Response;
    try {
      res = await fetch(input, init);
    } catch (err) {
      metrics.slackCalls.inc({ method, outcome: unansweredOutcome(err) });
      throw err;
    }
    const ok =
      res.status === 200 &&
      (await res
        .clone()
        .json()
        .then(
          (b: { ok?: unknown }) => b.ok !== false,
          () => true,
        ));
    const outcome = answeredOutcome(res.status, ok);
    metrics.slackCalls.inc({ method, outcome });
    if (outcome === 'ratelimited') metrics.slackRateLimited.inc({ method });
    return res;
  };
}

/** Times each /slack/events request from its arrival to its answer: the ack Slack waits 3 s for. */
function ackTimer(metrics: Metrics): RequestHandler {
  return (_req, res, next) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => metrics.slackAckSeconds.observe(Number(process.hrtime.bigint() - started) / 1e9));
    next();
  };
}
