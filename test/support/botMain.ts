// A supportbot process for tests that kill it or run two of it: the real startSupportbot against the
// fake Slack at TEST_SLACK_API_URL and the database at TEST_DATABASE_URL, with its clock read from
// the file TEST_CLOCK_FILE (the test moves time by rewriting it; without it, the system clock), and
// the config's top-level keys replaced by those in TEST_CONFIG (JSON), chat.postMessage paced per
// channel when TEST_PACE is set, polling for due work as the service does when TEST_SERVICE_POLL is
// set. Prints "ready <port>" once listening.
import { readFileSync } from 'node:fs';
import { pino } from 'pino';
import { startSupportbot } from '../../src/app/start.js';
import { systemClock } from '../../src/clock.js';
import { SLACK_PACE } from '../../src/outbox/lanes.js';
import { loadEnv } from '../../src/config/env.js';
import { parseSupportConfig } from '../../src/config/supportConfig.js';
import { SIGNING_SECRET, testConfigDoc } from './harness.js';

const clockFile = process.env.TEST_CLOCK_FILE;
const bot = await startSupportbot({
  env: loadEnv({
    SLACK_BOT_TOKEN: 'xoxb-test-token',
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: process.env.TEST_SLACK_API_URL,
    PORT: '0',
    HOST: '127.0.0.1',
    DATABASE_URL: process.env.TEST_DATABASE_URL,
  }),
  config: parseSupportConfig({ ...testConfigDoc(), ...JSON.parse(process.env.TEST_CONFIG ?? '{}') }, 'test config'),
  // Without a clock file (the benchmarks) the system clock: reading a file on every now() would weigh on the figures.
  clock: clockFile ? { now: () => new Date(readFileSync(clockFile, 'utf8')) } : systemClock,
  logger: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
  // Tests poll often so that what came due is sent at once; the benchmarks (TEST_SERVICE_POLL) poll
  // as the service does, since 50 passes a second would weigh on their figures.
  ...(process.env.TEST_SERVICE_POLL ? {} : { pollMs: 20 }),
  // Like the harness: real minutes passing must not announce handoffs into the tests' channel.
  handoffCron: null,
  // Likewise the digest: checked at start, and every TEST_DIGEST_TICK_MS when the test asks.
  digestCron: null,
  // Long enough that a hung Slack call is still hanging when the test kills the process.
  slackTimeoutMs: 60_000,
  ...(process.env.TEST_JOB_BATCH ? { jobBatchSize: Number(process.env.TEST_JOB_BATCH) } : {}),
  // Paced as in production only when the test says so (TEST_PACE=1), like the harness.
  slackPace: process.env.TEST_PACE ? SLACK_PACE : {},
});
if (process.env.TEST_DIGEST_TICK_MS) setInterval(() => void bot.checkDigest(), Number(process.env.TEST_DIGEST_TICK_MS));
// Profiled (BOT_CPU_PROF_DIR, see BotProcess): the profile is written only by an exit, not by a signal's default.
if (process.env.BOT_CPU_PROF_DIR) process.once('SIGTERM', () => void bot.stop().then(() => process.exit(0)));
process.stdout.write(`ready ${bot.port}\n`);
