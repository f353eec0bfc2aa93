import { z } from 'zod';

const SLACK_VARS = ['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET'] as const;

const envSchema = z.object({
  SLACK_BOT_TOKEN: z.string().startsWith('xoxb-', 'must be a bot token starting with "xoxb-"'),
  SLACK_SIGNING_SECRET: z.string().min(8, "must be the app's signing secret"),
  SLACK_APP_TOKEN: z.string().startsWith('xapp-', 'must be an app-level token starting with "xapp-"').optional(),
  SLACK_API_URL: z.url().optional(),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  DATABASE_URL: z
    .string()
    .regex(/^(file:|postgres(ql)?:\/\/)/, 'must start with "file:" (SQLite) or "postgresql://"')
    .default('file:./data/supportbot.db'),
  SUPPORT_CONFIG: z.string().default('./supportbot.yml'),
  DEPLOY_WEBHOOK_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  STATUS_PAGE_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type Env = z.infer<typeof envSchema>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * Reads the environment. Empty strings count as unset (a blank line in .env must not pass as a
 * token). Every problem is reported at once, each naming its variable.
 */
export function loadEnv(source: Record<string, string | undefined>): Env {
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v.trim() !== ''));
  const missing = SLACK_VARS.filter((name) => cleaned[name] === undefined);
  if (missing.length) {
    throw new ConfigError(
      `Missing Slack settings: ${missing.join(', ')}.\n` +
        'Create the Slack app from manifest.yml (https://api.slack.com/apps → Create New App → From a manifest), ' +
        'install it to your workspace, then set:\n' +
        missing
          .map(
            (name) =>
              `  ${name}  ${name === 'SLACK_BOT_TOKEN' ? '(OAuth & Permissions → Bot User OAuth Token, xoxb-…)' : '(Basic Information → Signing Secret)'}`,
          )
          .join('\n') +
        '\nSee .env.example and the README.',
    );
  }
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError('Invalid environment:\n' + parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n'));
  }
  return parsed.data;
}
