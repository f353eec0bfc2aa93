// Memory: the resident set (RSS, from /proc) of one bot process after start, and after its database
// holds 100,000 tickets, against a 150 MB target and the floor: a bare Bolt app (an ExpressReceiver
// that acks forms) after start. The bot is the production build (`npm run build` into
// test/.tmp/bench-dist, started as `npm start` starts it, node flags included), HTTP mode against the fake
// Slack; tsx's loader alone would add about 100 MB. Filing 100,000 tickets through Slack requests
// takes hours, so the history is bulk-inserted while the process runs (the report bench's data:
// 100,000 tickets with their events, 10,000 deploys, 3,000 pages), then a realistic slice goes
// through it: 1,000 ticket forms, a thread reply and a Take it click on each, /metrics and /readyz
// (which count the open tickets). Also the peak (VmHWM). SQLite, and PostgreSQL when
// TEST_POSTGRES_URL is set. Asserts nothing. BENCH_MEMORY_REQUESTS: forms filed through requests.
// The bot paces chat.postMessage at about one a second per channel (SLACK_PACE), as in production:
// every form's root post goes to the one support channel, so the outbox needs about a second per
// form to empty (1,000 forms did not fit the 10 minutes this bench used to wait).
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { openDatabase } from '../../src/db/client.js';
import type { Provider } from '../../src/db/provider.js';
import { waitFor } from '../support/botProcess.js';
import { FakeSlack } from '../support/fakeSlack.js';
import { createTestDatabaseUrl, SIGNING_SECRET, ticketFormValues } from '../support/harness.js';
import { load } from '../support/load.js';
import { httpModeFolder, listeningPort, REPO, startMain } from '../support/mainProcess.js';
import { SlackRequests } from '../support/slackRequests.js';
import { onEachDatabase } from './bulkInsert.js';
import { START } from './compiled.js';
import { seed, TICKETS } from './reportData.js';

const REQUESTS = Number(process.env.BENCH_MEMORY_REQUESTS ?? 200);
const OUTBOX_WAIT_MS = 120_000 + REQUESTS * 2_000;
const CONCURRENCY = 10;
const TARGET_MB = 150;
const DIST = path.join(REPO, 'test/.tmp/bench-dist');
const FLOOR = `import bolt from '@slack/bolt';
const receiver = new bolt.ExpressReceiver({ signingSecret: process.env.SLACK_SIGNING_SECRET, processBeforeResponse: false });
const app = new bolt.App({ receiver, token: 'xoxb-test-token', botId: 'B0BOT', botUserId: 'U0BOT', clientOptions: { slackApiUrl: process.env.SLACK_API_URL } });
app.view(/.*/, async ({ ack }) => ack());
await receiver.start(0);
console.log('floor ready');`;

/** VmRSS and VmHWM of a process, in MB. */
function memory(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)![1]);
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}
/**
 * Where a process's RSS is, in MB, from /proc/<pid>/smaps: anonymous mappings (V8's heap, WebAssembly,
 * malloc's large blocks), malloc's main heap, and the node binary's pages.
 */
function whereResident(pid: number): { anonymous: number; heap: number; node: number } {
  const kb = { anonymous: 0, heap: 0, node: 0 };
  let kind: keyof typeof kb | null = null;
  for (const line of readFileSync(`/proc/${pid}/smaps`, 'utf8').split('\n')) {
    const mapping = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (mapping) {
      const name = mapping[1]!;
      kind = name === '' ? 'anonymous' : name === '[heap]' ? 'heap' : name === process.execPath ? 'node' : null;
      continue;
    }
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    if (rss && kind) kb[kind] += Number(rss[1]);
  }
  return { anonymous: kb.anonymous / 1024, heap: kb.heap / 1024, node: kb.node / 1024 };
}
const mb = (x: number) => `${x.toFixed(0)} MB`;
const settleMs = () => new Promise((r) => setTimeout(r, 2000));

execFileSync(process.execPath, ['scripts/build.mjs', '--outDir', DIST], { cwd: REPO, stdio: 'inherit' });

