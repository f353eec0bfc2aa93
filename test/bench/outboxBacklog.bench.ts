// A deploy storm in front of a new ticket: five open tickets on a service, 300 deploys of it reported
// as fast as CI can (about 1,800 Slack messages queued: announcements and per-ticket deploy notes),
// then someone files a ticket. Printed: how long the new ticket's root message took to reach the fake
// Slack, how much was still queued when it was filed, and what the storm cost in Slack calls.
// Database as the suite's (TEST_DATABASE=postgresql with TEST_POSTGRES_URL for PostgreSQL).
import { performance } from 'node:perf_hooks';
import { fileTicket, startHarness, ticketFormValues } from '../support/harness.js';
import { send } from '../support/deployApi.js';

const TICKETS = 5;
const DEPLOYS = 300;
const CONCURRENCY = 8;

const h = await startHarness({ now: '2026-11-24T10:00:00Z' });
try {
  for (let i = 0; i < TICKETS; i++) await fileTicket(h, { title: `open ticket ${i}`, service: 'checkout' });
  h.clock.advanceMinutes(120);
  h.fake.reset();
  const posted = h.fake.messages.length;

  const storm = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < DEPLOYS) {
        const i = next++;
        const res = await send(h, { service: 'checkout', version: `9.${i}`, commit: `c${i}`.padEnd(7, '0'), author: 'UDEV' });
        if (res.status !== 201) throw new Error(`deploy ${i} answered ${res.status}: ${await res.text()}`);
      }
    }),
  );
  const reported = performance.now() - storm;
  const queued = await h.db.outboxMessage.count({ where: { status: { in: ['pending', 'sending'] } } });
  const sentDuringStorm = h.fake.calls.length;

  const filed = performance.now();
  const res = await h.slack.submitView({
    callbackId: 'ticket_create',
    userId: 'UREPORTER',
    values: ticketFormValues({ title: 'probe ticket', description: 'filed behind the storm', priority: 'P1', service: 'billing' }),
  });
  if (res.status !== 200) throw new Error(`submit answered ${res.status}`);
  const acked = performance.now() - filed;
  const isProbe = (m: { thread_ts?: string; text?: string }) => !m.thread_ts && m.text?.includes('probe ticket');
  while (!h.fake.messages.some(isProbe)) await new Promise((r) => setTimeout(r, 5));
  const rootAfter = performance.now() - filed;
  await h.settle();
  const drained = performance.now() - storm;

  const calls = h.fake.calls;
  const count = (method: string) => calls.filter((c) => c.method === method).length;
  const notes = h.fake.messages.slice(posted).filter((m) => m.thread_ts && m.text?.includes('while this ticket is open'));
  const ms = (x: number) => `${Math.round(x)} ms`;
  console.log(
    `database: ${process.env.TEST_DATABASE ?? 'sqlite'}; ${TICKETS} open tickets, ${DEPLOYS} deploys reported ${CONCURRENCY} at a time`,
  );
  console.log(
    `deploys reported in ${ms(reported)}; Slack calls made meanwhile: ${sentDuringStorm}; still queued when the ticket was filed: ${queued}`,
  );
  console.log(`new ticket: form acknowledged in ${ms(acked)}, root message at Slack after ${ms(rootAfter)}`);
  console.log(
    `whole storm delivered after ${ms(drained)}: chat.postMessage ${count('chat.postMessage')}, chat.update ${count('chat.update')}, ` +
      `deploy-note messages in ticket threads ${notes.length} (${(notes.length / TICKETS).toFixed(1)} per ticket)`,
  );
} finally {
  await h.stop();
}
