// What keeps the bot running once it is wired: the HTTP server, the Slack connection check, the
// poller that drains the job table and the outbox, the handoff and digest crons, and a graceful stop.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import cron from 'node-cron';
import type { Metrics } from '../http/metrics.js';
import { drainLoop } from '../jobs/drainLoop.js';
import type { Logger } from '../logger.js';
import { describeFailure, slackAnswered, tokenRefusal } from '../outbox/slackErrors.js';

export async function listen(http: Express, port: number, host: string): Promise<{ server: Server; port: number }> {
  const server = createServer(http);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  return { server, port: (server.address() as AddressInfo).port };
}

/** Resolves once `work` has settled or `ms` have passed, whichever comes first. */
export async function awaitAtMost(work: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([work.catch(() => {}), new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}

/** Stops taking connections, lets requests under way finish for up to `graceMs`, then cuts the rest. */
export async function closeServer(server: Server, graceMs = 3000): Promise<void> {
  // Closing the listening socket resets the connections the kernel has completed but the process has
  // not accepted yet: their clients had already sent a request, so a balancer cannot tell whether it
  // was handled. While the event loop was busy (a stop starts after other work) such connections
  // queue up. The event loop's next poll phase accepts them, and the server then answers them: an
  // immediate runs after the current iteration's poll (which may be the one running this), so the
  // second immediate runs after a poll that started later than this call.
  await new Promise((resolve) => setImmediate(() => setImmediate(resolve)));
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  await awaitAtMost(closed, graceMs);
  server.closeAllConnections();
  await closed;
}

/** Slack refused a token (invalid_auth, token_revoked, …): definitive, so the bot stops and says which. */
export class SlackTokenRefused extends Error {
  override name = 'SlackTokenRefused';
  constructor(
    readonly variable: string,
    readonly method: string,
    readonly answer: string,
  ) {
    super(
      `${variable} was refused by Slack (${method} answered "${answer}"). ` +
        (variable === 'SLACK_APP_TOKEN'
          ? 'Set it to an app-level token with the connections:write scope (Basic Information → App-Level Tokens), or unset it for HTTP mode.'
          : 'Set it to the Bot User OAuth Token of the installed app (OAuth & Permissions; reinstall the app if it was revoked).'),
    );
  }
}

/** One thing start-up asks Slack, with the token it is about. */
export interface SlackStep {
  variable: 'SLACK_BOT_TOKEN' | 'SLACK_APP_TOKEN';
  method: string;
  run(): Promise<unknown>;
}

/**
 * Runs the steps in order (who the bot is; in Socket Mode, opening the socket) until each succeeds;
 * `ready` turns true then (readiness). Network errors, timeouts and 5xx are retried every `retryMs`
 * with one warning line each; a refused token is definitive: on the first attempt it is thrown, on a
 * later one it goes to `onRefused`.
 */
export async function connectSlack(
  steps: SlackStep[],
  log: Logger,
  onRefused: (err: SlackTokenRefused) => void,
  retryMs = 5000,
): Promise<{ ready(): boolean; stop(): void }> {
  let done = 0;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const attempt = async (): Promise<void> => {
    while (done < steps.length) {
      const step = steps[done]!;
      try {
        await step.run();
        done += 1;
      } catch (err) {
        const refused = tokenRefusal(err);
        if (refused) throw new SlackTokenRefused(step.variable, step.method, refused);
        if (stopped) return;
        // Expected while Slack or the network is away: one line, no stack.
        log.warn(
          { method: step.method, error: describeFailure(err) },
          `Slack did not answer ${step.method}; retrying in ${retryMs / 1000} s`,
        );
        timer = setTimeout(() => void attempt().catch((e: unknown) => onRefused(e as SlackTokenRefused)), retryMs);
        timer.unref();
        return;
      }
    }
  };
  await attempt();
  return {
    ready: () => done === steps.length,
    stop: () => {
      stopped = true;
      clearTimeout(timer);
    },
  };
}

/** What readiness says of Slack: the outcome of the latest Web API call, recorded as calls happen. */
export function slackReachability() {
  let state = 'ok';
  return {
    /** `err` undefined: the call succeeded. */
    record(err?: unknown) {
      if (err === undefined) state = 'ok';
      else {
        const refused = tokenRefusal(err);
        state = refused ? `token refused (${refused})` : slackAnswered(err) ? 'ok' : 'unreachable';
      }
    },
    state: () => state,
  };
}

export type SlackReachability = ReturnType<typeof slackReachability>;

export interface Drains {
  /** Runs the jobs that came due; resolves to how many ran. */
  jobs(): Promise<number>;
  /** Delivers the Slack messages that are due. */
  outbox(): Promise<number>;
  pendingMessages(): Promise<number>;
}

/** Fire-and-forget passes for after a commit and for the poller; failures are logged, never thrown. */
export function backgroundPasses(drains: Drains, log: Logger) {
  const kick = () => {
    void drains.outbox().catch((err) => log.error({ err }, 'outbox pass failed'));
  };
  const runJobs = () => {
    void drains.jobs().then(
      (n) => n > 0 && kick(),
      (err) => log.error({ err }, 'scheduler pass failed'),
    );
  };
  return { kick, runJobs };
}

/** Polls for work that came due (real time; the clock decides what is due). */
export function startPoller(drains: Drains, passes: { kick(): void; runJobs(): void }, metrics: Metrics, pollMs: number): () => void {
  const poller = setInterval(() => {
    passes.runJobs();
    passes.kick();
    void drains.pendingMessages().then(
      (n) => metrics.outboxPending.set(n),
      () => {},
    );
  }, pollMs);
  poller.unref();
  passes.runJobs();
  passes.kick();
  return () => clearInterval(poller);
}

export interface CronTrigger {
  /** Runs the check; concurrent calls share one pass, and a call during a pass runs one more. */
  check(): Promise<void>;
  /** Stops the cron trigger and waits for a pass under way. */
  stop(): Promise<void>;
}

/**
 * Runs a check on a cron expression (null: only when asked), in `timezone` (default the machine's).
 * The check decides from the injected clock what is due; the cron only says when to look.
 */
export function cronTrigger(name: string, check: () => Promise<unknown>, expression: string | null, timezone?: string): CronTrigger {
  const run = drainLoop(async () => {
    await check();
    return 0;
  });
  let current: Promise<unknown> = Promise.resolve();
  const trigger = async () => {
    current = run();
    await current;
  };
  const task =
    expression === null ? undefined : cron.schedule(expression, trigger, { name, noOverlap: true, ...(timezone ? { timezone } : {}) });
  return {
    check: trigger,
    async stop() {
      await task?.stop();
      await current;
    },
  };
}

/**
 * Resolves once every started listener has finished, and no job and no Slack message is due.
 * `waiting` is told what it waits for at each step, so that a caller's timeout can name it.
 */
export async function settle(inflight: Set<Promise<unknown>>, drains: Drains, waiting: (what: string) => void = () => {}): Promise<void> {
  for (;;) {
    await new Promise((r) => setTimeout(r, 5));
    if (inflight.size) {
      waiting(`${inflight.size} Slack listener(s) to finish`);
      await Promise.allSettled([...inflight]);
      continue;
    }
    waiting('the job scheduler to run out of due jobs');
    await drains.jobs();
    waiting('the outbox to send every due message');
    await drains.outbox();
    // What is still pending waits for the clock (a retry's backoff); don't spin on it.
    if (!inflight.size) return;
  }
}
