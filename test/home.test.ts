// App Home through the real bot: what opening the tab publishes (your tickets, the team's SLA
// states at an instant, who is on duty, this week's figures), the debounced republish after ticket
// changes, a 429 retried by the relay, user text kept inert, and one refresh across replicas.
// London business hours Mon–Fri 09:00–18:00 (GMT in November); Tue 24 Nov 2026.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { ManualClock } from '../src/clock.js';
import { parseSupportConfig } from '../src/config/supportConfig.js';
import { type Database, openDatabase } from '../src/db/client.js';
import { applyMigrations } from '../src/db/migrate.js';
import { Scheduler } from '../src/jobs/scheduler.js';
import { reportHeadlines } from '../src/messages/report.js';
import { inTransaction } from '../src/repos/db.js';
import { homeJobHandlers, planHomeRefresh } from '../src/services/home.js';
import { buildReport } from '../src/services/reports.js';
import { dutyReports } from '../src/services/rotations.js';
import type { Doc } from './support/doc.js';
import { createTestDatabaseUrl, fileTicket, type Harness, startHarness, testConfigDoc } from './support/harness.js';

interface Block {
  type: string;
  text?: { text: string };
  elements?: Array<{ action_id?: string; text?: string | { text: string } }>;
}

const viewOf = (args: Doc) => (typeof args.view === 'string' ? JSON.parse(args.view) : args.view) as { type: string; blocks: Block[] };
const publishesTo = (h: Harness, userId: string) => h.fake.callsTo('views.publish').filter((c) => c.args.user_id === userId);
const lastHome = (h: Harness, userId: string) => viewOf(publishesTo(h, userId).at(-1)!.args);

/** The text of a dashboard part: from the block starting with `*<title>` to the next divider. */
function part(view: { blocks: Block[] }, title: string): string {
  const start = view.blocks.findIndex((b) => b.text?.text.startsWith(`*${title}`));
  assert.ok(start >= 0, `no ${title} part`);
  const end = view.blocks.findIndex((b, i) => i > start && b.type === 'divider');
  return view.blocks
    .slice(start, end < 0 ? undefined : end)
    .map((b) => b.text?.text ?? '')
    .join('\n');
}

async function openHome(h: Harness, userId: string, eventId: string) {
  await h.slack.event({ type: 'app_home_opened', user: userId, tab: 'home', channel: 'D1' }, { eventId });
  await h.settle();
}

const click = (h: Harness, actionId: string, t: { id: number; rootTs: string | null }, userId: string) =>
  h.slack.clickButton({ actionId, value: String(t.id), userId, messageTs: t.rootTs! }).then(() => h.settle());

