// Three bot processes on one PostgreSQL database behind a round-robin proxy, as replicas behind a
// load balancer: tickets filed, clicks and thread replies (each delivered again by "Slack" with
// X-Slack-Retry-Num, landing on another replica) all go through the proxy; one replica is killed
// (kill -9) while it holds a Slack send; the survivors take its claims over after the lease. Counted
// on both sides: ticket numbers, and every root message, confirmation, reply and reminder at Slack.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Database, openDatabase } from '../src/db/client.js';
import { BotProcess, waitFor, writeClock } from './support/botProcess.js';
import { FakeSlack } from './support/fakeSlack.js';
import { createTestDatabaseUrl, SIGNING_SECRET } from './support/harness.js';
import { load } from './support/load.js';
import { RoundRobinProxy } from './support/proxy.js';
import { filedAtSlack, fileThroughForm } from './support/replicas.js';
import { SlackRequests } from './support/slackRequests.js';

const REPLICAS = 3;
/** Tickets filed before the kill, and after it. */
const BEFORE_KILL = 18;
const AFTER_KILL = 12;
/** Requests in flight through the proxy: enough to interleave, few enough for Bolt's 3 s ack on a loaded CI machine. */
const CONCURRENCY = 3;
const FILED = '2026-11-24T10:00:00Z';
/** Past the outbox's claim lease (2 min) from FILED (jobs have none: claimed and run in one transaction). */
const PAST_LEASES = '2026-11-24T10:03:00Z';
const REMINDERS_DUE = '2026-11-24T12:15:00Z';

const skip =
  process.env.TEST_DATABASE === 'postgresql'
    ? false
    : 'runs on PostgreSQL only (TEST_DATABASE=postgresql TEST_POSTGRES_URL=…): replicas need a shared server database';

const title = (n: number) => `replica-${String(n).padStart(3, '0')}`;

const fileTicket = (slack: SlackRequests, n: number) => fileThroughForm(slack, title(n));

