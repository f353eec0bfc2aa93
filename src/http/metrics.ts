import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { BuildInfo } from '../config/buildInfo.js';
import type { PassObserver } from '../jobs/scheduler.js';

/** What the gauges read from the database at scrape time, so every replica reports the same truth. */
export interface MetricSources {
  openTicketsByPriority(): Promise<Array<{ priority: string; count: number }>>;
  ticketsByPriorityAndStatus(): Promise<Array<{ priority: string; status: string; count: number }>>;
  outboxBacklog(): Promise<{ depth: number; oldestQueuedAt: Date | null }>;
  now(): Date;
  build: BuildInfo;
}

/** One registry per bot instance (tests run several in one process). */
export function createMetrics(sources: MetricSources) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  // prom-client names these gauges *_total, which Prometheus reserves for counters (promtool flags
  // them); the same figures are in nodejs_active_handles and nodejs_active_requests.
  for (const name of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total'])
    registry.removeSingleMetric(name);
  const backlog = () => sources.outboxBacklog();
  new Gauge({
    name: 'supportbot_build_info',
    help: 'Always 1; the labels say which version runs on which Node',
    labelNames: ['version', 'node'],
    registers: [registry],
  }).set({ version: sources.build.version, node: sources.build.node }, 1);
  return {
    registry,
    tickets: new Gauge({
      name: 'supportbot_tickets',
      help: 'Tickets by priority and state (open, in_progress, waiting, resolved)',
      labelNames: ['priority', 'status'],
      registers: [registry],
      async collect() {
        this.reset();
        for (const { priority, status, count } of await sources.ticketsByPriorityAndStatus()) this.set({ priority, status }, count);
      },
    }),
    outboxDepth: new Gauge({
      name: 'supportbot_outbox_depth',
      help: 'Slack messages queued and not delivered yet, due or not (all replicas)',
      registers: [registry],
      async collect() {
        this.set((await backlog()).depth);
      },
    }),
    outboxOldestAge: new Gauge({
      name: 'supportbot_outbox_oldest_age_seconds',
      help: 'How long the oldest undelivered Slack message has been queued (0 when none)',
      registers: [registry],
      async collect() {
        const { oldestQueuedAt } = await backlog();
        this.set(oldestQueuedAt ? Math.max(0, (sources.now().getTime() - oldestQueuedAt.getTime()) / 1000) : 0);
      },
    }),
    jobsRun: new Counter({
      name: 'supportbot_jobs_run_total',
      help: 'Durable jobs run, by kind (sla.reminder and sla.breach are the SLA reminders and breaches)',
      labelNames: ['kind'],
      registers: [registry],
    }),
    schedulerPassSeconds: new Histogram({
      name: 'supportbot_scheduler_pass_seconds',
      help: 'Duration of one scheduler pass that ran jobs',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    schedulerLag: new Gauge({
      name: 'supportbot_scheduler_lag_seconds',
      help: 'In the latest pass that ran jobs: how late the earliest of them ran after it came due',
      registers: [registry],
    }),
    slackAckSeconds: new Histogram({
      name: 'supportbot_slack_ack_seconds',
      help: 'HTTP mode: time from a request on /slack/events arriving to its answer (the ack Slack waits 3 s for)',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    // Read from the database at scrape time, so every replica reports the same truth.
    openTickets: new Gauge({
      name: 'supportbot_open_tickets',
      help: 'Tickets not resolved, by priority',
      labelNames: ['priority'],
      registers: [registry],
      async collect() {
        this.reset();
        for (const { priority, count } of await sources.openTicketsByPriority()) this.set({ priority }, count);
      },
    }),
    outboxSent: new Counter({
      name: 'supportbot_outbox_sent_total',
      help: 'Slack messages delivered',
      labelNames: ['kind'],
      registers: [registry],
    }),
    outboxFailed: new Counter({
      name: 'supportbot_outbox_failures_total',
      help: 'Slack deliveries that failed (permanent=true: given up)',
      labelNames: ['kind', 'permanent'],
      registers: [registry],
    }),
    outboxPending: new Gauge({
      name: 'supportbot_outbox_pending',
      help: 'Slack messages due and not yet delivered',
      registers: [registry],
    }),
    slackCalls: new Counter({
      name: 'supportbot_slack_api_calls_total',
      help: 'Web API calls this process made (outbox, listeners, start-up), by method and outcome (ok, platform_error, ratelimited, server_error, client_error, timeout, network_error)',
      labelNames: ['method', 'outcome'],
      registers: [registry],
    }),
    slackRetries: new Counter({
      name: 'supportbot_slack_retries_total',
      help: 'Outbox messages whose Slack call failed and will be retried, by the method that failed',
      labelNames: ['method'],
      registers: [registry],
    }),
    slackRateLimited: new Counter({
      name: 'supportbot_slack_rate_limited_total',
      help: 'Web API calls Slack answered 429 (rate limited), by method',
      labelNames: ['method'],
      registers: [registry],
    }),
    slaReminders: new Counter({
      name: 'supportbot_sla_reminders_total',
      help: 'SLA reminders queued by this process, by ticket priority and kind (resolution, first_response)',
      labelNames: ['priority', 'kind'],
      registers: [registry],
    }),
    slaBreaches: new Counter({
      name: 'supportbot_sla_breaches_total',
      help: 'SLA breaches recorded by this process, by ticket priority',
      labelNames: ['priority'],
      registers: [registry],
    }),
    slackListenerSeconds: new Histogram({
      name: 'supportbot_slack_listener_seconds',
      help: 'Time the listeners of one Slack request took, acknowledgement (which comes first) included',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

/** The scheduler's passes as metrics: jobs run by kind, pass duration, and lag behind the due time. */
export function observeSchedulerPass(metrics: Metrics): PassObserver {
  return ({ seconds, jobs, now }) => {
    metrics.schedulerPassSeconds.observe(seconds);
    for (const job of jobs) metrics.jobsRun.inc({ kind: job.kind });
    const earliest = Math.min(...jobs.map((j) => j.dueAt.getTime()));
    metrics.schedulerLag.set(Math.max(0, (now.getTime() - earliest) / 1000));
  };
}
