// `npm start`: read the environment and config, start the bot, stop cleanly on SIGTERM/SIGINT.
// Configuration problems end the process with one readable message, never a stack trace.
import { existsSync } from 'node:fs';
import { startSupportbot } from './app/start.js';
import { ConfigError, loadEnv } from './config/env.js';
import { loadSupportConfig } from './config/supportConfig.js';
import { createLogger } from './logger.js';

async function main(): Promise<void> {
  // A local .env is a convenience for development; variables already set win over it.
  if (existsSync('.env')) process.loadEnvFile('.env');
  const env = loadEnv(process.env);
  const config = loadSupportConfig(env.SUPPORT_CONFIG);
  const logger = createLogger(env.LOG_LEVEL);
  const bot = await startSupportbot({ env, config, logger });
  const shutdown = async (signal: string) => {
    logger.info({ signal }, 'shutting down');
    await bot.stop();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError) {
    process.stderr.write(`supportbot cannot start.\n${err.message}\n`);
  } else {
    process.stderr.write(`supportbot failed to start: ${(err as Error).message ?? String(err)}\n`);
  }
  process.exit(1);
});
