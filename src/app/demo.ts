// `npm run demo`'s composition root: the product without a Slack workspace. A fresh SQLite file,
// the demo config (src/demo/config.ts) and a manual clock; the same features, hooks and job
// handlers as the bot (wireFeatures), with no Slack client and no outbox relay, so every message
// the month queues stays in the outbox, undelivered. The month (src/demo/month.ts) is played
// through the use cases; then the weekly digest's charts are written as PNGs (digestContent, the
// digest's own code), the report is printed as text, and the real /status page is served on the
// database, its clock standing at the month's end.
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import path from 'node:path';
import express from 'express';
import { ManualClock } from '../clock.js';
import { openDatabase } from '../db/client.js';
import { migrateIfNeeded } from '../db/migrate.js';
import { demoConfig } from '../demo/config.js';
import { DEMO_MONTH, type DemoWorld, playMonth } from '../demo/month.js';
import { digestPeriod, latestScheduledInstant, localDay } from '../domain/digestPeriod.js';
import { finishHttpApp } from '../http/server.js';
import { registerStatusRoutes, STATUS_PATH } from '../http/status.js';
import { Scheduler } from '../jobs/scheduler.js';
import { createLogger } from '../logger.js';
import { digestFilename } from '../messages/digest.js';
import { blocksToPlain } from '../messages/plainText.js';
import { reportBlocks } from '../messages/report.js';
import { localTime } from '../messages/text.js';
import { nextDueAt } from '../repos/jobs.js';
import { outboxBacklog } from '../repos/operationalCounts.js';
import { digestContent } from '../services/digest.js';
import { buildReport } from '../services/reports.js';
import { wireFeatures } from './features.js';
import { closeServer, listen } from './lifecycle.js';

export interface DemoOptions {
  /** The SQLite file: deleted, then created afresh. */
  dbFile: string;
  /** Where the digest chart PNGs are written. */
  outDir: string;
  /** Serve /status until stop(); false: done once the report is printed. */
  serve: boolean;
  port: number;
  host: string;
  /** The status page token; a random one when absent. */
  token?: string;
  logLevel?: string;
  print(text: string): void;
}

export interface Demo {
  /** The status page with its one-time `?token=`, when serving. */
  url: string | null;
  /** The chart files written. */
  charts: string[];
  stop(): Promise<void>;
}

function freshFile(file: string): string {
  for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(`${file}${suffix}`, { force: true });
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  return `file:${path.resolve(file)}`;
}

export async function runDemo(opts: DemoOptions): Promise<Demo> {
  const url = freshFile(opts.dbFile);
  await migrateIfNeeded(url);
  const database = await openDatabase(url);
  const { db, provider } = database;
  const config = demoConfig();
  const clock = new ManualClock(DEMO_MONTH.from);
  const log = createLogger(opts.logLevel ?? 'warn');
  const token = opts.token ?? randomBytes(18).toString('base64url');
  // Nothing delivers the outbox: what would go to Slack stays queued.
  const kick = () => {};
  const features = wireFeatures({
    db,
    provider,
    clock,
    config,
    env: { STATUS_PAGE_TOKEN: token },
    log,
    kick,
    lookupEmail: async () => null,
  });
  const scheduler = new Scheduler(db, provider, clock, features.jobHandlers, log.child({ component: 'scheduler' }));
  const world: DemoWorld = {
    clock,
    config,
    tickets: features.useCases.tickets,
    deploys: features.useCases.deploys,
    rotations: { db, clock, config, kick, afterChange: async () => void (await features.checkHandoffs()) },
    async advanceTo(at) {
      // Each job runs at the instant it is due, as the minute poller would have run it.
      for (let due = await nextDueAt(db); due && due <= at; due = await nextDueAt(db)) {
        if (due > clock.now()) clock.set(due);
        await scheduler.drain();
      }
      if (at > clock.now()) clock.set(at);
    },
    handoffs: async () => void (await features.checkHandoffs()),
  };

  try {
    await playMonth(world);
    const now = clock.now();
    const reportDeps = { db, provider, config };
    const week = digestPeriod(latestScheduledInstant(config.digest.cron, config.timeZone, now)!, config.timeZone);
    const [digest, month, outbox] = await Promise.all([
      digestContent(reportDeps, week),
      buildReport(reportDeps, { period: 30, now }),
      outboxBacklog(db),
    ]);
    mkdirSync(opts.outDir, { recursive: true });
    const endDay = localDay(week.to, config.timeZone);
    const charts = digest.charts.map((c) => {
      const file = path.join(opts.outDir, digestFilename(endDay, c.slug));
      writeFileSync(file, c.chart.png);
      return file;
    });
    const m = month.current;
    const tz = config.timeZone;
    opts.print(
      [
        'supportbot demo: a month of support played through the real use cases, without Slack.',
        `${localTime(DEMO_MONTH.from, tz)} → ${localTime(now, tz)}, into ${opts.dbFile}:`,
        `  ${m.opened.total} tickets (P1 ${m.opened.byPriority.P1}, P2 ${m.opened.byPriority.P2}, P3 ${m.opened.byPriority.P3}), ` +
          `${m.deploys.deploys} production deploys, ${m.pages.total} out-of-hours pages`,
        `  ${outbox.depth} Slack messages queued in the outbox and left there: nothing is sent to Slack.`,
        '',
        `The weekly digest's charts, week to ${endDay}:`,
        ...charts.map((f) => `  ${f}`),
        '',
        blocksToPlain(reportBlocks(digest.report, { timeZone: tz, details: false }).blocks ?? []),
        '',
        blocksToPlain(reportBlocks(month, { timeZone: tz, details: false }).blocks ?? []),
        '',
      ].join('\n'),
    );
    if (!opts.serve) {
      await database.close();
      return { url: null, charts, stop: async () => {} };
    }
    const server = await serveStatus({ token, db, provider, config, clock, log }, opts);
    const statusUrl = `http://${opts.host}:${server.port}${STATUS_PATH}?token=${encodeURIComponent(token)}`;
    opts.print(
      `The status page, as it stood at ${localTime(now, tz)} (the demo's clock stays there):\n  ${statusUrl}\n` +
        'The token in the link signs you in once (a cookie); Ctrl-C stops the demo.',
    );
    return {
      url: statusUrl,
      charts,
      async stop() {
        await closeServer(server.server);
        await database.close();
      },
    };
  } catch (err) {
    await database.close();
    throw err;
  }
}

/** The real status routes on the express app the bot uses, with its 404 and error handlers. */
async function serveStatus(
  deps: Parameters<typeof registerStatusRoutes>[1] & { token: string },
  opts: Pick<DemoOptions, 'port' | 'host'>,
): Promise<{ server: Server; port: number }> {
  const http = express();
  http.disable('x-powered-by');
  registerStatusRoutes(http, deps);
  finishHttpApp(http, deps.log);
  return listen(http, opts.port, opts.host);
}
