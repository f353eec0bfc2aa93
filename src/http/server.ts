// The HTTP routes served in both Slack modes. Slack's own endpoint (/slack/events) is mounted on the
// same express app by Bolt's receiver in HTTP mode. /metrics is here too unless it has a listener
// of its own (METRICS_PORT), so it can be firewalled apart from /slack/events.
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import type { Metrics } from './metrics.js';

export type HealthCheck = () => Promise<{ ok: boolean; checks: Record<string, string> }>;

export function createHttpApp(deps: { metrics: Metrics; health: HealthCheck; log: Logger; metricsApart?: boolean }): Express {
  const app = express();
  app.disable('x-powered-by');
  // Liveness: the process is up and serving HTTP (a supervisor restarts it when this fails).
  app.get('/livez', (_req, res) => {
    res.json({ ok: true });
  });
  // Readiness: the database and Slack answer (a load balancer sends traffic only then).
  const ready = async (_req: Request, res: Response) => {
    const result = await deps.health().catch((err: Error) => {
      deps.log.warn({ err }, 'readiness check failed');
      return { ok: false, checks: { health: 'unavailable' } };
    });
    res.status(result.ok ? 200 : 503).json(result);
  };
  app.get('/readyz', ready);
  app.get('/healthz', ready);
  if (!deps.metricsApart) mountMetrics(app, deps.metrics);
  return app;
}

function mountMetrics(app: Express, metrics: Metrics): void {
  app.get('/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
}

/** /metrics alone, for its own listener (METRICS_PORT / METRICS_HOST). */
export function createMetricsApp(metrics: Metrics, log: Logger): Express {
  const app = express();
  app.disable('x-powered-by');
  mountMetrics(app, metrics);
  finishHttpApp(app, log);
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
