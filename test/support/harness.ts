// Starts the real bot (real Bolt receiver, real database) against the fake Slack, with a manual clock.
// Database: an SQLite file per harness, or — when the suite runs with TEST_DATABASE=postgresql — a
// fresh database on TEST_POSTGRES_URL's server, dropped afterwards.
import type { Doc } from './doc.js';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { pino } from 'pino';
import { type SettlingSupportbot, startSupportbotForTests } from '../../src/app/start.js';
import { ManualClock } from '../../src/clock.js';
import { loadEnv, type Env } from '../../src/config/env.js';
import { parseSupportConfig, type SupportConfig } from '../../src/config/supportConfig.js';
import { createLogger } from '../../src/logger.js';
import { SLACK_PACE } from '../../src/outbox/lanes.js';
import type { Db } from '../../src/db/client.js';
import { FakeSlack } from './fakeSlack.js';
import { SlackRequests } from './slackRequests.js';
import { SETTLE_TIMEOUT_MS, STOP_TIMEOUT_MS, within } from './timeouts.js';

export const SIGNING_SECRET = 'test-signing-secret-0123456789';
export const DEPLOY_SECRET = 'deploy-secret-0123456789abcdef';
export const STATUS_TOKEN = 'status-token-0123456789abcdef';

/** The config most tests run with; tests override parts of it. */
export function testConfigDoc(): Doc {
  return {
    timezone: 'Europe/London',
    channels: { support: 'C0SUPPORT', deploys: 'C0DEPLOYS', managers: 'C0MANAGERS' },
    businessHours: { days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '09:00', end: '18:00', holidays: ['2026-12-25'] },
    admins: ['UADMIN'],
    squads: {
      payments: {
        name: 'Payments',
        gardener: { members: ['UGARD1', 'UGARD2'], start: '2026-01-05 09:00', handoffs: ['mon 09:00'], usergroup: 'SGARDPAY' },
      },
      search: { name: 'Search' },
    },
    services: {
      checkout: { name: 'Checkout', squad: 'payments', repositories: ['acme/checkout'] },
      billing: { name: 'Billing', squad: 'payments' },
      search: { name: 'Search', squad: 'search' },
    },
    oncall: {
      members: ['UONCALL1', 'UONCALL2', 'UONCALL3'],
      start: '2026-01-05 18:00',
      handoffs: ['mon 18:00', 'tue 18:00', 'wed 18:00', 'thu 18:00', 'fri 18:00'],
      usergroup: 'SONCALL',
    },
    pay: { currency: 'EUR', hourlyRate: 5, calloutFee: 50, weekendMultiplier: 1.5, holidayMultiplier: 2 },
    // Shift reminders DM people at start-up and every day, and first-response reminders come an
    // hour into most tickets; the tests of other features count messages and move the clock by
    // hours. test/shiftReminders.test.ts and test/firstResponse.test.ts use the real defaults.
    rotations: { reminderHours: 0 },
    sla: { firstResponse: Object.fromEntries(['P1', 'P2', 'P3'].map((p) => [p, { minutes: 30 * 1440, businessHours: false }])) },
    // A bot started on a Tuesday sends the Monday digest it missed; test/digest.test.ts turns it on.
    digest: { enabled: false },
  };
}

