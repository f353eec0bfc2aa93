// What keeps the bot running once it is wired: the HTTP server, the Slack connection check, the
// poller that drains the job table and the outbox, the handoff and digest crons, and a graceful stop.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import cron from 'node-cron';
import type { Env } from '../config/env.js';
import type { Metrics } from '../http/metrics.js';
import { drainLoop } from '../jobs/drainLoop.js';
import type { Logger } from '../logger.js';

export async function listen(http: Express, env: Env): Promise<{ server: Server; port: number }> {
  const server = createServer(http);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(env.PORT, env.HOST, resolve);
  });
  return { server, port: (server.address() as AddressInfo).port };
}

export async function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/** Asks Slack who the bot is until it answers; `ready` turns true then (health). */
export async function connectSlack(whoAmI: () => Promise<unknown>, log: Logger): Promise<{ ready(): boolean; stop(): void }> {
  let ready = false;
  let timer: NodeJS.Timeout | undefined;
  const attempt = async () => {
    try {
      await whoAmI();
      ready = true;
    } catch (err) {
      log.warn({ err }, 'Slack auth.test failed; retrying in 5 s');
      timer = setTimeout(attempt, 5000);
      timer.unref();
    }
  };
  await attempt();
  return { ready: () => ready, stop: () => clearTimeout(timer) };
}

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
