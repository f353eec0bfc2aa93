// SIGTERM to one of three replicas (the real entry point, src/main.ts, each its own process on one
// PostgreSQL database) while tickets stream in through the round-robin proxy: its /readyz answers
// 503 for SHUTDOWN_DRAIN_MS while it still serves (the proxy, checking readiness, moves on to the
// others), then it stops taking connections, finishes the requests and Slack sends it has, leaves no
// claim behind, and exits 0 within SHUTDOWN_TIMEOUT_MS. Nothing is lost or doubled, and no request
// is cut: without the drain, one that reached the listener in the instant it closed would be reset.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Database, openDatabase } from '../src/db/client.js';
import { waitFor } from './support/botProcess.js';
import { FakeSlack } from './support/fakeSlack.js';
import { createTestDatabaseUrl, SIGNING_SECRET } from './support/harness.js';
import { httpModeFolder, listeningPort, type MainProcess, startMain } from './support/mainProcess.js';
import { RoundRobinProxy } from './support/proxy.js';
import { filedAtSlack, fileThroughForm } from './support/replicas.js';
import { SlackRequests } from './support/slackRequests.js';

const REPLICAS = 3;
const CONCURRENCY = 3;
/** The default: what a supervisor gets unless it is configured. */
const SHUTDOWN_TIMEOUT_MS = 10_000;
/** Many readiness checks long, so that the proxy has seen the 503 before the listener closes. */
const SHUTDOWN_DRAIN_MS = 1_000;
const READINESS_EVERY_MS = 50;
/**
 * Between one stream's tickets: the paced channel takes about a post a second and each ticket is two
 * posts, so an unpaced stream would file more through the drain than the survivors send in time.
 */
const STREAM_GAP_MS = 400;
/** Tickets filed after the stopped replica has exited, so that the stream outlasts its stop. */
const AFTER_EXIT = 9;
/**
 * Under the outbox's claim lease (2 min): a claim the stopped replica left would hold its message past
 * this. Generous, because these replicas pace the support channel as in production (about 1 post a
 * second, two posts per ticket), so the last roots reach Slack tens of seconds after the stream ends.
 */
const DRAINED_WITHIN_MS = 100_000;

const skip =
  process.env.TEST_DATABASE === 'postgresql'
    ? false
    : 'runs on PostgreSQL only (TEST_DATABASE=postgresql TEST_POSTGRES_URL=…): replicas need a shared server database';

describe('SIGTERM to one of three replicas under load', { skip }, () => {
  let fake: FakeSlack;
  let database: { url: string; drop(): Promise<void> };
  let folder: ReturnType<typeof httpModeFolder>;
  let replicas: Array<MainProcess & { port: number }> = [];
  let proxy: RoundRobinProxy;
  let db: Database;

  before(async () => {
    fake = await new FakeSlack().start();
    database = await createTestDatabaseUrl();
    folder = httpModeFolder(database.url, fake.apiUrl);
    const env = { ...folder.env, SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS), SHUTDOWN_DRAIN_MS: String(SHUTDOWN_DRAIN_MS) };
    replicas = await Promise.all(
      Array.from({ length: REPLICAS }, async () => {
        const run = startMain({ env, cwd: folder.dir });
        await run.waitForStdout(/supportbot is listening/);
        return Object.assign(run, { port: listeningPort(run.stdout) });
      }),
    );
    db = await openDatabase(database.url);
    for (const [i, r] of replicas.entries())
      await fileThroughForm(new SlackRequests(`http://127.0.0.1:${r.port}`, SIGNING_SECRET), `warm ${i}`);
    proxy = await new RoundRobinProxy(
      replicas.map((r) => r.port),
      { path: '/readyz', everyMs: READINESS_EVERY_MS },
    ).start();
  });
  after(async () => {
    for (const r of replicas) r.child.kill('SIGKILL');
    await proxy?.stop();
    await db?.close();
    await fake.stop();
    await database.drop();
    rmSync(folder.dir, { recursive: true, force: true });
  });

  it('finishes what it has, hands the rest to the others, and exits 0', async (t) => {
    const slack = new SlackRequests(proxy.url, SIGNING_SECRET);
    const stopping = replicas[0]!;
    // Slack slow for a while, so that each replica has sends under way when the signal comes.
    fake.fail('chat.postMessage', { delayMs: 200 }, 60);
    let filed = 0;
    let exitedAt: number | null = null;
    let signalledAt = 0;
    let afterExit = 0;
    const stream = async () => {
      while (exitedAt === null || afterExit < AFTER_EXIT) {
        if (exitedAt !== null) afterExit += 1;
        await (await fileThroughForm(slack, `stream-${String(filed++).padStart(4, '0')}`)).arrayBuffer();
        await sleep(STREAM_GAP_MS);
      }
    };
    const streaming = Promise.all(Array.from({ length: CONCURRENCY }, stream));

    const sendingOwners = async () => (await db.db.outboxMessage.groupBy({ by: ['claimedBy'], where: { status: 'sending' } })).length;
    // Paced as in production, a channel takes one post at a time across the replicas, so which replica
    // holds the send under way is not up to the test; the signal comes while one does.
    await waitFor(
      'a request in the replica and a send under way',
      async () => (proxy.inFlight.get(stopping.port) ?? 0) > 0 && (await sendingOwners()) >= 1,
    );
    signalledAt = Date.now();
    stopping.child.kill('SIGTERM');
    const exit = await stopping.exit(SHUTDOWN_TIMEOUT_MS + 10_000);
    exitedAt = Date.now();
    await streaming;

    assert.deepEqual(exit, { code: 0, signal: null }, stopping.stdout);
    assert.ok(exitedAt - signalledAt < SHUTDOWN_TIMEOUT_MS, `exited ${exitedAt - signalledAt} ms after the signal`);
    assert.doesNotMatch(stopping.stdout, /took too long/);
    assert.ok(exitedAt - signalledAt >= SHUTDOWN_DRAIN_MS, 'it served through the drain');
    assert.ok(proxy.seenUnready.has(stopping.port), 'the proxy saw the stopping replica not ready');
    assert.equal(proxy.cut, 0, 'no request was dropped by the stopping replica');
    const answeredBeforeStop = proxy.answered.get(stopping.port) ?? 0;
    assert.ok(answeredBeforeStop > 0);

    t.diagnostic(
      `exited ${exitedAt - signalledAt} ms after SIGTERM; ${filed} tickets streamed; answers by replica port: ${JSON.stringify([...proxy.answered])}`,
    );
    const unsent = () => db.db.outboxMessage.count({ where: { status: { not: 'sent' } } });
    await waitFor('the survivors to send everything', async () => (await unsent()) === 0, DRAINED_WITHIN_MS);
    const tickets = await db.db.ticket.findMany({ orderBy: { id: 'asc' } });
    assert.equal(tickets.length, REPLICAS + filed, 'every accepted form is a ticket');
    assert.deepEqual(
      tickets.map((t) => ({ id: t.id, ...filedAtSlack(fake, t) })),
      tickets.map((t) => ({ id: t.id, roots: 1, rootCalls: 1, confirmations: 1 })),
    );
  });
});