export async function createTestDatabaseUrl(
  provider: 'sqlite' | 'postgresql' = process.env.TEST_DATABASE === 'postgresql' ? 'postgresql' : 'sqlite',
): Promise<{ url: string; drop(): Promise<void> }> {
  if (provider === 'postgresql') {
    const admin = process.env.TEST_POSTGRES_URL;
    if (!admin) throw new Error('TEST_DATABASE=postgresql needs TEST_POSTGRES_URL');
    const name = `sb_test_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
    const client = new pg.Client({ connectionString: admin });
    await client.connect();
    await client.query(`CREATE DATABASE ${name}`);
    await client.end();
    const url = new URL(admin);
    url.pathname = `/${name}`;
    return {
      url: url.toString(),
      async drop() {
        const c = new pg.Client({ connectionString: admin });
        await c.connect();
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await c.end();
      },
    };
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'supportbot-test-'));
  return { url: `file:${path.join(dir, 'supportbot.db')}`, drop: async () => rmSync(dir, { recursive: true, force: true }) };
}

export interface Harness {
  bot: SettlingSupportbot;
  fake: FakeSlack;
  slack: SlackRequests;
  clock: ManualClock;
  db: Db;
  config: SupportConfig;
  env: Env;
  baseUrl: string;
  /** The message of every error the bot logged, in order. */
  loggedErrors: string[];
  /** Let every listener finish and every due Slack message go out. */
  settle(): Promise<void>;
  /** Stop the bot and start a new one on the same database and fake Slack (a restart), optionally with a changed config. */
  restart(changes?: { config?: (doc: Doc) => void; whileDown?: () => void }): Promise<void>;
  stop(): Promise<void>;
}

export interface HarnessOptions {
  now?: string;
  config?: (doc: Doc) => void;
  env?: Record<string, string>;
  /** Runs before the bot starts, e.g. to make the fake Slack fail from the first call. */
  beforeStart?: (fake: FakeSlack) => void;
  /** Web API timeout of the bot, so tests of Slack not answering need not wait 10 s. */
  slackTimeoutMs?: number;
  /**
   * Pace chat.postMessage per channel as in production (SLACK_PACE). Off by default: most tests post
   * more than a burst into one channel without moving the clock; test/pacing.test.ts turns it on.
   */
  pace?: boolean;
  /** Keep every line the bot logs at `level` or above in `lines` (test/logging.test.ts). */
  log?: { level: string; lines: string[] };
}

export async function startHarness(opts: HarnessOptions = {}): Promise<Harness> {
  const fake = await new FakeSlack().start();
  opts.beforeStart?.(fake);
  const database = await createTestDatabaseUrl();
  const clock = new ManualClock(opts.now ?? '2026-11-24T10:00:00Z');
  // Slack's ts are times: the bot looks for its earlier posts by time, on its own clock.
  fake.clock = () => clock.now().getTime();
  const configWith = (change?: (doc: Doc) => void) => {
    const doc = testConfigDoc();
    opts.config?.(doc);
    change?.(doc);
    return parseSupportConfig(doc, 'test config');
  };
  const config = configWith();
  const env = loadEnv({
    SLACK_BOT_TOKEN: 'xoxb-test-token',
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: fake.apiUrl,
    PORT: '0',
    HOST: '127.0.0.1',
    DATABASE_URL: database.url,
    DEPLOY_WEBHOOK_SECRET: DEPLOY_SECRET,
    STATUS_PAGE_TOKEN: STATUS_TOKEN,
    LOG_LEVEL: 'silent',
    ...opts.env,
  });
  // Errors are always kept (tests assert that none was logged); the rest is printed on TEST_LOG_LEVEL.
  const loggedErrors: string[] = [];
  // The bot's own logger (its redaction and request fields), written here.
  const logger = createLogger(opts.log?.level ?? process.env.TEST_LOG_LEVEL ?? 'error', {
    write(line: string) {
      const entry = JSON.parse(line) as { level: number; msg: string };
      if (entry.level >= pino.levels.values.error!) loggedErrors.push(entry.msg);
      opts.log?.lines.push(line);
      if (process.env.TEST_LOG_LEVEL) process.stdout.write(line);
    },
  });
  const start = (cfg: SupportConfig) =>
    // No handoff cron: real minutes passing must not announce handoffs mid-test; tests call checkHandoffs().
    startSupportbotForTests({
      env,
      config: cfg,
      clock,
      logger,
      pollMs: 50,
      handoffCron: null,
      // Likewise the digest: checked at start; tests call checkDigest() for a tick.
      digestCron: null,
      ...(opts.slackTimeoutMs ? { slackTimeoutMs: opts.slackTimeoutMs } : {}),
      slackPace: opts.pace ? SLACK_PACE : {},
    });
  let bot = await start(config);
  let stuck: string | null = null;
  const h: Harness = {
    bot,
    fake,
    clock,
    config,
    env,
    loggedErrors,
    db: bot.database.db,
    baseUrl: `http://127.0.0.1:${bot.port}`,
    slack: new SlackRequests(`http://127.0.0.1:${bot.port}`, SIGNING_SECRET),
    async settle() {
      // After one timed out the bot is still busy with it; later tests fail at once, saying why.
      if (stuck) throw new Error(`settle() not tried: an earlier one timed out waiting for ${stuck}`);
      let awaited = 'the bot to settle';
      try {
        await within(
          SETTLE_TIMEOUT_MS,
          () => `settle(): ${awaited}`,
          h.bot.settle((what) => (awaited = what)),
        );
      } catch (err) {
        stuck = awaited;
        throw err;
      }
    },
    async restart(changes) {
      await h.bot.stop();
      // E.g. the clock passing a due time while no process runs.
      changes?.whileDown?.();
      const cfg = changes?.config ? configWith(changes.config) : h.config;
      bot = await start(cfg);
      Object.assign(h, {
        bot,
        config: cfg,
        db: bot.database.db,
        baseUrl: `http://127.0.0.1:${bot.port}`,
        slack: new SlackRequests(`http://127.0.0.1:${bot.port}`, SIGNING_SECRET),
      });
    },
    async stop() {
      try {
        await within(STOP_TIMEOUT_MS, () => 'stop(): the bot to finish its listeners, jobs and outbox', h.bot.stop());
      } finally {
        await fake.stop();
        await database.drop();
      }
    },
  };
  return h;
}

/** Form state as Slack sends it for the ticket modal. */
export function ticketFormValues(f: { title?: string; description?: string; priority?: string; service?: string; link?: string }) {
  const text = (v: string | undefined) => ({ value: { type: 'plain_text_input', value: v ?? null } });
  const select = (v: string | undefined) => ({
    value: { type: 'static_select', selected_option: v ? { value: v, text: { type: 'plain_text', text: v } } : null },
  });
  return {
    title: text(f.title),
    description: text(f.description),
    priority: select(f.priority),
    service: select(f.service),
    link: text(f.link),
  };
}

/** Files a ticket through the modal, as a person would, and waits for its messages to go out. */
export async function fileTicket(
  h: Harness,
  f: { title?: string; description?: string; priority?: string; service?: string; link?: string; reporter?: string } = {},
) {
  const res = await h.slack.submitView({
    callbackId: 'ticket_create',
    userId: f.reporter ?? 'UREPORTER',
    values: ticketFormValues({
      title: 'Checkout fails',
      description: 'Card payments fail for EU customers',
      priority: 'P2',
      service: 'checkout',
      ...f,
    }),
  });
  if (res.status !== 200) throw new Error(`submit answered ${res.status}`);
  const body = await res.text();
  if (body) throw new Error(`submit answered ${body}`);
  await h.settle();
  const ticket = await h.db.ticket.findFirst({ orderBy: { id: 'desc' } });
  if (!ticket) throw new Error('no ticket stored');
  return ticket;
}
