// The one place that wires the domain, the database, Slack and HTTP together.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import bolt from '@slack/bolt';
import type { Express } from 'express';
import { systemClock, type Clock } from './clock.js';
import type { Env } from './config/env.js';
import type { SupportConfig } from './config/supportConfig.js';
import { openDatabase, type Database } from './db/client.js';
import { applyMigrations } from './db/migrate.js';
import { createMetrics, type Metrics } from './http/metrics.js';
import { createHttpApp, finishHttpApp } from './http/server.js';
import { boltLogger, createLogger, type Logger } from './logger.js';
import { helpSubcommand, registerSupportCommand, type Subcommand } from './slack/commands.js';
import { registerHome } from './slack/home.js';
import { OutboxRelay, type Renderer } from './slack/outbox.js';
import { openTicketForm, registerTicketListeners } from './slack/ticketListeners.js';
import { ticketMessage } from './slack/views/ticketMessage.js';
import { ticketView, type TicketDeps, type TicketHooks } from './services/tickets.js';

const { App, ExpressReceiver, SocketModeReceiver } = bolt;

export interface SupportbotOptions {
  env: Env;
  config: SupportConfig;
  clock?: Clock;
  logger?: Logger;
  /** How often the outbox is polled for retries that came due (real time). */
  pollMs?: number;
}

export interface Supportbot {
  port: number;
  database: Database;
  metrics: Metrics;
  /** Resolves once every started listener has finished and no Slack message is due. */
  settle(): Promise<void>;
  stop(): Promise<void>;
}

const SLACK_TIMEOUT_MS = 10_000;

export async function startSupportbot(opts: SupportbotOptions): Promise<Supportbot> {
  const { env, config } = opts;
  const clock = opts.clock ?? systemClock;
  const log = opts.logger ?? createLogger(env.LOG_LEVEL);
  const metrics = createMetrics();

  await applyMigrations(env.DATABASE_URL);
  const database = await openDatabase(env.DATABASE_URL);
  const { db } = database;

  // The outbox owns retries: the client reports 429s and errors at once instead of queueing them.
  const clientOptions = {
    ...(env.SLACK_API_URL ? { slackApiUrl: env.SLACK_API_URL } : {}),
    timeout: SLACK_TIMEOUT_MS,
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
  const receiver = socketMode
    ? new SocketModeReceiver({ appToken: env.SLACK_APP_TOKEN!, logger: boltLogger(log), installerOptions: { clientOptions } as never })
    : new ExpressReceiver({ signingSecret: env.SLACK_SIGNING_SECRET, app: http, endpoints: '/slack/events', logger: boltLogger(log), processBeforeResponse: false });
  const app = new App({ token: env.SLACK_BOT_TOKEN, receiver, clientOptions, logger: boltLogger(log), convoStore: false });

  const inflight = new Set<Promise<unknown>>();
  app.use(async ({ next }) => {
    const started = process.hrtime.bigint();
    const run = next();
    inflight.add(run);
    try {
      await run;
    } finally {
      inflight.delete(run);
      metrics.slackAckSeconds.observe(Number(process.hrtime.bigint() - started) / 1e9);
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
  const relay = new OutboxRelay(db, app.client, clock, render, log.child({ component: 'outbox' }), {
    sent: (kind) => metrics.outboxSent.inc({ kind }),
    failed: (kind, permanent) => metrics.outboxFailed.inc({ kind, permanent: String(permanent) }),
  });
  const kick = () => {
    void relay.drain().catch((err) => log.error({ err }, 'outbox pass failed'));
  };

  const hooks: TicketHooks[] = [];
  const ticketDeps: TicketDeps = { db, clock, config, hooks, kick };
  const subcommands: Subcommand[] = [];
  subcommands.push(helpSubcommand(() => subcommands));
  registerSupportCommand(app, { subcommands, openTicketForm: openTicketForm(ticketDeps), log });
  registerTicketListeners(app, { ...ticketDeps, log });
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
      await app.client.auth.test();
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
    kick();
    void relay.pendingDue().then((n) => metrics.outboxPending.set(n), () => {});
  }, opts.pollMs ?? 1000);
  poller.unref();
  kick();

  const port = (server.address() as AddressInfo).port;
  log.info({ port, mode: socketMode ? 'socket' : 'http', database: database.provider }, 'supportbot is listening');

  return {
    port,
    database,
    metrics,
    async settle() {
      for (;;) {
        await new Promise((r) => setTimeout(r, 5));
        if (inflight.size) {
          await Promise.allSettled([...inflight]);
          continue;
        }
        await relay.drain();
        if (!inflight.size && (await relay.pendingDue()) === 0) return;
        // Nothing changes while undeliverable messages wait for the clock; don't spin on them.
        if (!inflight.size) return;
      }
    },
    async stop() {
      clearInterval(poller);
      clearTimeout(connectTimer);
      if (socketMode) await app.stop().catch(() => {});
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.allSettled([...inflight]);
      await relay.drain().catch(() => {});
      await database.close();
    },
  };
}
