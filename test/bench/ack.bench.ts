// Ack latency against the floor, in one run: the real bot (a child process, HTTP mode, fake Slack)
// and a bare Bolt app that only verifies, acks and opens a modal (test/bench/bareBolt.ts), each sent
// the same signed requests, 50 at a time: `/support`, a Take it click, a thread-reply event. Then
// full ticket submissions in bursts of 20: the submit's ack, and when the ticket's root message
// reached Slack. SQLite, and PostgreSQL when TEST_POSTGRES_URL is set. Prints p50/p95/p99 and our
// p99 ÷ the floor's p99. Asserts nothing.
import { fileURLToPath } from 'node:url';
import { BotProcess } from '../support/botProcess.js';
import { FakeSlack } from '../support/fakeSlack.js';
import { createTestDatabaseUrl, ticketFormValues } from '../support/harness.js';
import { load, percentile } from '../support/load.js';
import type { SlackRequests } from '../support/slackRequests.js';

const REQUESTS = Number(process.env.BENCH_ACK_REQUESTS ?? 2000);
const CONCURRENCY = 50;
const SUBMITS = Number(process.env.BENCH_SUBMITS ?? 300);
const SUBMIT_BURST = 20;
const TICKETS = 50;
const BARE = fileURLToPath(new URL('./bareBolt.ts', import.meta.url));

const ms = (x: number) => `${x.toFixed(1)} ms`;

type Kind = { name: string; send: (slack: SlackRequests, i: number) => Promise<Response> };
const KINDS: Kind[] = [
  { name: '/support', send: (slack) => slack.command('') },
  {
    name: 'Take it click',
    send: (slack, i) => slack.clickButton({ actionId: 'ticket_take', value: String((i % TICKETS) + 1), userId: `UENG${i % 7}` }),
  },
  {
    name: 'thread reply event',
    send: (slack, i) =>
      slack.threadReply({
        threadTs: `1700000000.${String(i).padStart(6, '0')}`,
        userId: 'UENG',
        text: 'on it',
        eventId: `Ev${Date.now()}${i}`,
      }),
  },
];

const submit = (slack: SlackRequests, run: string, i: number) =>
  slack.submitView({
    callbackId: 'ticket_create',
    userId: 'UREPORTER',
    viewId: `V${run}${i}`,
    values: ticketFormValues({ title: `bench ${run} ${i}`, description: 'x', priority: 'P3', service: 'checkout' }),
  });

async function bench(provider: 'sqlite' | 'postgresql'): Promise<void> {
  const fake = await new FakeSlack().start();
  const db = await createTestDatabaseUrl(provider);
  const bot = await BotProcess.start({ databaseUrl: db.url, slackApiUrl: fake.apiUrl });
  const floor = await BotProcess.start({ databaseUrl: db.url, slackApiUrl: fake.apiUrl, main: BARE });
  try {
    for (let i = 0; i < TICKETS; i++) await submit(bot.slack, 'seed', i);
    // Warm both (JIT, connection pools) before measuring.
    for (const kind of KINDS) for (const target of [bot, floor]) await load(200, CONCURRENCY, (i) => kind.send(target.slack, i));
    console.log(`\n${provider}: ${REQUESTS} requests per kind, ${CONCURRENCY} concurrent`);
    console.log('| request | floor p50 / p95 / p99 | supportbot p50 / p95 / p99 | p99 ratio |');
    console.log('|---|---|---|---|');
    for (const kind of KINDS) {
      const f = await load(REQUESTS, CONCURRENCY, (i) => kind.send(floor.slack, i));
      const b = await load(REQUESTS, CONCURRENCY, (i) => kind.send(bot.slack, i));
      const row = (t: number[]) => [50, 95, 99].map((p) => ms(percentile(t, p))).join(' / ');
      console.log(`| ${kind.name} | ${row(f)} | ${row(b)} | ${(percentile(b, 99) / percentile(f, 99)).toFixed(2)}× |`);
    }

    // Full submissions in bursts: the ack, and the root message at Slack after the submit.
    const sentAt = new Map<string, number>();
    const acks: number[] = [];
    for (let burst = 0; burst < SUBMITS / SUBMIT_BURST; burst++) {
      acks.push(
        ...(await load(SUBMIT_BURST, SUBMIT_BURST, (i) => {
          const n = burst * SUBMIT_BURST + i;
          sentAt.set(`bench run ${n}`, performance.timeOrigin + performance.now());
          return submit(bot.slack, 'run', n);
        })),
      );
    }
    const deadline = Date.now() + 60_000;
    // When each ticket's root message (its first post in the channel) reached the fake Slack.
    const rootAt = () => {
      const roots = new Map<string, number>();
      for (const c of fake.calls) {
        if (c.method !== 'chat.postMessage' || c.args.channel !== 'C0SUPPORT' || c.args.thread_ts) continue;
        // The title, not a longer one it prefixes ("bench run 1" is in "bench run 12").
        const title = /bench run \d+/.exec(String(c.args.text ?? ''))?.[0];
        if (title && sentAt.has(title) && !roots.has(title)) roots.set(title, c.at);
      }
      return roots;
    };
    let roots = rootAt();
    while (roots.size < sentAt.size && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      roots = rootAt();
    }
    const delays = [...roots].map(([t, at]) => at - sentAt.get(t)!).sort((a, b) => a - b);
    acks.sort((a, b) => a - b);
    console.log(
      `\nticket submissions, bursts of ${SUBMIT_BURST} (${SUBMITS}): submit ack p50 ${ms(percentile(acks, 50))}, p99 ${ms(percentile(acks, 99))}; ` +
        `root message at Slack p50 ${ms(percentile(delays, 50))}, p99 ${ms(percentile(delays, 99))} after the submit ` +
        `(${roots.size} of ${sentAt.size} posted)`,
    );
  } finally {
    await bot.kill('SIGTERM');
    await floor.kill('SIGTERM');
    await fake.stop();
    await db.drop();
  }
}

await bench('sqlite');
if (process.env.TEST_POSTGRES_URL) await bench('postgresql');
