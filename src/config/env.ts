import { z } from 'zod';
import { issueLines, sentences } from './issues.js';

/** What .env.example ships and docs show: "xoxb-...", "xapp-…", "<your token>", "changeme". */
function isPlaceholder(value: string): boolean {
  return /\.\.\.|…|[<>]|^changeme$|^(xoxb|xapp)-?$/i.test(value.trim());
}

function secret(what: string, pattern: RegExp | null, shape: string) {
  return z
    .string()
    .refine((v) => !isPlaceholder(v), { error: (issue) => `is still a placeholder ("${String(issue.input)}"); set it to ${what}` })
    .refine((v) => isPlaceholder(v) || pattern === null || pattern.test(v), shape);
}

const PORT_NUMBER = 'must be a port number from 0 to 65535';
const port = z.coerce.number({ error: PORT_NUMBER }).int(PORT_NUMBER).min(0, PORT_NUMBER).max(65535, PORT_NUMBER);

const envSchema = z
  .object({
    SLACK_BOT_TOKEN: secret(
      'the Bot User OAuth Token from OAuth & Permissions',
      /^xoxb-[A-Za-z0-9-]+$/,
      'must be a bot token starting with "xoxb-" (OAuth & Permissions → Bot User OAuth Token)',
    ),
    SLACK_SIGNING_SECRET: secret(
      'the Signing Secret from Basic Information',
      /^\S{8,}$/,
      "must be the app's signing secret (Basic Information)",
    ).optional(),
    SLACK_APP_TOKEN: secret(
      'an app-level token from Basic Information → App-Level Tokens, or leave it unset for HTTP mode',
      /^xapp-[A-Za-z0-9-]+$/,
      'must be an app-level token starting with "xapp-" (Basic Information → App-Level Tokens)',
    ).optional(),
    SLACK_API_URL: z.url().optional(),
    PORT: port.default(3000),
    HOST: z.string().default('0.0.0.0'),
    METRICS_PORT: port.optional(),
    METRICS_HOST: z.string().optional(),
    DATABASE_URL: z
      .string()
      .regex(/^(file:|postgres(ql)?:\/\/)/, 'must start with "file:" (SQLite) or "postgresql://"')
      .default('file:./data/supportbot.db'),
    SUPPORT_CONFIG: z.string().default('./supportbot.yml'),
    DEPLOY_WEBHOOK_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
    STATUS_PAGE_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    /** How long a graceful stop (SIGTERM) may take before the process exits anyway. */
    SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).max(600_000).default(10_000),
    /**
     * How long a stopping replica keeps serving while /readyz answers 503, so that a load balancer's
     * health checks take it out of rotation before its listener closes. Part of SHUTDOWN_TIMEOUT_MS.
     */
    SHUTDOWN_DRAIN_MS: z.coerce.number().int().min(0).max(600_000).default(0),
  })
  .refine((env) => env.SHUTDOWN_DRAIN_MS === 0 || env.SHUTDOWN_DRAIN_MS < env.SHUTDOWN_TIMEOUT_MS, {
    path: ['SHUTDOWN_DRAIN_MS'],
    message: 'must be less than SHUTDOWN_TIMEOUT_MS (the drain is part of the graceful stop)',
  });

export type Env = z.infer<typeof envSchema>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const WHERE: Record<string, string> = {
  SLACK_BOT_TOKEN: '(OAuth & Permissions → Bot User OAuth Token, xoxb-…)',
  SLACK_SIGNING_SECRET: '(Basic Information → Signing Secret; HTTP mode only)',
};

/**
 * Reads the environment. Empty strings count as unset (a blank line in .env must not pass as a
 * token). Every problem is reported at once, each naming its variable. The signing secret is
 * needed only in HTTP mode: in Socket Mode (SLACK_APP_TOKEN set) Slack's requests come over the
 * socket, unsigned.
 */
export function loadEnv(source: Record<string, string | undefined>): Env {
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v.trim() !== ''));
  const required = cleaned.SLACK_APP_TOKEN === undefined ? ['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET'] : ['SLACK_BOT_TOKEN'];
  const missing = required.filter((name) => cleaned[name] === undefined);
  const parsed = envSchema.safeParse(cleaned, { error: sentences });
  const problems: string[] = [];
  if (missing.length) {
    problems.push(
      `Missing Slack settings: ${missing.join(', ')}.\n` +
        'Create the Slack app from manifest.yml (Socket Mode) or manifest.http.yml (HTTP mode): ' +
        'https://api.slack.com/apps → Create New App → From a manifest; install it to your workspace, then set:\n' +
        missing.map((name) => `  ${name}  ${WHERE[name]}`).join('\n') +
        '\nSee .env.example and the README.',
    );
  }
  // A missing variable is said once, above, with where to find it.
  const invalid = parsed.success ? [] : parsed.error.issues.filter((i) => !missing.includes(String(i.path[0])));
  if (invalid.length) problems.push(`Invalid environment:\n${issueLines(invalid).join('\n')}`);
  if (problems.length || !parsed.success) throw new ConfigError(problems.join('\n'));
  return parsed.data;
}
