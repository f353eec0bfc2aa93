// The HTTP routes served in both Slack modes. Slack's own endpoint (/slack/events) is mounted on the
// same express app by Bolt's receiver in HTTP mode.
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import type { Metrics } from './metrics.js';

export type HealthCheck = () => Promise<{ ok: boolean; checks: Record<string, string> }>;

export function createHttpApp(deps: { metrics: Metrics; health: HealthCheck; log: Logger }): Express {
  const app = express();
  app.disable('x-powered-by');
  app.get('/healthz', async (_req, res) => {
    const result = await deps.health().catch((err: Error) => ({ ok: false, checks: { error: err.message } }));
    res.status(result.ok ? 200 : 503).json(result);
  });
  app.get('/metrics', async (_req, res) => {
    res.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
  });
  return app;
}

/** Last handlers: unknown routes get 404, errors get a short message and never a stack trace. */
export function finishHttpApp(app: Express, log: Logger): void {
  app.use((_req: Request, res: Response) => {
    res.status(404).type('text/plain').send('Not found');
  });
  app.use((err: Error & { status?: number; type?: string }, _req: Request, res: Response, _next: NextFunction) => {
    if (err.type === 'entity.parse.failed') return void res.status(400).type('text/plain').send('Malformed JSON body');
    if (err.type === 'entity.too.large') return void res.status(413).type('text/plain').send('Body too large');
    log.error({ err }, 'http request failed');
    res
      .status(err.status && err.status < 500 ? err.status : 500)
      .type('text/plain')
      .send(err.status && err.status < 500 ? err.message : 'Internal error');
  });
}