describe('three bot processes behind a round-robin proxy on one PostgreSQL database', { skip }, () => {
  let fake: FakeSlack;
  let database: { url: string; drop(): Promise<void> };
  let dir: string;
  let clockFile: string;
  let bots: BotProcess[] = [];
  let proxy: RoundRobinProxy;
  let slack: SlackRequests;
  let db: Database;
  let now = FILED;

  before(async () => {
    fake = await new FakeSlack().start();
    database = await createTestDatabaseUrl();
    dir = mkdtempSync(path.join(tmpdir(), 'supportbot-three-replicas-'));
    clockFile = path.join(dir, 'now');
    writeClock(clockFile, FILED);
    // All at once on a fresh database: the migration lock lets one apply the migrations.
    bots = await Promise.all(
      Array.from({ length: REPLICAS }, () =>
        BotProcess.start({ databaseUrl: database.url, slackApiUrl: fake.apiUrl, clockFile, jobBatchSize: 4 }),
      ),
    );
    db = await openDatabase(database.url);
    // A cold process answers its first requests slowly: warm each directly, one ticket each.
    for (const [i, bot] of bots.entries()) await fileTicket(bot.slack, i);
    proxy = await new RoundRobinProxy(bots.map((b) => b.port)).start();
    slack = new SlackRequests(proxy.url, SIGNING_SECRET);
  });
  after(async () => {
    await Promise.all(bots.map((b) => b.kill()));
    await proxy?.stop();
    await db?.close();
    await fake.stop();
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  const setClock = (iso: string) => {
    now = iso;
    writeClock(clockFile, iso);
  };
  const quiet = async () =>
    (await db.db.outboxMessage.count({ where: { status: { in: ['pending', 'sending'] } } })) === 0 &&
    (await db.db.job.count({ where: { status: { in: ['pending', 'running'] }, dueAt: { lte: new Date(now) } } })) === 0;
  const tickets = () => db.db.ticket.findMany({ orderBy: { id: 'asc' } });
  const sendingOwners = async () =>
    new Set((await db.db.outboxMessage.findMany({ where: { status: 'sending' }, select: { claimedBy: true } })).map((m) => m.claimedBy));
  /** Resolves once the fake Slack has had no call for `ms`. */
  const slackIdle = async (ms: number) => {
    for (let seen = -1; seen !== fake.calls.length; ) {
      seen = fake.calls.length;
      await new Promise((r) => setTimeout(r, ms));
    }
  };
  const thread = (rootTs: string | null, words: string) =>
    fake.posted('C0SUPPORT').filter((m) => m.thread_ts === rootTs && m.text?.includes(words)).length;

  /** A thread reply and Slack's retry of it (same event_id, same body); Take it; every third ticket resolved. */
  const work = (list: Array<{ id: number; rootTs: string | null }>) =>
    load(list.length, CONCURRENCY, async (i) => {
      const t = list[i]!;
      const ts = `1700000000.${String(t.id).padStart(6, '0')}`;
      const reply = { type: 'message', channel: 'C0SUPPORT', channel_type: 'channel', user: 'UENG2', text: 'on it', ts, event_ts: ts };
      for (const retryNum of [undefined, 1]) {
        const res = await slack.event({ ...reply, thread_ts: t.rootTs }, { eventId: `EvReply${t.id}`, ...(retryNum ? { retryNum } : {}) });
        assert.equal(res.status, 200);
      }
      // Clicks and events are answered before their work is done: each next step waits, as a person
      // would, until the thread shows the one before.
      const stored = () => db.db.ticket.findUnique({ where: { id: t.id } });
      await waitFor(`#${t.id} answered`, async () => (await stored())?.firstResponderId === 'UENG2');
      const take = await slack.clickButton({ actionId: 'ticket_take', value: String(t.id), userId: 'UENG', messageTs: t.rootTs! });
      assert.equal(take.status, 200);
      if (t.id % 3 !== 0) return take;
      await waitFor(`#${t.id} taken`, async () => (await stored())?.ownerId === 'UENG');
      assert.equal((await slack.clickButton({ actionId: 'ticket_resolve_open', value: String(t.id), userId: 'UENG' })).status, 200);
      const resolved = await slack.submitView({
        callbackId: 'ticket_resolve',
        userId: 'UENG',
        privateMetadata: JSON.stringify({ ticketId: t.id }),
        values: {
          resolution: { value: { type: 'plain_text_input', value: 'Done' } },
          codeChange: { value: { type: 'radio_buttons', selected_option: { value: 'no' } } },
        },
      });
      assert.equal(await resolved.clone().text(), '', `#${t.id} resolved`);
      return resolved;
    });

  it('files, acts and reminds exactly once across the replicas, through a kill -9 of one', async () => {
    await load(BEFORE_KILL, CONCURRENCY, (i) => fileTicket(slack, REPLICAS + i));
    await waitFor('the first tickets posted', quiet);
    await work(await tickets());

    // Slack slows down, so that every replica is in the middle of a send; the requests pause (a
    // kill inside a ticket's insert would cost its number, see docs/scaling.md), then one dies.
    fake.fail('chat.postMessage', { delayMs: 1500 }, 30);
    const more = Array.from({ length: AFTER_KILL }, (_, i) => REPLICAS + BEFORE_KILL + i);
    await load(AFTER_KILL / 2, CONCURRENCY, (i) => fileTicket(slack, more[i]!));
    await waitFor('every replica sending', async () => (await sendingOwners()).size === REPLICAS);
    await bots[1]!.kill('SIGKILL');
    await load(AFTER_KILL / 2, CONCURRENCY, (i) => fileTicket(slack, more[AFTER_KILL / 2 + i]!));
    await slackIdle(2000);
    const stuck = await sendingOwners();
    assert.equal(stuck.size, 1, "only the dead replica's claims are left, waiting for their lease");
    setClock(PAST_LEASES);
    await waitFor('the survivors to take over and send everything', quiet);
    await work((await tickets()).filter((t) => more.some((n) => t.title === title(n))));
    await waitFor('the clicks and replies after the kill', quiet);

    setClock(REMINDERS_DUE);
    const all = await tickets();
    const open = all.filter((t) => t.status !== 'resolved');
    await waitFor('every reminder', async () => open.every((t) => thread(t.rootTs, 'SLA:') > 0) && (await quiet()));
    await slackIdle(500);

    // The database: one ticket per form, numbered without a gap.
    const filed = REPLICAS + BEFORE_KILL + AFTER_KILL;
    assert.deepEqual(
      all.map((t) => t.id),
      Array.from({ length: filed }, (_, i) => i + 1),
    );
    assert.deepEqual(all.map((t) => t.title).sort(), Array.from({ length: filed }, (_, i) => title(i)).sort());
    assert.equal(all.filter((t) => t.status === 'resolved').length, Math.floor(filed / 3));
    assert.ok(
      all.every((t) => t.ownerId === 'UENG' && t.firstResponderId === 'UENG2'),
      'every click and reply took effect',
    );
    const events = await db.db.ticketEvent.groupBy({ by: ['ticketId', 'type'], _count: true });
    assert.deepEqual(
      events.filter((e) => e._count !== 1),
      [],
      'one event of each kind per ticket',
    );
    assert.equal(await db.db.processedDelivery.count({ where: { id: { startsWith: 'event:EvReply' } } }), filed);
    assert.equal(await db.db.outboxMessage.count({ where: { status: { not: 'sent' } } }), 0, 'nothing pending, nothing given up');

    // Slack: each ticket one root message (one chat.postMessage), one confirmation, one "took",
    // one "resolved" if resolved, one reminder if open.
    const perTicket = all.map((t) => ({
      id: t.id,
      ...filedAtSlack(fake, t),
      took: thread(t.rootTs, ` took #${t.id}.`),
      resolved: thread(t.rootTs, ` resolved #${t.id} `),
      reminders: thread(t.rootTs, 'SLA:'),
    }));
    assert.deepEqual(
      perTicket,
      all.map((t) => ({
        id: t.id,
        roots: 1,
        rootCalls: 1,
        confirmations: 1,
        took: 1,
        resolved: t.status === 'resolved' ? 1 : 0,
        reminders: t.status === 'resolved' ? 0 : 1,
      })),
    );
    assert.equal(proxy.answered.size, REPLICAS, 'every replica answered requests');
    const claimants = new Set((await db.db.job.findMany({ where: { status: 'done' } })).map((j) => j.claimedBy));
    assert.ok(claimants.size >= 2, 'the surviving replicas shared the reminders');
  });
});
