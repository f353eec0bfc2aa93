import { AsyncLocalStorage } from 'node:async_hooks';
import { LogLevel, type Logger as BoltLogger } from '@slack/bolt';
import { type DestinationStream, pino, type Logger } from 'pino';

export type { Logger };

/** What every log line written while handling one Slack request carries: its ticket, Slack's id for it, who sent it. */
export interface RequestFields {
  ticket?: number;
  requestId?: string;
  eventId?: string;
  user?: string;
}

const request = new AsyncLocalStorage<RequestFields>();

/** Runs `work` with `fields` on every line logged in it (and in what it awaits). */
export function withRequestFields<T>(fields: RequestFields, work: () => Promise<T>): Promise<T> {
  return request.run(fields, work);
}

/** One JSON line per event. Credentials never reach a line, whatever an error or a request carried. */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = {
    level,
    base: { app: 'supportbot' },
    mixin: () => ({ ...request.getStore() }),
    redact: {
      paths: ['token', '*.token', 'headers.authorization', '*.headers.authorization', '*.headers["x-slack-signature"]', '*.config.headers'],
      censor: '[redacted]',
    },
  };
  return destination ? pino(options, destination) : pino(options);
}

/** Bolt logs through our logger, so one place decides levels and format. */
export function boltLogger(log: Logger): BoltLogger {
  const child = log.child({ component: 'bolt' });
  let level = LogLevel.INFO;
  return {
    debug: (...msg) => child.debug(msg.map(String).join(' ')),
    info: (...msg) => child.info(msg.map(String).join(' ')),
    warn: (...msg) => child.warn(msg.map(String).join(' ')),
    error: (...msg) => child.error(msg.map(String).join(' ')),
    setLevel: (l) => (level = l),
    getLevel: () => level,
    setName: () => {},
  };
}
