// Throughput: tickets filed per second, with concurrency ramped (1, 2, 4, … in flight) until the
// p99 of the submit's ack passes 1 s. Each step submits `max(40, 8 × concurrency)` ticket forms;
// "acked/s" is submissions answered per second, "at Slack/s" tickets whose root message reached the
// fake Slack per second (from the step's first submit to its last root post). Run on one process on
// SQLite, one on PostgreSQL and three on PostgreSQL behind the round-robin proxy (SQLite is one
// process by nature: its writer lock is per file, and replicas need a shared server database), next
// to the floor: a bare Bolt app that verifies and acks the same forms (bareBolt.ts). Prints each
// step, then the best rate with p99 ≤ 1 s and the ratios. Asserts nothing.
// BENCH_THROUGHPUT_MAX: the highest concurrency tried (default 64).
import { BotProcess } from '../support/botProcess.js';
import { FakeSlack } from '../support/fakeSlack.js';
import { createTestDatabaseUrl, SIGNING_SECRET, ticketFormValues } from '../support/harness.js';
import { load, percentile } from '../support/load.js';
import { RoundRobinProxy } from '../support/proxy.js';
import { SlackRequests } from '../support/slackRequests.js';
import { asService } from './compiled.js';

const MAX_CONCURRENCY = Number(process.env.BENCH_THROUGHPUT_MAX ?? 64);
const P99_LIMIT_MS = 1000;

interface Step {
  concurrency: number;
  tickets: number;
  p99: number;
  acked: number;
  atSlack: number | null;
}

interface Setup {
  name: string;
  /** The bare Bolt floor: nothing reaches Slack. */
  floor?: boolean;
  provider: 'sqlite' | 'postgresql';
  processes: number;
}

const rate = (n: number, ms: number) => (n * 1000) / ms;

async function ramp(setup: Setup): Promise<Step[]> {
  const fake = await new FakeSlack().start();
  const db = await createTestDatabaseUrl(setup.provider);
  const bots: BotProcess[] = [];
  let proxy: RoundRobinProxy | undefined;
  try {
    const service = asService(setup.floor ? 'test/bench/bareBolt.ts' : 'test/support/botMain.ts');
    // One after the other: the first applies the migrations.
    for (let i = 0; i < setup.processes; i++)
      bots.push(await BotProcess.start({ databaseUrl: db.url, slackApiUrl: fake.apiUrl, ...service }));
    proxy = await new RoundRobinProxy(bots.map((b) => b.port)).start();
    const slack = new SlackRequests(proxy.url, SIGNING_SECRET);
    const submit = (title: string) =>
      slack.submitView({
        callbackId: 'ticket_create',
        userId: 'UREPORTER',
        values: ticketFormValues({ title, description: 'x', priority: 'P3', service: 'checkout' }),
      });
    // Warm every process (JIT, connection pools) through the proxy before measuring.
    await load(60 * setup.processes, 4, (i) => submit(`warm ${i}`));
    const roots = (prefix: string) =>
      fake.calls.filter((c) => c.method === 'chat.postMessage' && !c.args.thread_ts && String(c.args.text ?? '').includes(prefix));
    const steps: Step[] = [];
    for (let concurrency = 1; concurrency <= MAX_CONCURRENCY; concurrency *= 2) {
      const tickets = Math.max(40, 8 * concurrency);
      const prefix = `tp${concurrency}-`;
      const started = Date.now();
      const acks = await load(tickets, concurrency, (i) => submit(`${prefix}${i}.`));
      const ackedMs = Date.now() - started;
      let atSlack: number | null = null;
      if (!setup.floor) {
        const deadline = Date.now() + 120_000;
        while (roots(prefix).length < tickets && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
        const posted = roots(prefix);
        atSlack = rate(posted.length, Math.max(...posted.map((c) => c.at)) - started);
      }
      const step = { concurrency, tickets, p99: percentile(acks, 99), acked: rate(tickets, ackedMs), atSlack };
      steps.push(step);
      console.log(
        `  ${setup.name}: ${concurrency} in flight, ${tickets} tickets: p99 ack ${step.p99.toFixed(0)} ms, ` +
          `${step.acked.toFixed(1)} acked/s${atSlack === null ? '' : `, ${atSlack.toFixed(1)} at Slack/s`}`,
      );
      if (step.p99 > P99_LIMIT_MS) break;
    }
    return steps;
  } finally {
    await Promise.all(bots.map((b) => b.kill('SIGTERM')));
    await proxy?.stop();
    await fake.stop();
    await db.drop();
  }
}

const setups: Setup[] = [
  { name: 'floor (bare Bolt), 1 process', floor: true, provider: 'sqlite', processes: 1 },
  { name: 'SQLite, 1 process', provider: 'sqlite', processes: 1 },
];
if (process.env.TEST_POSTGRES_URL)
  setups.push(
    { name: 'PostgreSQL, 1 process', provider: 'postgresql', processes: 1 },
    { name: 'PostgreSQL, 3 processes', provider: 'postgresql', processes: 3 },
  );
else console.log('postgresql: skipped (set TEST_POSTGRES_URL to include it)');

const results: Array<{ setup: Setup; best: Step | undefined; passed: Step | undefined }> = [];
for (const setup of setups) {
  const steps = await ramp(setup);
  const within = steps.filter((s) => s.p99 <= P99_LIMIT_MS);
  const best = within.sort((a, b) => b.acked - a.acked)[0];
  results.push({ setup, best, passed: steps.find((s) => s.p99 > P99_LIMIT_MS) });
}

const floor = results[0]!.best;
const oneProcess = (provider: string) => results.find((r) => r.setup.provider === provider && r.setup.processes === 1 && !r.setup.floor);
console.log(`\nbest rate with p99 ack ≤ ${P99_LIMIT_MS} ms (ramp 1…${MAX_CONCURRENCY} in flight)`);
console.log('| setup | in flight | p99 ack | acked/s | at Slack/s | ÷ floor | ÷ 1 process | p99 passed 1 s at |');
console.log('|---|---|---|---|---|---|---|---|');
for (const { setup, best, passed } of results) {
  if (!best) {
    console.log(`| ${setup.name} | — | — | — | — | — | — | ${passed?.concurrency ?? '—'} |`);
    continue;
  }
  const single = oneProcess(setup.provider)?.best;
  const ratio = (x: number | undefined) => (x ? `${(best.acked / x).toFixed(2)}×` : '—');
  console.log(
    `| ${setup.name} | ${best.concurrency} | ${best.p99.toFixed(0)} ms | ${best.acked.toFixed(1)} | ${best.atSlack?.toFixed(1) ?? '—'} | ` +
      `${setup.floor ? '1×' : ratio(floor?.acked)} | ${setup.processes > 1 ? ratio(single?.acked) : '—'} | ${passed ? passed.concurrency : `not by ${MAX_CONCURRENCY}`} |`,
  );
}
