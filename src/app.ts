// The one place that wires the domain, the database, Slack and HTTP together.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import bolt from '@slack/bolt';
import { WebClient } from '@slack/web-api';
import type { Express } from 'express';
import { systemClock, type Clock } from './clock.js';
import type { Env } from './config/env.js';
import type { SupportConfig } from './config/supportConfig.js';
import { openDatabase, type Database } from './db/client.js';
import { migrateIfNeeded } from './db/migrate.js';
import { createMetrics, type Metrics } from './http/metrics.js';
import { createHttpApp, finishHttpApp } from './http/server.js';
import { SLACK_EVENTS_PATH, slackRequestGuard } from './http/slackRequestGuard.js';
import { boltLogger, createLogger, type Logger } from './logger.js';
import { helpSubcommand, registerSupportCommand, type Subcommand } from './slack/commands.js';
import { registerHome } from './slack/home.js';
import { answerUnhandled } from './slack/unhandledRequests.js';
import { OutboxRelay, type Renderer } from './slack/outbox.js';
import { openTicketForm, registerTicketListeners } from './slack/ticketListeners.js';
import { ticketMessage } from './slack/views/ticketMessage.js';
import { ticketView, type TicketDeps, type TicketHooks } from './services/tickets.js';
import { registerDeployRoutes } from './http/deploys.js';
import { causeCandidates, decideLink, deployTicketHooks, recordDeploy, type DeployDeps } from './services/deploys.js';
import { PeopleResolver, slackEmailLookup } from './services/people.js';
import { deploySubcommand, registerDeployListeners } from './slack/deployListeners.js';
import { Scheduler, type JobHandlers } from './jobs/scheduler.js';
import { pagingHooks, pagingJobHandlers } from './services/paging.js';
import { slaJobHandlers, slaTimerHooks } from './services/slaTimers.js';
import { createHandoffJob } from './jobs/handoffs.js';
import { gardenerRouting } from './services/routing.js';
import { rotationSubcommands } from './slack/rotationCommands.js';

const { App, ExpressReceiver, SocketModeReceiver } = bolt;

export interface SupportbotOptions {
  env: Env;
  config: SupportConfig;
  clock?: Clock;
  logger?: Logger;
  /** How often the outbox and the job table are polled for work that came due (real time). */
  pollMs?: number;
  /** Web API request timeout; a timed-out call is retried by the outbox. */
  slackTimeoutMs?: number;
  /** Due jobs a scheduler pass claims and runs in one transaction (default 100). */
  jobBatchSize?: number;
  /** When the handoff check runs (node-cron, default every minute); null: only at start and on checkHandoffs(). */
  handoffCron?: string | null;
}

export interface Supportbot {
  port: number;
  database: Database;
  metrics: Metrics;
  /**
   * Resolves once every started listener has finished, and no job and no Slack message is due.
   * `waiting` is told what it waits for at each step, so that a caller's timeout can name it.
   */
  settle(waiting?: (what: string) => void): Promise<void>;
  /** Announces duty changes up to the clock's now (what the handoff cron runs). */
  checkHandoffs(): Promise<void>;
  stop(): Promise<void>;
}

const SLACK_TIMEOUT_MS = 10_000;

