// The outbox against a fake Slack that fails on demand: 5xx, 429 with Retry-After, timeouts,
// answers lost after Slack acted, permanent errors, a crash mid-send, and one stuck thread.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { enqueue } from '../src/outbox/queue.js';
import { fileTicket, startHarness, type Harness } from './support/harness.js';

describe('outbox delivery when Slack fails', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ now: '2026-11-24T10:00:00Z', slackTimeoutMs: 200 });
  });
  after(() => h.stop());
  beforeEach(() => h.fake.reset());

  const posts = () => h.fake.callsTo('chat.postMessage');
  const rootsTitled = (title: string) => h.fake.posted('C0SUPPORT').filter((m) => !m.thread_ts && m.text?.includes(title));
  const later = async (ms: number) => {
    h.clock.advance(ms);
    await h.settle();
  };
  const row = (kind: string, ticketId: number) =>
    h.db.outboxMessage.findFirstOrThrow({ where: { ticketId, method: kind }, orderBy: { id: 'desc' } });
  // The first ticket.root row posts the root; a later one edits it (the first shows the reporter's mention).
  const rootPost = (ticketId: number) =>
    h.db.outboxMessage.findFirstOrThrow({ where: { ticketId, method: 'ticket.root' }, orderBy: { id: 'asc' } });

  it('retries a 5xx with exponential backoff until Slack accepts, keeping the ticket order', async () => {
    h.fake.fail('chat.postMessage', { status: 500 }, 3);
    const t = await fileTicket(h, { title: 'five hundred' });
    assert.equal(posts().length, 1);
    await later(999);
    assert.equal(posts().length, 1, 'no retry before 1 s');
    await later(1);
    assert.equal(posts().length, 2);
    await later(2000);
    assert.equal(posts().length, 3);
    assert.deepEqual(h.fake.callsTo('chat.getPermalink'), [], 'the confirmation waits for the root');
    await later(4000);
    assert.equal(rootsTitled('five hundred').length, 1);
    const stored = (await h.db.ticket.findUnique({ where: { id: t.id } }))!;
    assert.equal(stored.rootTs, rootsTitled('five hundred')[0]!.ts);
    assert.equal(h.fake.posted('UREPORTER').filter((m) => m.text?.includes(`|#${t.id}>`)).length, 1, 'then the confirmation');
    assert.equal((await rootPost(t.id)).attempts, 4);
  });

  it("a root's 5xx holds the roots filed after it until its retry, so the channel keeps the filing order", async () => {
    h.fake.fail('chat.postMessage', { status: 500 }, 2, (args) => String(args.text).includes('hiccup A'));
    await fileTicket(h, { title: 'hiccup A' });
    await fileTicket(h, { title: 'hiccup B' });
    assert.deepEqual(rootsTitled('hiccup B'), [], 'B waits for A');
    await later(1000);
    assert.deepEqual(rootsTitled('hiccup B'), [], 'A failed again; B still waits');
    await later(2000);
    const roots = h.fake.posted('C0SUPPORT').filter((m) => !m.thread_ts && m.text?.includes('hiccup'));
    assert.deepEqual(
      roots.map((m) => m.text?.match(/hiccup [AB]/)?.[0]),
      ['hiccup A', 'hiccup B'],
    );
  });

  it('a root that keeps failing holds the later roots for its first three attempts only', async () => {
    // Four failures: A's fifth attempt, 8 s after the fourth, is taken.
    h.fake.fail('chat.postMessage', { status: 500 }, 4, (args) => String(args.text).includes('broken A'));
    await fileTicket(h, { title: 'broken A' });
    await fileTicket(h, { title: 'broken B' });
    await later(1000);
    await later(2000);
    assert.deepEqual(rootsTitled('broken B'), [], 'held through the second and third attempts');
    await later(4000);
    assert.equal(rootsTitled('broken B').length, 1, 'after the fourth failure B goes ahead');
    assert.deepEqual(rootsTitled('broken A'), [], 'A is not posted yet');
    await later(8000);
    assert.equal(rootsTitled('broken A').length, 1);
  });

  it('honours Retry-After on a 429: nothing is sent before it has passed, then everything goes', async () => {
    h.fake.fail('chat.postMessage', { status: 429, retryAfter: 30 }, 1);
    await fileTicket(h, { title: 'rate limited A' });
    await fileTicket(h, { title: 'rate limited B' });
    assert.equal(posts().length, 1, 'B is not sent into the rate limit');
    await later(29_000);
    assert.equal(posts().length, 1);
    await later(1000);
    assert.equal(rootsTitled('rate limited A').length, 1);
    assert.equal(rootsTitled('rate limited B').length, 1);
  });

  it("pauses on a 429 only the lane Slack limited: that channel's posts wait, other channels and methods go on", async () => {
    h.fake.fail('chat.postMessage', { status: 429, retryAfter: 30 }, 1, (args) => args.channel === 'C0SUPPORT');
    const t = await fileTicket(h, { title: 'limited channel' });
    const now = () => h.clock.now();
    await h.db.$transaction(async (tx) => {
      await enqueue(tx, { kind: 'post', channel: 'C0DEPLOYS', text: 'another channel' }, { now: now() });
      await enqueue(tx, { kind: 'post', channel: 'C0SUPPORT', text: 'same channel' }, { now: now() });
      await enqueue(tx, { kind: 'call', method: 'usergroups.users.update', args: { usergroup: 'S1', users: 'U1' } }, { now: now() });
    });
    await h.settle();
    assert.equal(h.fake.posted('C0DEPLOYS').filter((m) => m.text === 'another channel').length, 1, 'another channel is not paused');
    assert.equal(h.fake.callsTo('usergroups.users.update').length, 1, 'nor another method');
    assert.equal(h.fake.posted('C0SUPPORT').filter((m) => m.text === 'same channel').length, 0, 'the limited channel is');
    const lane = await h.db.slackPace.findUniqueOrThrow({ where: { lane: 'chat.postMessage:C0SUPPORT' } });
    assert.equal(lane.pausedUntil?.getTime(), now().getTime() + 30_000, 'the pause is stored for every replica');
    await later(29_000);
    assert.equal(rootsTitled('limited channel').length, 0);
    await later(1000);
    assert.equal(rootsTitled('limited channel').length, 1);
    assert.equal(h.fake.posted('C0SUPPORT').filter((m) => m.text === 'same channel').length, 1);
    assert.ok((await h.db.ticket.findUniqueOrThrow({ where: { id: t.id } })).rootTs);
  });

  it('retries after a timeout and posts once', async () => {
    h.fake.fail('chat.postMessage', { hang: true }, 1);
    const t = await fileTicket(h, { title: 'timed out' });
    assert.equal(rootsTitled('timed out').length, 0);
    assert.match((await rootPost(t.id)).lastError!, /^ambiguous: .*timeout/);
    await later(1000);
    assert.equal(h.fake.callsTo('conversations.history').length, 1, 'looked for an earlier post first');
    assert.equal(rootsTitled('timed out').length, 1);
  });

  it('does not post twice when Slack posted but the answer was lost (root message: channel history)', async () => {
    h.fake.fail('chat.postMessage', { afterSuccessHang: true }, 1);
    const t = await fileTicket(h, { title: 'answer lost' });
    assert.equal(rootsTitled('answer lost').length, 1, 'Slack has it');
    assert.equal((await h.db.ticket.findUnique({ where: { id: t.id } }))!.rootTs, null, 'the bot does not know');
    await later(1000);
    assert.equal(rootsTitled('answer lost').length, 1, 'still one');
    assert.equal(
      (await h.db.ticket.findUnique({ where: { id: t.id } }))!.rootTs,
      rootsTitled('answer lost')[0]!.ts,
      'the ts was recovered',
    );
    assert.equal(h.fake.posted('UREPORTER').filter((m) => m.text?.includes(`|#${t.id}>`)).length, 1);
  });

  it('does not post twice when Slack posted but the answer was lost (thread reply: replies)', async () => {
    const t = await fileTicket(h, { title: 'reply lost' });
    h.fake.fail('chat.postMessage', { afterSuccessHang: true }, 1);
    await h.slack.clickButton({ actionId: 'ticket_take', value: String(t.id), userId: 'UENG', messageTs: t.rootTs! });
    await h.settle();
    await later(1000);
    const took = h.fake.posted('C0SUPPORT').filter((m) => m.thread_ts === t.rootTs && m.text?.includes('<@UENG> took'));
    assert.equal(took.length, 1);
    assert.equal(h.fake.callsTo('conversations.replies').length, 1);
    assert.equal((await row('ticket.reply', t.id)).resultTs, took[0]!.ts);
  });

  it('finds the earlier root post by time, paging past 250 channel messages posted since, and does not post twice', async () => {
    h.fake.fail('chat.postMessage', { afterSuccessHang: true }, 1);
    const t = await fileTicket(h, { title: 'busy channel root' });
    const first = await rootPost(t.id);
    h.clock.advance(500);
    h.fake.addMessages('C0SUPPORT', 250);
    await later(500);
    assert.equal(rootsTitled('busy channel root').length, 1, 'still one root');
    const stored = (await h.db.ticket.findUnique({ where: { id: t.id } }))!;
    assert.equal(stored.rootTs, rootsTitled('busy channel root')[0]!.ts, 'its ts was recovered');
    const lookups = h.fake.callsTo('conversations.history');
    assert.ok(lookups.length >= 2, `paged (${lookups.length} calls)`);
    assert.ok(first.firstAttemptAt, 'the first attempt is stamped');
    const oldest = ((first.firstAttemptAt!.getTime() - 60_000) / 1000).toFixed(6);
    assert.ok(
      lookups.every((c) => c.args.oldest === oldest),
      'from the first attempt (less a minute), not from a day back',
    );
    assert.ok(lookups.slice(1).every((c) => typeof c.args.cursor === 'string' && c.args.cursor.length > 0));
    assert.equal(h.fake.posted('UREPORTER').filter((m) => m.text?.includes(`|#${t.id}>`)).length, 1);
  });

  it('finds the earlier thread reply by time, paging past 250 replies in between, and does not post twice', async () => {
    const t = await fileTicket(h, { title: 'busy thread' });
    // Replies come oldest first: those posted just before the attempt (within the margin) come first.
    h.fake.addMessages('C0SUPPORT', 250, { threadTs: t.rootTs! });
    h.fake.fail('chat.postMessage', { afterSuccessHang: true }, 1);
    await h.slack.clickButton({ actionId: 'ticket_take', value: String(t.id), userId: 'UENG', messageTs: t.rootTs! });
    await h.settle();
    h.fake.addMessages('C0SUPPORT', 250, { threadTs: t.rootTs! });
    await later(1000);
    // Posted without the mention (the person acted), then edited to show it: a lost post stays muted.
    const took = h.fake.posted('C0SUPPORT').filter((m) => m.thread_ts === t.rootTs && /(<@UENG>|someone) took/.test(m.text ?? ''));
    assert.deepEqual(
      took.map((m) => m.text?.includes('<@UENG>')),
      [true],
      'one reply, edited to show the mention',
    );
    const lookups = h.fake.callsTo('conversations.replies');
    assert.ok(lookups.length >= 2, `paged (${lookups.length} calls)`);
    assert.ok(lookups.every((c) => c.args.ts === t.rootTs && typeof c.args.oldest === 'string'));
    assert.equal((await row('ticket.reply', t.id)).resultTs, took[0]!.ts);
  });

  it('gives up on a permanent error, and on what depended on it', async () => {
    h.fake.fail('chat.postMessage', { error: 'channel_not_found' }, 1);
    const t = await fileTicket(h, { title: 'no channel' });
    await later(60 * 60_000);
    assert.equal(posts().length, 1, 'not retried');
    assert.equal((await rootPost(t.id)).status, 'failed');
    assert.equal((await row('ticket.confirm', t.id)).lastError, 'root_message_missing');
  });

  it('a message claimed by a relay that crashed mid-send is sent after the lease, once', async () => {
    const t = await fileTicket(h, { title: 'crashed relay' });
    await h.db.$transaction((tx) => enqueue(tx, { kind: 'ticket.reply', ticketId: t.id, text: 'left in flight' }, { now: h.clock.now() }));
    // What a process killed during the Web API call leaves behind.
    await h.db.outboxMessage.updateMany({
      where: { status: 'pending' },
      data: { status: 'sending', claimedBy: 'dead', claimedAt: h.clock.now(), attempts: 1 },
    });
    const inThread = () => h.fake.posted('C0SUPPORT').filter((m) => m.thread_ts === t.rootTs && m.text === 'left in flight');
    await later(119_000);
    assert.equal(inThread().length, 0, 'the claim may still be alive');
    await later(2000);
    assert.equal(inThread().length, 1);
    assert.equal(h.fake.callsTo('conversations.replies').length, 1, 'looked for it before posting');
  });

  it('one thread stuck behind a failing message does not hold up other tickets', async () => {
    const stuck = await fileTicket(h, { title: 'stuck thread' });
    h.fake.fail('chat.postMessage', { status: 500 }, 1);
    await h.db.$transaction(async (tx) => {
      for (let i = 0; i < 60; i++)
        await enqueue(tx, { kind: 'ticket.reply', ticketId: stuck.id, text: `queued ${i}` }, { now: h.clock.now() });
    });
    await h.settle();
    // The first reply failed and waits 1 s; the other 59 wait behind it, ahead of the next ticket.
    const next = await fileTicket(h, { title: 'next ticket' });
    assert.equal(rootsTitled('next ticket').length, 1);
    assert.ok(next.rootTs);
    await later(1000);
    const queued = h.fake.posted('C0SUPPORT').filter((m) => m.thread_ts === stuck.rootTs && m.text?.startsWith('queued '));
    assert.deepEqual(
      queued.map((m) => m.text),
      Array.from({ length: 60 }, (_, i) => `queued ${i}`),
      'the stuck thread then goes out in order',
    );
  });
});