describe('App Home dashboard', () => {
  let h: Harness;
  let mineFiled: { id: number; rootTs: string | null; rootPermalink: string | null };
  let mineOwned: { id: number; rootTs: string | null };
  let notMine: { id: number; rootTs: string | null };
  let waiting: { id: number; rootTs: string | null };
  before(async () => {
    h = await startHarness({ now: '2026-11-24T10:00:00Z' });
    mineFiled = await fileTicket(h, { title: 'Mine filed', priority: 'P2', service: 'checkout', reporter: 'UME' });
    mineFiled = (await h.db.ticket.findUnique({ where: { id: mineFiled.id } }))!;
    mineOwned = await fileTicket(h, { title: 'Owned by me', priority: 'P1', service: 'search', reporter: 'UOTHER' });
    await click(h, 'ticket_take', mineOwned, 'UME');
    notMine = await fileTicket(h, { title: 'Not mine at all', priority: 'P3', service: 'billing', reporter: 'UOTHER' });
    waiting = await fileTicket(h, { title: 'Waiting one', priority: 'P3', service: 'billing', reporter: 'UOTHER' });
    await click(h, 'ticket_take', waiting, 'UME');
    await click(h, 'ticket_wait', waiting, 'UME');
  });
  after(() => h.stop());

  it('opening Home publishes my open tickets (filed or owned), most urgent first, linked to their threads', async () => {
    h.clock.set('2026-11-24T10:50:00Z');
    await h.settle();
    await openHome(h, 'UME', 'EvOpen1');
    const view = lastHome(h, 'UME');
    assert.equal(view.type, 'home');
    const yours = part(view, 'Yours');
    assert.match(yours, /^\*Yours: 3 open tickets\*/);
    assert.ok(!yours.includes('Not mine at all'), 'not a ticket I neither filed nor own');
    const order = ['Owned by me', 'Mine filed', 'Waiting one'].map((t) => yours.indexOf(t));
    assert.ok(
      order.every((i, n) => i > 0 && (n === 0 || i > order[n - 1]!)),
      `due soon, on track, waiting: ${yours}`,
    );
    assert.ok(mineFiled.rootPermalink, 'the confirmation asked Slack for the permalink');
    assert.ok(yours.includes(`*<${mineFiled.rootPermalink}|#${mineFiled.id}>* P2 Mine filed`), yours);
    assert.match(yours, new RegExp(`#${mineOwned.id}>?\\* P1 Owned by me — in progress · SLA at risk: .*, 10 min left · you own it`));
    assert.match(yours, /Mine filed — open · SLA on track: .* · nobody owns it yet/);
    // The button opens the same form as /support.
    const button = view.blocks.find((b) => b.type === 'actions')!.elements![0]!;
    assert.equal(button.action_id, 'home_file_ticket');
    await h.slack.clickButton({ actionId: 'home_file_ticket', value: '', userId: 'UME' });
    await h.settle();
    assert.equal(viewOf(h.fake.callsTo('views.open').at(-1)!.args).type, 'modal');
    assert.equal((viewOf(h.fake.callsTo('views.open').at(-1)!.args) as unknown as { callback_id: string }).callback_id, 'ticket_create');
  });

  it('counts the team’s open tickets by priority and SLA state at the instant it is published', async () => {
    // 10:50: the P1 (due 11:00) has used more than 75 %.
    let team = part(lastHome(h, 'UME'), 'Team');
    assert.match(team, /^\*Team: 4 open tickets\*/);
    assert.ok(team.includes('*P1*: 1 open — 0 on track · 1 due soon · 0 breached · 0 waiting'), team);
    assert.ok(team.includes('*P2*: 1 open — 1 on track · 0 due soon · 0 breached · 0 waiting'), team);
    assert.ok(team.includes('*P3*: 2 open — 1 on track · 0 due soon · 0 breached · 1 waiting'), team);
    assert.match(team, /\*Oldest unowned\* \(2 unowned\)\n• .*Mine filed.*\n• .*Not mine at all/);

    // The breach at 11:00 changes the ticket outside the ticket use cases: it republishes too, when its bucket ends.
    h.clock.set('2026-11-24T10:59:59Z');
    await h.settle();
    const before = publishesTo(h, 'UME').length;
    h.clock.set('2026-11-24T11:00:00Z');
    await h.settle();
    assert.equal(publishesTo(h, 'UME').length, before);
    h.clock.set('2026-11-24T11:00:30Z');
    await h.settle();
    assert.equal(publishesTo(h, 'UME').length, before + 1);
    team = part(lastHome(h, 'UME'), 'Team');
    assert.ok(team.includes('*P1*: 1 open — 0 on track · 0 due soon · 1 breached · 0 waiting'), team);
    assert.match(part(lastHome(h, 'UME'), 'Yours'), /Owned by me — in progress · :rotating_light: SLA breached/);
  });

  it('names who is on duty now as mentions, with the next handoff', async () => {
    const duty = part(lastHome(h, 'UME'), 'On duty now');
    const reports = await dutyReports({ db: h.db, config: h.config, clock: h.clock });
    const oncall = reports.find((r) => r.title === 'On call')!;
    const gardener = reports.find((r) => r.title === 'Payments gardener')!;
    // Business hours: on call is held until 18:00 by one person, and paged out of hours from then by another.
    assert.ok(oncall.untilThen && oncall.holder);
    assert.ok(
      duty.includes(`*On call*: <@${oncall.untilThen}> now (business hours); <@${oncall.holder}> is paged out of hours from`),
      duty,
    );
    assert.ok(duty.includes(`*Payments gardener*: <@${gardener.holder}> now · next handoff <!date^`), duty);
    assert.ok(duty.includes(`→ <@${gardener.upcoming[0]!.user}>`), duty);
    assert.ok(!/\bUGARD\d\b(?!>)/.test(duty.replaceAll(/<@U\w+>/g, '')), 'people only as mentions');
  });

  it("shows this week's figures as the report computes them", async () => {
    const week = part(lastHome(h, 'UME'), 'This week');
    const report = await buildReport({ ...h.bot.database, config: h.config }, { period: 7, now: h.clock.now() });
    for (const line of reportHeadlines(report)) assert.ok(week.includes(line), `${line}\n---\n${week}`);
    assert.ok(week.includes('tickets opened: 4'), week);
    assert.ok(week.includes('change failure rate: no production deploys'), week);
  });

  it('republishes once per recent viewer after a burst of ticket changes, not for people who did not open Home lately', async () => {
    await h.db.homeViewer.create({ data: { userId: 'ULONGAGO', openedAt: new Date('2026-11-16T10:00:00Z') } });
    await openHome(h, 'UREPORTER', 'EvOpen3');
    h.clock.set('2026-11-24T11:10:05Z');
    h.fake.reset();
    // Three changes in one 30 s bucket: a new ticket, taken, another taken.
    const burst = await fileTicket(h, { title: 'Burst ticket', priority: 'P3', service: 'checkout', reporter: 'UOTHER' });
    h.clock.set('2026-11-24T11:10:20Z');
    await click(h, 'ticket_take', burst, 'UME');
    await click(h, 'ticket_take', notMine, 'UOTHER');
    assert.equal(h.fake.callsTo('views.publish').length, 0, 'nothing before the bucket ends');

    h.clock.set('2026-11-24T11:10:30Z');
    await h.settle();
    assert.equal(publishesTo(h, 'UME').length, 1);
    assert.equal(publishesTo(h, 'UREPORTER').length, 1);
    assert.deepEqual(
      h.fake
        .callsTo('views.publish')
        .map((c) => c.args.user_id)
        .sort(),
      ['UME', 'UREPORTER'],
      'not for someone who opened it 8 days ago, nor for someone who never did',
    );
    assert.match(part(lastHome(h, 'UME'), 'Yours'), /Burst ticket — in progress .* · you own it/);
    assert.ok(!part(lastHome(h, 'UREPORTER'), 'Yours').includes('Burst ticket'));

    // Nothing changes: nothing is published. The next change, in a later bucket, publishes again.
    h.clock.set('2026-11-24T11:12:00Z');
    await h.settle();
    assert.equal(publishesTo(h, 'UME').length, 1);
    await click(h, 'ticket_wait', burst, 'UME');
    h.clock.set('2026-11-24T11:12:30Z');
    await h.settle();
    assert.equal(publishesTo(h, 'UME').length, 2);
    assert.deepEqual(h.loggedErrors, []);
  });

  it('retries a rate-limited views.publish (429 with Retry-After) through the relay', async () => {
    h.fake.reset();
    h.fake.fail('views.publish', { status: 429, retryAfter: 5 }, 1);
    await openHome(h, 'UME', 'EvOpen4');
    assert.equal(publishesTo(h, 'UME').length, 1, 'the first try was refused');
    h.clock.set(new Date(h.clock.now().getTime() + 5000));
    await h.settle();
    assert.equal(publishesTo(h, 'UME').length, 2, 'sent again once Retry-After passed');
    const row = await h.db.outboxMessage.findFirst({ where: { method: 'call' }, orderBy: { id: 'desc' } });
    assert.equal(row?.status, 'sent');
  });

  it('keeps user text inert: a title with <script> and <!channel> is escaped', async () => {
    const evil = await fileTicket(h, { title: '<script>alert(1)</script> <!channel> <@U0123>', reporter: 'UME' });
    h.fake.reset();
    await openHome(h, 'UME', 'EvOpen5');
    const sent = JSON.stringify(lastHome(h, 'UME'));
    assert.ok(sent.includes(`#${evil.id}`));
    assert.ok(sent.includes('&lt;script&gt;alert(1)&lt;/script&gt; &lt;!channel&gt; &lt;@U0123&gt;'), sent);
    assert.ok(!sent.includes('<script>') && !sent.includes('<!channel>') && !sent.includes('<@U0123>'));
  });
});

