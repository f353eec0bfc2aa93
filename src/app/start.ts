// The composition root: builds the parts (database, HTTP, Slack, outbox, scheduler, features) and
// starts them. Each part is made in its own module; this file only says what goes with what.
import { setTimeout as sleep } from 'node:timers/promises';
import type { WebClient } from '@slack/web-api';
import { type Clock, systemClock } from '../clock.js';
import { buildInfo } from '../config/buildInfo.js';
import type { Env } from '../config/env.js';
import type { SupportConfig } from '../config/supportConfig.js';
import { type Database, openDatabase } from '../db/client.js';
import { migrateIfNeeded } from '../db/migrate.js';
import { createMetrics, type Metrics, observeSchedulerPass } from '../http/metrics.js';
import { createHttpApp, createMetricsApp, finishHttpApp } from '../http/server.js';
import { Scheduler } from '../jobs/scheduler.js';
import { createLogger, type Logger } from '../logger.js';
import { ticketMessage } from '../messages/ticketMessage.js';
import { type PaceRules, SLACK_PACE } from '../outbox/lanes.js';
import { OutboxRelay } from '../outbox/relay.js';
import { type Db, ping } from '../repos/db.js';
import { outboxBacklog, ticketCountsByPriorityAndStatus } from '../repos/operationalCounts.js';
import { findTicket, openTicketsByPriority } from '../repos/tickets.js';
import { ticketLinks } from '../services/intake.js';
import { ticketView } from '../services/tickets.js';
import { wireFeatures } from './features.js';
import {
  awaitAtMost,
  backgroundPasses,
  closeServer,
  connectSlack,
  cronTrigger,
  listen,
  type SlackStep,
  type SlackTokenRefused,
  settle,
  slackReachability,
  startPoller,
} from './lifecycle.js';
import { createSlackApp, slackEmailLookup } from './slackApp.js';

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
  /** When the digest check runs (default `digest.cron` in the config's zone); null: only at start and on checkDigest(). */
  digestCron?: string | null;
  /**
   * Slack refused a token after start-up had gone on retrying (the network was down at first); a
   * refusal on the first attempt is thrown by startSupportbot instead. Default: logged.
   */
  onSlackRefused?: (err: SlackTokenRefused) => void;
  /** How long start-up waits between attempts to reach Slack (default 5 s). */
  slackRetryMs?: number;
  /** How fast the outbox calls Slack, per lane (default SLACK_PACE: chat.postMessage about 1/s per channel). */
  slackPace?: PaceRules;
  /** Applies pending migrations (default: in this process; main.ts uses a process of its own, db/migrateApart.ts). */
  applyMigrations?: (url: string) => Promise<string[]>;
}

export interface Supportbot {
  port: number;
  /** The port of /metrics' own listener, when METRICS_PORT is set. */
  metricsPort?: number;
  database: Database;
  metrics: Metrics;
  /** Announces duty changes up to the clock's now (what the handoff cron runs). */
  checkHandoffs(): Promise<void>;
  /** Sends the digest of the latest period due up to the clock's now, unless sent (what the digest cron runs). */
  checkDigest(): Promise<void>;
  stop(): Promise<void>;
}

/** The bot as tests drive it: also waits until every listener has finished and nothing is due. */
export interface SettlingSupportbot extends Supportbot {
  /** `waiting` is told what it waits for at each step, so that a caller's timeout can name it. */
  settle(waiting?: (what: string) => void): Promise<void>;
}

const SLACK_TIMEOUT_MS = 10_000;

export async function startSupportbot(opts: SupportbotOptions): Promise<Supportbot> {
  const { settle: _testsOnly, ...bot } = await startSupportbotForTests(opts);
  return bot;
}

