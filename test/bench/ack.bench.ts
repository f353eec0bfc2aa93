// Ack latency against the floor, in one run: the real bot (a child process, HTTP mode, fake Slack)
// and a bare Bolt app that only verifies, acks and opens a modal (test/bench/bareBolt.ts), each sent
// the same signed requests, 50 at a time: `/support`, a Take it click, thread-reply events (under a
// message of the bot's, and under a person's). Then full ticket submissions in bursts of 20: the
// submit's ack, and when the ticket's root message reached Slack. SQLite, and PostgreSQL when
// TEST_POSTGRES_URL is set (BENCH_DATABASE: one of them). Prints p50/p95/p99, our p99 ÷ the floor's
// p99 and each side's CPU per request. Both run compiled, with `npm start`'s environment and node
// flags (compiled.ts). Asserts nothing.
import { BotProcess } from '../support/botProcess.js';
import { FakeSlack } from '../support/fakeSlack.js';
import { createTestDatabaseUrl, SIGNING_SECRET, ticketFormValues } from '../support/harness.js';
import { load, percentile } from '../support/load.js';
import { SlackRequests } from '../support/slackRequests.js';
import { onEachDatabase } from './bulkInsert.js';
import { asService } from './compiled.js';

const REQUESTS = Number(process.env.BENCH_ACK_REQUESTS ?? 2000);
const CONCURRENCY = 50;
const SUBMITS = Number(process.env.BENCH_SUBMITS ?? 300);
const SUBMIT_BURST = 20;
/** A burst of submissions starts every this often (the "bursts of 20"). */
const BURST_EVERY_MS = 1000;
/** How long the fake Slack takes to answer each call during the submissions. */
const SLACK_MS = Number(process.env.BENCH_SLACK_MS ?? 20);
/** Which parts run: `requests` (the kinds against the floor), `submit` (the submissions); both by default. */
const PARTS = new Set((process.env.BENCH_ACK_PARTS ?? 'requests,submit').split(','));
const TICKETS = 50;

const ms = (x: number) => `${x.toFixed(1)} ms`;

type Kind = { name: string; send: (slack: SlackRequests, i: number) => Promise<Response> };
const KINDS: Kind[] = [
  { name: '/support', send: (slack) => slack.command('') },
  {
    name: 'Take it click',
    send: (slack, i) => slack.clickButton({ actionId: 'ticket_take', value: String((i % TICKETS) + 1), userId: `UENG${i % 7}` }),
  },
  // Under one of the bot's messages that is no ticket's root: the bot looks for the ticket.
  { name: 'thread reply event', send: (slack, i) => reply(slack, i, 'UBOT') },
  // Under a person's message (Slack's parent_user_id): no ticket's thread, known without a lookup.
  { name: "thread reply, a person's thread", send: (slack, i) => reply(slack, i, 'UALICE') },
];

function reply(slack: SlackRequests, i: number, parentUserId: string): Promise<Response> {
  return slack.threadReply({
    threadTs: `1700000000.${String(i).padStart(6, '0')}`,
    userId: 'UENG',
    text: 'on it',
    eventId: `Ev${Date.now()}${parentUserId}${i}`,
    parentUserId,
  });
}

const submit = (slack: SlackRequests, run: string, i: number) =>
  slack.submitView({
    callbackId: 'ticket_create',
    userId: 'UREPORTER',
    viewId: `V${run}${i}`,
    values: ticketFormValues({ title: `bench ${run} ${i}`, description: 'x', priority: 'P3', service: 'checkout' }),
  });

/** Each ticket's root message (its first top-level post in the support channel) by title, and when it reached the fake Slack. */
function rootsAt(fake: FakeSlack, run: string): Map<string, number> {
  const roots = new Map<string, number>();
  // The title, not a longer one it prefixes ("bench run 1" is in "bench run 12").
  const title = new RegExp(`bench ${run} \\d+`);
  for (const c of fake.calls) {
    if (c.method !== 'chat.postMessage' || c.args.channel !== 'C0SUPPORT' || c.args.thread_ts) continue;
    const found = title.exec(String(c.args.text ?? ''))?.[0];
    if (found && !roots.has(found)) roots.set(found, c.at);
  }
  return roots;
}

/** Waits until `count` roots of `run` have reached the fake Slack (or a minute has passed). */
async function rootsPosted(fake: FakeSlack, run: string, count: number): Promise<Map<string, number>> {
  const deadline = Date.now() + 60_000;
  let roots = rootsAt(fake, run);
  while (roots.size < count && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    roots = rootsAt(fake, run);
  }
  return roots;
}

/**
 * The latencies of a load, and the CPU the process used per request for it: steadier from run to
 * run than the percentiles on a shared machine, so it is what tells a change in the bot's own cost
 * apart. Work a listener does after its ack counts if it ends within 300 ms of the last answer.
 */