export async function startSupportbot(opts: SupportbotOptions): Promise<Supportbot> {
  const { env, config } = opts;
  const clock = opts.clock ?? systemClock;
  const log = opts.logger ?? createLogger(env.LOG_LEVEL);
  await migrateIfNeeded(env.DATABASE_URL);
  const database = await openDatabase(env.DATABASE_URL);
  const { db } = database;
  const metrics = createMetrics(async () =>
    (await db.ticket.groupBy({ by: ['priority'], where: { status: { not: 'resolved' } }, _count: { _all: true } })).map((g) => ({
      priority: g.priority,
      count: g._count._all,
    })),
  );

  // The outbox owns retries: the client reports 429s and errors at once instead of queueing them.
  const clientOptions = {
    ...(env.SLACK_API_URL ? { slackApiUrl: env.SLACK_API_URL } : {}),
    timeout: opts.slackTimeoutMs ?? SLACK_TIMEOUT_MS,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
  };
  let slackReady = false;
  const health = async () => {
    const checks: Record<string, string> = {};
    try {
      await db.$queryRawUnsafe('SELECT 1');
      checks.database = 'ok';
    } catch (err) {
      checks.database = (err as Error).message;
    }
    checks.slack = slackReady ? 'ok' : 'not connected yet';
    return { ok: checks.database === 'ok' && slackReady, checks };
  };
  const http: Express = createHttpApp({ metrics, health, log });

  const socketMode = Boolean(env.SLACK_APP_TOKEN);
  // Mounted before the receiver's route, so that it sees every request first.
  if (!socketMode) http.post(SLACK_EVENTS_PATH, slackRequestGuard({ signingSecret: env.SLACK_SIGNING_SECRET, log }));
  const receiver = socketMode
    ? new SocketModeReceiver({ appToken: env.SLACK_APP_TOKEN!, logger: boltLogger(log), installerOptions: { clientOptions } as never })
    : new ExpressReceiver({
        signingSecret: env.SLACK_SIGNING_SECRET,
        app: http,
        endpoints: SLACK_EVENTS_PATH,
        logger: boltLogger(log),
        processBeforeResponse: false,
      });
  // Our own client for the outbox and start-up checks; Bolt's per-request clients get the same
  // token through authorize, which asks Slack who we are once (and again after a failure).
  const slack = new WebClient(env.SLACK_BOT_TOKEN, { ...clientOptions, logger: boltLogger(log) });
  let identity: Promise<{ botId: string; botUserId: string }> | undefined;
  const whoAmI = () =>
    (identity ??= slack.auth.test().then(
      (r) => ({ botId: r.bot_id as string, botUserId: r.user_id as string }),
      (err: unknown) => {
        identity = undefined;
        throw err;
      },
    ));
  const app = new App({
    receiver: answerUnhandled(receiver, log),
    authorize: async () => ({ botToken: env.SLACK_BOT_TOKEN, ...(await whoAmI()) }),
    clientOptions,
    logger: boltLogger(log),
    convoStore: false,
  });

  const inflight = new Set<Promise<unknown>>();
  app.use(async ({ next }) => {
    const started = process.hrtime.bigint();
    const run = next();
    inflight.add(run);
    try {
      await run;
    } finally {
      inflight.delete(run);
      metrics.slackListenerSeconds.observe(Number(process.hrtime.bigint() - started) / 1e9);
    }
  });
  app.error(async (err) => {
    log.error({ err }, 'unhandled error in a Slack listener');
  });

  const render: Renderer = {
    async ticketRoot(ticketId) {
      const ticket = await db.ticket.findUnique({ where: { id: ticketId } });
      if (!ticket) return null;
      const message = ticketMessage(ticketView(config, ticket, clock.now()));
      return { channel: ticket.channelId, rootTs: ticket.rootTs, reporterId: ticket.reporterId, ...message };
    },
  };
  const relay = new OutboxRelay(db, slack, clock, render, log.child({ component: 'outbox' }), {
    sent: (kind) => metrics.outboxSent.inc({ kind }),
    failed: (kind, permanent) => metrics.outboxFailed.inc({ kind, permanent: String(permanent) }),
  });
  const kick = () => {
    void relay.drain().catch((err) => log.error({ err }, 'outbox pass failed'));
  };

  const hooks: TicketHooks[] = [];
  const ticketDeps: TicketDeps = { db, clock, config, hooks, kick };
  // Durable timers: SLA reminders and breaches, out-of-hours paging and its escalation.
  hooks.push(slaTimerHooks(config), pagingHooks(config));
  const jobHandlers: JobHandlers = { ...slaJobHandlers(config), ...pagingJobHandlers(config) };
  const scheduler = new Scheduler(db, database.provider, clock, jobHandlers, log.child({ component: 'scheduler' }), opts.jobBatchSize);
  const runJobs = () => {
    void scheduler.drain().then(
      (n) => n > 0 && kick(),
      (err) => log.error({ err }, 'scheduler pass failed'),
    );
  };
  const subcommands: Subcommand[] = [];
  subcommands.push(helpSubcommand(() => subcommands));
  // Deploys: the HTTP API, /support deploy, the verdict buttons, and deploy links on new tickets.
  const deployDeps: DeployDeps = {
    db,
    clock,
    config,
    kick,
    people: new PeopleResolver(slackEmailLookup(slack), clock, config.deploys.gitLogins),
  };
  hooks.push(deployTicketHooks(deployDeps));
  subcommands.push(deploySubcommand(deployDeps));
  registerDeployListeners(app, { ...deployDeps, log });
  registerDeployRoutes(http, {
    secret: env.DEPLOY_WEBHOOK_SECRET,
    config,
    clock,
    log,
    record: (input, o) => recordDeploy(deployDeps, input, o),
  });
  // Rotations: handoff announcements, gardener mentions on new tickets, the rotation commands.
  const handoffs = createHandoffJob({ db, config, clock, log: log.child({ component: 'handoffs' }), kick });
  hooks.push(gardenerRouting(config));
  subcommands.push(...rotationSubcommands({ db, clock, config, kick, afterChange: handoffs.check, log }));
  registerSupportCommand(app, { subcommands, openTicketForm: openTicketForm(ticketDeps), log });
  registerTicketListeners(app, {
    ...ticketDeps,
    log,
    deployCauses: {
      linked: (ticketId) => causeCandidates(deployDeps, ticketId),
      confirm: ({ deployId, ticketId, actorId }) => decideLink(deployDeps, { deployId, ticketId, actorId, verdict: 'caused' }),
    },
  });
  registerHome(app, { db, config, clock, log });
  finishHttpApp(http, log);

  const server: Server = createServer(http);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(env.PORT, env.HOST, resolve);
  });
  if (socketMode) await app.start();

  const connectSlack = async () => {
    try {
      await whoAmI();
      slackReady = true;
    } catch (err) {
      log.warn({ err }, 'Slack auth.test failed; retrying in 5 s');
      connectTimer = setTimeout(connectSlack, 5000);
      connectTimer.unref();
    }
  };
  let connectTimer: NodeJS.Timeout | undefined;
  await connectSlack();

  const poller = setInterval(() => {
    runJobs();
    kick();
    void relay.pendingDue().then(
      (n) => metrics.outboxPending.set(n),
      () => {},
    );
  }, opts.pollMs ?? 1000);
  poller.unref();
  runJobs();
  kick();
  // Catches up on handoffs missed while the bot was down, before the first minute passes.
  await handoffs.check();
  if (opts.handoffCron !== null) handoffs.schedule(opts.handoffCron ?? '* * * * *');

  const port = (server.address() as AddressInfo).port;
  log.info({ port, mode: socketMode ? 'socket' : 'http', database: database.provider }, 'supportbot is listening');

  return {
    port,
    database,
    metrics,
    async settle(waiting = () => {}) {
      for (;;) {
        await new Promise((r) => setTimeout(r, 5));
        if (inflight.size) {
          waiting(`${inflight.size} Slack listener(s) to finish`);
          await Promise.allSettled([...inflight]);
          continue;
        }
        waiting('the job scheduler to run out of due jobs');
        await scheduler.drain();
        waiting('the outbox to send every due message');
        await relay.drain();
        // What is still pending waits for the clock (a retry's backoff); don't spin on it.
        if (!inflight.size) return;
      }
    },
    checkHandoffs: handoffs.check,
    async stop() {
      clearInterval(poller);
      clearTimeout(connectTimer);
      await handoffs.stop();
      if (socketMode) await app.stop().catch(() => {});
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.allSettled([...inflight]);
      await scheduler.drain().catch(() => {});
      await relay.drain().catch(() => {});
      await database.close();
    },
  };
}