/** Test-only entry: the same bot, plus settle(). */
export async function startSupportbotForTests(opts: SupportbotOptions): Promise<SettlingSupportbot> {
  const { env, config } = opts;
  const clock = opts.clock ?? systemClock;
  const log = opts.logger ?? createLogger(env.LOG_LEVEL);
  const migrated = await migrateIfNeeded(env.DATABASE_URL, opts.applyMigrations);
  if (migrated.length) log.info({ migrations: migrated }, 'migrations applied');
  const database = await openDatabase(env.DATABASE_URL);
  const { db } = database;
  const metrics = createMetrics({
    openTicketsByPriority: () => openTicketsByPriority(db),
    ticketsByPriorityAndStatus: () => ticketCountsByPriorityAndStatus(db),
    outboxBacklog: () => outboxBacklog(db),
    now: () => clock.now(),
    build: buildInfo(),
  });
  let slackConnection: { ready(): boolean; stop(): void } | undefined;
  const reachability = slackReachability();
  const slackState = () => (slackConnection?.ready() ? reachability.state() : 'not connected yet');
  const metricsApart = env.METRICS_PORT !== undefined;
  let draining = false;
  const http = createHttpApp({ metrics, health: healthCheck(db, slackState, () => draining, log), log, metricsApart });
  const slack = createSlackApp({ env, http, log, metrics, timeoutMs: opts.slackTimeoutMs ?? SLACK_TIMEOUT_MS, reachability });
  const relay = createRelay(db, slack.client, config, clock, log, metrics, opts.slackPace ?? SLACK_PACE);
  const drains = { jobs: () => scheduler.drain(), outbox: () => relay.drain(), pendingMessages: () => relay.pendingDue() };
  const passes = backgroundPasses(drains, log);
  const sla = {
    reminded: (priority: string, kind: string) => metrics.slaReminders.inc({ priority, kind }),
    breached: (priority: string) => metrics.slaBreaches.inc({ priority }),
  };
  const features = wireFeatures({
    db,
    provider: database.provider,
    clock,
    config,
    env,
    log,
    kick: passes.kick,
    lookupEmail: slackEmailLookup(slack.client),
    sla,
  });
  const scheduler = new Scheduler(
    db,
    database.provider,
    clock,
    features.jobHandlers,
    log.child({ component: 'scheduler' }),
    opts.jobBatchSize,
    observeSchedulerPass(metrics),
  );
  const handoffs = cronTrigger('handoffs', features.checkHandoffs, opts.handoffCron === undefined ? '* * * * *' : opts.handoffCron);
  const digestCron = config.digest.enabled ? (opts.digestCron === undefined ? config.digest.cron : opts.digestCron) : null;
  const digest = cronTrigger('digest', features.checkDigest, digestCron, config.timeZone);
  features.register(slack.app, http, handoffs.check);
  finishHttpApp(http, log);

  const { server, port } = await listen(http, env.PORT, env.HOST);
  const metricsListener =
    env.METRICS_PORT === undefined
      ? undefined
      : await listen(createMetricsApp(metrics, log), env.METRICS_PORT, env.METRICS_HOST ?? env.HOST);
  const closeServers = async () => {
    await Promise.all([closeServer(server), metricsListener && closeServer(metricsListener.server)]);
  };
  // The bot token first: in Socket Mode, Bolt opens the socket with the app token after it.
  const steps: SlackStep[] = [{ variable: 'SLACK_BOT_TOKEN', method: 'auth.test', run: slack.whoAmI }];
  if (slack.socketMode) steps.push({ variable: 'SLACK_APP_TOKEN', method: 'apps.connections.open', run: () => slack.app.start() });
  const onRefused = opts.onSlackRefused ?? ((err: SlackTokenRefused) => log.error(err.message));
  try {
    slackConnection = await connectSlack(steps, log, onRefused, opts.slackRetryMs);
  } catch (err) {
    await handoffs.stop();
    await closeServers();
    await database.close();
    throw err;
  }
  const stopPoller = startPoller(drains, passes, metrics, opts.pollMs ?? 1000);
  // Catches up on handoffs missed while the bot was down, before the first minute passes.
  await handoffs.check();
  // And the digest of the latest period, if it was missed.
  await digest.check();
  log.info(
    { port, metricsPort: metricsListener?.port, mode: slack.socketMode ? 'socket' : 'http', database: database.provider },
    'supportbot is listening',
  );

  return {
    port,
    ...(metricsListener ? { metricsPort: metricsListener.port } : {}),
    database,
    metrics,
    settle: (waiting) => settle(slack.inflight, drains, waiting),
    checkHandoffs: handoffs.check,
    checkDigest: digest.check,
    async stop() {
      // Still serving, but no longer ready: a balancer that checks /readyz stops sending here before
      // the listener closes, so no request reaches it in the instant it closes.
      draining = true;
      if (env.SHUTDOWN_DRAIN_MS) await sleep(env.SHUTDOWN_DRAIN_MS);
      stopPoller();
      slackConnection?.stop();
      await handoffs.stop();
      await digest.stop();
      if (slack.socketMode) await slack.app.stop().catch(() => {});
      await closeServers();
      await Promise.allSettled([...slack.inflight]);
      await scheduler.drain().catch(() => {});
      // A lone process sends what its last requests queued; a replica under load would never see
      // the outbox empty, so after half the shutdown bound it finishes the send under way and stops.
      await awaitAtMost(relay.drain(), (env.SHUTDOWN_TIMEOUT_MS - env.SHUTDOWN_DRAIN_MS) / 2);
      await relay.stop().catch(() => {});
      await database.close();
    },
  };
}

/** Readiness: the bot is not stopping, the database answers and Slack did at its latest call. Causes are short; details are logged. */
function healthCheck(db: Db, slack: () => string, draining: () => boolean, log: Logger) {
  return async () => {
    const checks: Record<string, string> = {};
    if (draining()) checks.process = 'stopping';
    try {
      await ping(db);
      checks.database = 'ok';
    } catch (err) {
      log.error({ err }, 'readiness: the database did not answer');
      checks.database = 'unavailable';
    }
    checks.slack = slack();
    return { ok: !checks.process && checks.database === 'ok' && checks.slack === 'ok', checks };
  };
}

function createRelay(
  db: Db,
  client: WebClient,
  config: SupportConfig,
  clock: Clock,
  log: Logger,
  metrics: Metrics,
  pace: PaceRules,
): OutboxRelay {
  const render = { ticketRoot: (id: number) => renderRoot(db, config, clock, id) };
  const observer = {
    sent: (kind: string) => metrics.outboxSent.inc({ kind }),
    failed: (kind: string, permanent: boolean) => metrics.outboxFailed.inc({ kind, permanent: String(permanent) }),
    retried: (method: string) => metrics.slackRetries.inc({ method }),
  };
  return new OutboxRelay(db, client, clock, render, log.child({ component: 'outbox' }), observer, pace);
}

/** The root message of a ticket as it is now, plus where it lives (what the relay posts or edits). */
async function renderRoot(db: Db, config: SupportConfig, clock: Clock, ticketId: number) {
  const ticket = await findTicket(db, ticketId);
  if (!ticket) return null;
  const message = ticketMessage(ticketView(config, ticket, clock.now(), await ticketLinks(db, ticket)));
  return {
    channel: ticket.channelId,
    rootTs: ticket.rootTs,
    rootPermalink: ticket.rootPermalink,
    reporterId: ticket.reporterId,
    ...message,
  };
}
