import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** One registry per bot instance (tests run several in one process). */
export function createMetrics(openTicketsByPriority: () => Promise<Array<{ priority: string; count: number }>>) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    // Read from the database at scrape time, so every replica reports the same truth.
    openTickets: new Gauge({
      name: 'supportbot_open_tickets',
      help: 'Tickets not resolved, by priority',
      labelNames: ['priority'],
      registers: [registry],
      async collect() {
        this.reset();
        for (const { priority, count } of await openTicketsByPriority()) this.set({ priority }, count);
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
    slackListenerSeconds: new Histogram({
      name: 'supportbot_slack_listener_seconds',
      help: 'Time the listeners of one Slack request took, acknowledgement (which comes first) included',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
