// The service: `node dist/main.js` (what `npm start` execs). Reads the environment and config,
// starts the bot, and stops gracefully on SIGTERM/SIGINT within SHUTDOWN_TIMEOUT_MS.
// Problems a person must fix end the process with one readable message, never a stack trace.
import { existsSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { SlackTokenRefused } from './app/lifecycle.js';
import type { Supportbot } from './app/start.js';
import { ConfigError, loadEnv } from './config/env.js';
import { loadSupportConfig } from './config/supportConfig.js';
import { applyMigrationsApart } from './db/migrateApart.js';
import { createLogger } from './logger.js';

// Prisma's query compiler (and the schema engine that migrates) are WebAssembly modules. V8 compiles
// them with its baseline tier, then again in the background with its optimising tier: that second
// copy alone kept about 50 MB of RSS and took CPU from requests. A compiled query plan is cached per
// query shape, so the compiler's speed hardly counts (docs/benchmarks.md, "Memory"). Set before the
// first query compiles the module.
setFlagsFromString('--liftoff-only');

function cannotStart(message: string): never {
  process.stderr.write(`supportbot cannot start: ${message}\n`);
  process.exit(1);
}

async function main(): Promise<void> {
  // A local .env is a convenience for development; variables already set win over it.
  if (existsSync('.env')) process.loadEnvFile('.env');
  const env = loadEnv(process.env);
  const config = loadSupportConfig(env.SUPPORT_CONFIG);
  const logger = createLogger(env.LOG_LEVEL);
  // Loaded once the settings are known to be good, so that a mistake in them is told at once.
  const { startSupportbot } = await import('./app/start.js');
  let bot: Supportbot | undefined;
  let stopping = false;
  // Stops taking requests, lets what is in flight finish, then exits; past the bound it exits anyway
  // (what was not sent is still in the outbox and goes out after the next start).
  const stop = (why: Record<string, unknown>, code: number) => {
    if (stopping) return;
    stopping = true;
    void (async () => {
      logger.info(why, 'shutting down');
      // Not unref'd: the bound holds even while nothing else keeps the process alive.
      setTimeout(() => {
        logger.warn({ timeoutMs: env.SHUTDOWN_TIMEOUT_MS }, 'graceful stop took too long; exiting with work left for the next start');
        process.exit(code || 1);
      }, env.SHUTDOWN_TIMEOUT_MS);
      await bot?.stop().catch((err: unknown) => logger.error({ err }, 'graceful stop failed'));
      process.exit(code);
    })();
  };
  process.once('SIGTERM', () => stop({ signal: 'SIGTERM' }, 0));
  process.once('SIGINT', () => stop({ signal: 'SIGINT' }, 0));
  bot = await startSupportbot({
    env,
    config,
    logger,
    // The schema engine's memory leaves with the process that ran it.
    applyMigrations: applyMigrationsApart,
    // The network was down at first and Slack answered later, refusing the token.
    onSlackRefused: (err) => {
      process.stderr.write(`supportbot cannot run: ${err.message}\n`);
      stop({ reason: err.message }, 1);
    },
  });
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError || err instanceof SlackTokenRefused) cannotStart(err.message);
  process.stderr.write(`supportbot failed to start: ${(err as Error).message ?? String(err)}\n`);
  process.exit(1);
});