async function measured(target: BotProcess, run: () => Promise<number[]>): Promise<{ times: number[]; cpuMs: number }> {
  const before = target.cpuMs();
  const times = await run();
  await new Promise((r) => setTimeout(r, 300));
  return { times, cpuMs: (target.cpuMs() - before) / times.length };
}

/**
 * Full submissions in bursts of SUBMIT_BURST, one burst every BURST_EVERY_MS, while Slack takes
 * SLACK_MS to answer each call: the submit's ack, and when each ticket's root message reached Slack
 * after its submit. One burst first, untimed, warms the bot's submit path and the relay.
 */
async function submissions(provider: string, slack: SlackRequests, fake: FakeSlack): Promise<void> {
  fake.delayAll(SLACK_MS);
  await load(SUBMIT_BURST, SUBMIT_BURST, (i) => submit(slack, 'warm', i));
  await rootsPosted(fake, 'warm', SUBMIT_BURST);
  const sentAt = new Map<string, number>();
  const acks: number[] = [];
  const started = performance.now();
  for (let burst = 0; burst < SUBMITS / SUBMIT_BURST; burst++) {
    const wait = started + burst * BURST_EVERY_MS - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    acks.push(
      ...(await load(SUBMIT_BURST, SUBMIT_BURST, (i) => {
        const n = burst * SUBMIT_BURST + i;
        sentAt.set(`bench run ${n}`, performance.timeOrigin + performance.now());
        return submit(slack, 'run', n);
      })),
    );
  }
  const roots = await rootsPosted(fake, 'run', sentAt.size);
  const delays = [...roots].map(([t, at]) => at - sentAt.get(t)!).sort((a, b) => a - b);
  acks.sort((a, b) => a - b);
  const figures = (t: number[]) => (t.length ? [50, 95, 99].map((p) => ms(percentile(t, p))).join(' / ') : 'none');
  console.log(
    `\n${provider}: ticket submissions, ${SUBMITS} in bursts of ${SUBMIT_BURST} every ${BURST_EVERY_MS} ms, Slack answering in ${SLACK_MS} ms:\n` +
      `  submit ack p50 / p95 / p99: ${figures(acks)}\n` +
      `  root message at Slack after the submit, p50 / p95 / p99: ${figures(delays)} (${roots.size} of ${sentAt.size} posted)`,
  );
}

async function bench(provider: 'sqlite' | 'postgresql'): Promise<void> {
  const fake = await new FakeSlack().start();
  const db = await createTestDatabaseUrl(provider);
  const started = (source: string) => BotProcess.start({ databaseUrl: db.url, slackApiUrl: fake.apiUrl, ...asService(source) });
  const bot = await started('test/support/botMain.ts');
  const floor = await started('test/bench/bareBolt.ts');
  // Over kept-alive node:http connections (see SlackRequests): fetch's pool queues requests on one connection.
  const requestsTo = (p: BotProcess) => new SlackRequests(`http://127.0.0.1:${p.port}`, SIGNING_SECRET, { keptAlive: true });
  const ours = requestsTo(bot);
  const bare = requestsTo(floor);
  try {
    if (!PARTS.has('requests')) return await submissions(provider, ours, fake);
    for (let i = 0; i < TICKETS; i++) await submit(ours, 'seed', i);
    // Warm both (JIT, connection pools) before measuring.
    for (const kind of KINDS) for (const target of [ours, bare]) await load(200, CONCURRENCY, (i) => kind.send(target, i));
    console.log(`\n${provider}: ${REQUESTS} requests per kind, ${CONCURRENCY} concurrent`);
    console.log('| request | floor p50 / p95 / p99 | supportbot p50 / p95 / p99 | p99 ratio | CPU per request, floor / supportbot |');
    console.log('|---|---|---|---|---|');
    for (const kind of KINDS) {
      const f = await measured(floor, () => load(REQUESTS, CONCURRENCY, (i) => kind.send(bare, i)));
      const b = await measured(bot, () => load(REQUESTS, CONCURRENCY, (i) => kind.send(ours, i)));
      const row = (t: number[]) => [50, 95, 99].map((p) => ms(percentile(t, p))).join(' / ');
      const cpu = `${f.cpuMs.toFixed(2)} / ${b.cpuMs.toFixed(2)} ms (${(b.cpuMs / f.cpuMs).toFixed(2)}×)`;
      console.log(
        `| ${kind.name} | ${row(f.times)} | ${row(b.times)} | ${(percentile(b.times, 99) / percentile(f.times, 99)).toFixed(2)}× | ${cpu} |`,
      );
    }

    if (PARTS.has('submit')) await submissions(provider, ours, fake);
  } finally {
    await bot.kill('SIGTERM');
    await floor.kill('SIGTERM');
    await fake.stop();
    await db.drop();
  }
}

await onEachDatabase(bench);