await onEachDatabase(async (provider: Provider) => {
  const fake = await new FakeSlack().start();
  const database = await createTestDatabaseUrl(provider);
  const folder = httpModeFolder(database.url, fake.apiUrl);
  const { env } = folder;
  const bot = startMain({
    env: { ...env, ...START.env },
    cwd: folder.dir,
    command: [process.execPath, ...START.flags, path.join(DIST, 'main.js')],
  });
  const floor = startMain({ env, cwd: REPO, command: [process.execPath, '--input-type=module', '-e', FLOOR] });
  await Promise.all([bot.waitForStdout(/supportbot is listening/), floor.waitForStdout(/floor ready/)]);
  const port = listeningPort(bot.stdout);
  const slack = new SlackRequests(`http://127.0.0.1:${port}`, SIGNING_SECRET);
  const db = await openDatabase(database.url);
  try {
    await settleMs();
    const started = memory(bot.child.pid!);
    const startedWhere = whereResident(bot.child.pid!);
    const floorStarted = memory(floor.child.pid!);

    await seed(db.db, provider);
    if (provider === 'postgresql') {
      // The rows came with their ids: move each id sequence past them, as the bot's inserts need.
      for (const table of ['Ticket', 'TicketEvent', 'Deploy', 'Page'])
        await db.db.$executeRawUnsafe(`SELECT setval(pg_get_serial_sequence('"${table}"', 'id'), (SELECT MAX("id") FROM "${table}"))`);
    }
    await load(REQUESTS, CONCURRENCY, (i) =>
      slack.submitView({
        callbackId: 'ticket_create',
        userId: 'UREPORTER',
        values: ticketFormValues({ title: `memory ${i}`, description: 'x', priority: 'P2', service: 'checkout' }),
      }),
    );
    const outboxEmpty = () =>
      waitFor(
        'the outbox to empty',
        async () => (await db.db.outboxMessage.count({ where: { status: { in: ['pending', 'sending'] } } })) === 0,
        OUTBOX_WAIT_MS,
      );
    await outboxEmpty();
    const filed = await db.db.ticket.findMany({ where: { title: { startsWith: 'memory ' } }, select: { id: true, rootTs: true } });
    await load(filed.length, CONCURRENCY, async (i) => {
      const { id, rootTs } = filed[i]!;
      await (await slack.threadReply({ threadTs: rootTs!, userId: 'UENG2', text: 'on it', eventId: `EvMem${id}` })).arrayBuffer();
      return slack.clickButton({ actionId: 'ticket_take', value: String(id), userId: 'UENG', messageTs: rootTs! });
    });
    for (const route of ['/metrics', '/readyz']) await (await fetch(`http://127.0.0.1:${port}${route}`)).arrayBuffer();
    await outboxEmpty();
    await settleMs();
    const loaded = memory(bot.child.pid!);
    const loadedWhere = whereResident(bot.child.pid!);
    const tickets = await db.db.ticket.count();
    console.log(`\n${provider}: RSS of one process (target < ${TARGET_MB} MB)`);
    console.log('| | floor (bare Bolt) | supportbot | ÷ floor | ÷ target |');
    console.log('|---|---|---|---|---|');
    console.log(
      `| after start | ${mb(floorStarted.rss)} | ${mb(started.rss)} | ${(started.rss / floorStarted.rss).toFixed(2)}× | ${(started.rss / TARGET_MB).toFixed(2)} |`,
    );
    console.log(
      `| ${tickets.toLocaleString('en')} tickets (${TICKETS.toLocaleString('en')} seeded, ${filed.length} filed, taken and answered through requests) | | ` +
        `${mb(loaded.rss)} (peak ${mb(loaded.peak)}) | ${(loaded.rss / floorStarted.rss).toFixed(2)}× | ${(loaded.rss / TARGET_MB).toFixed(2)} |`,
    );
    const where = (w: ReturnType<typeof whereResident>) =>
      `${mb(w.anonymous)} anonymous, ${mb(w.heap)} malloc heap, ${mb(w.node)} node binary`;
    console.log(`  where: after start ${where(startedWhere)}; loaded ${where(loadedWhere)}`);
  } finally {
    await db.close();
    for (const p of [bot, floor]) {
      p.child.kill('SIGTERM');
      await p.exit();
    }
    rmSync(folder.dir, { recursive: true, force: true });
    await fake.stop();
    await database.drop();
  }
});