describe('App Home refresh with several replicas', () => {
  let database: Database;
  let drop: () => Promise<void>;
  before(async () => {
    let url: string;
    ({ url, drop } = await createTestDatabaseUrl());
    await applyMigrations(url);
    database = await openDatabase(url);
  });
  after(async () => {
    await database.close();
    await drop();
  });

  it('publishes once per bucket, whichever replica claims which ticket’s refresh job', async () => {
    const config = parseSupportConfig(testConfigDoc(), 'test config');
    const clock = new ManualClock('2026-11-24T10:00:05Z');
    await database.db.homeViewer.create({ data: { userId: 'UME', openedAt: clock.now() } });
    // Changes of two tickets in one bucket: a job each, due when the bucket ends.
    for (const ticketId of [1, 2]) await inTransaction(database.db, (tx) => planHomeRefresh(tx, ticketId, clock.now()));
    await inTransaction(database.db, (tx) => planHomeRefresh(tx, 1, clock.now()));
    assert.equal(await database.db.job.count({ where: { kind: 'home.refresh' } }), 2, 'once per ticket and bucket');

    clock.set('2026-11-24T10:00:30Z');
    const log = pino({ level: 'silent' });
    // Two replicas, each claiming one job per pass: each runs the handler for its own job.
    const replica = () =>
      new Scheduler(database.db, database.provider, clock, homeJobHandlers({ provider: database.provider, config }), log, 1);
    const ran = await Promise.all([replica().pass(), replica().pass()]);
    assert.deepEqual(ran.sort(), [1, 1], 'each replica ran one refresh job');
    const publishes = await database.db.outboxMessage.findMany({ where: { method: 'call' } });
    assert.equal(publishes.length, 1, 'one views.publish for the viewer');
    assert.equal(JSON.parse(publishes[0]!.payload).args.user_id, 'UME');
  });
});
