// `npm run demo` (src/app/demo.ts) run twice into temporary folders, the second time serving:
// the month it seeds has the mix the issue asks for (read back from the database), the three chart
// PNGs decode, the printed report carries the figures with their numerators and denominators, both
// runs are identical, nothing was sent to Slack, and the real /status page answers with the tickets.
// The demo is SQLite by definition: on the PostgreSQL run of the suite this file is skipped.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Demo, runDemo } from '../src/app/demo.js';
import { type Database, openDatabase } from '../src/db/client.js';
import { isBusinessTime } from '../src/domain/businessHours.js';
import { demoConfig } from '../src/demo/config.js';
import { DEMO_MONTH } from '../src/demo/month.js';
import { STATUS_COOKIE } from '../src/http/statusAuth.js';
import { pngSize } from './support/png.js';

const TOKEN = 'demo-test-token-0123456789';
const skip = process.env.TEST_DATABASE === 'postgresql' ? 'the demo always runs on SQLite' : false;

interface Run {
  dir: string;
  demo: Demo;
  printed: string;
  db: Database;
}

async function run(serve: boolean): Promise<Run> {
  const dir = mkdtempSync(path.join(tmpdir(), 'supportbot-demo-'));
  let printed = '';
  const demo = await runDemo({
    dbFile: path.join(dir, 'demo.db'),
    outDir: path.join(dir, 'out'),
    serve,
    port: 0,
    host: '127.0.0.1',
    token: TOKEN,
    logLevel: 'silent',
    print: (text) => {
      printed += `${text}\n`;
    },
  });
  return { dir, demo, printed, db: await openDatabase(`file:${path.join(dir, 'demo.db')}`) };
}

/** What a run stored, row by row, without the columns a clock or a random id could differ in. */
async function fingerprint(r: Run): Promise<string> {
  const { db } = r.db;
  const tickets = await db.ticket.findMany({ orderBy: { id: 'asc' }, omit: { updatedAt: true } });
  const events = await db.ticketEvent.findMany({ orderBy: { id: 'asc' } });
  const deploys = await db.deploy.findMany({ orderBy: { id: 'asc' } });
  const outbox = await db.outboxMessage.findMany({ orderBy: { id: 'asc' }, select: { method: true, payload: true, nextAttemptAt: true } });
  // Stored durations are BigInt columns.
  const json = JSON.stringify({ tickets, events, deploys, outbox }, (_key, v: unknown) => (typeof v === 'bigint' ? String(v) : v));
  return createHash('sha256').update(json).digest('hex');
}

const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

describe('npm run demo', { skip }, () => {
  let first: Run;
  let second: Run;
  before(async () => {
    first = await run(false);
    second = await run(true);
  });
  after(async () => {
    await second?.demo.stop();
    for (const r of [first, second]) {
      await r?.db.close();
      if (r) rmSync(r.dir, { recursive: true, force: true });
    }
  });

  it('seeds a month with the mix: P1 few, P3 many, business-hours filing, reopens, waiting, breaches, pages, a bad deploy', async () => {
    const { db } = first.db;
    const tickets = await db.ticket.findMany();
    const count = (p: string) => tickets.filter((t) => t.priority === p).length;
    assert.ok(tickets.length >= 80, `${tickets.length} tickets`);
    assert.ok(count('P1') >= 2 && count('P1') <= 6, `P1: ${count('P1')}`);
    assert.ok(count('P3') > count('P2') && count('P2') > count('P1'), `P2 ${count('P2')}, P3 ${count('P3')}`);
    for (const t of tickets) assert.ok(t.createdAt >= DEMO_MONTH.from && t.createdAt < DEMO_MONTH.to);
    const { calendar } = demoConfig();
    const inHours = tickets.filter((t) => isBusinessTime(calendar, t.createdAt)).length;
    assert.ok(inHours / tickets.length > 0.8, `${inHours} of ${tickets.length} filed in business hours`);
    // Most resolved, the latest still open at the month's end.
    const resolved = tickets.filter((t) => t.status === 'resolved').length;
    assert.ok(resolved > tickets.length * 0.8 && resolved < tickets.length, `${resolved} resolved`);

    const events = Object.fromEntries(
      (await db.ticketEvent.groupBy({ by: ['type'], _count: { _all: true } })).map((g) => [g.type, g._count._all]),
    );
    for (const type of ['reopened', 'waiting_on_reporter', 'back_from_waiting', 'priority_changed', 'sla_breached', 'deploy_caused'])
      assert.ok((events[type] ?? 0) >= 1, `${type}: ${events[type]}`);
    // The scheduler's own timers fired as the clock moved: SLA reminders and breaches, the page's escalation.
    for (const kind of ['sla.reminder', 'sla.breach', 'page.escalate'])
      assert.ok((await db.job.count({ where: { kind, status: 'done' } })) >= 1, `${kind} jobs ran`);
    const pages = await db.page.findMany({ orderBy: { id: 'asc' } });
    assert.deepEqual(
      pages.map((p) => p.level),
      [0, 1],
      'one out-of-hours P1: on call paged, then the next person',
    );
    assert.equal(isBusinessTime(calendar, pages[0]!.at), false);

    const deploys = await db.deploy.findMany({ include: { links: true } });
    assert.ok(deploys.length >= 30, `${deploys.length} deploys`);
    assert.ok(deploys.some((d) => d.status === 'failed'));
    assert.ok(deploys.some((d) => d.outsideWindow));
    const bad = deploys.find((d) => d.status === 'rolled_back');
    assert.ok(bad, 'a rolled-back deploy');
    assert.ok(bad.links.filter((l) => l.verdict === 'caused').length >= 3, 'several tickets blamed on the bad deploy');
    assert.ok(
      deploys.some((d) => d.status === 'succeeded' && d.changeFailure),
      'a succeeded deploy that "This caused it" made a change failure',
    );
    assert.deepEqual(
      (await db.rotationOverride.findMany({ orderBy: { id: 'asc' } })).map((o) => o.reason),
      ['cover', 'swap', 'swap'],
    );
    // No relay: every message is still queued, none was sent to Slack.
    assert.ok((await db.outboxMessage.count()) > 500);
    assert.equal(await db.outboxMessage.count({ where: { status: { not: 'pending' } } }), 0);
  });

  it('writes the three digest charts as valid PNGs', () => {
    assert.deepEqual(
      first.demo.charts.map((f) => path.basename(f)),
      [
        'support-digest-2026-11-30-time-to-resolve.png',
        'support-digest-2026-11-30-change-failure-rate.png',
        'support-digest-2026-11-30-tickets-per-day.png',
      ],
    );
    for (const file of first.demo.charts) {
      const png = readFileSync(file);
      const { width, height } = pngSize(png);
      assert.ok(width >= 800 && height >= 400 && png.length > 10_000, `${file}: ${width} × ${height}, ${png.length} bytes`);
    }
  });

  it('prints the 7- and 30-day reports with their figures, numerators and denominators', async () => {
    const { db } = first.db;
    const text = first.printed;
    assert.match(text, /Support report · last 7 days/);
    assert.match(text, /Support report · last 30 days/);
    assert.match(text, /Time to resolve \(opened → resolved\)\nP1: average [\d.]+ (min|h), median/);
    const production = { environment: 'production', deployedAt: { gte: DEMO_MONTH.from, lt: DEMO_MONTH.to } };
    const deploys = await db.deploy.count({ where: production });
    const failures = await db.deploy.count({ where: { ...production, changeFailure: true } });
    const rate = Math.round((100 * failures) / deploys);
    assert.ok(
      text.includes(`\nchange failure rate ${rate} % (${failures} of ${deploys} deploys)`),
      `change failure rate ${rate} % (${failures} of ${deploys} deploys)`,
    );
    assert.ok(text.includes(`${await db.ticket.count()} tickets (P1 `), 'the seeded count');
    assert.match(text, /P2: SLA met \d+ % \(\d+ of \d+\)/);
    assert.match(text, /out-of-hours pages: 2 pages/);
    // Plain text: no mrkdwn or Slack markup left.
    assert.doesNotMatch(text, /<!date|<@U|\*Tickets/);
  });

  it('is deterministic: the second run stores, prints and draws the same month', async () => {
    const withoutFolder = (r: Run) => r.printed.replaceAll(r.dir, '<dir>').split('The status page')[0]!.trimEnd();
    assert.equal(withoutFolder(second), withoutFolder(first));
    assert.equal(await fingerprint(second), await fingerprint(first));
    assert.deepEqual(second.demo.charts.map(sha), first.demo.charts.map(sha));
  });

  it('serves the real /status page: the printed link signs in, the page lists the open tickets', async () => {
    const url = second.demo.url!;
    assert.ok(second.printed.includes(url));
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/status\?token=/);
    const bare = new URL('/status', url);
    assert.equal((await fetch(bare)).status, 401);
    const signIn = await fetch(url, { redirect: 'manual' });
    assert.equal(signIn.status, 303);
    const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0]!;
    assert.ok(cookie.startsWith(`${STATUS_COOKIE}=`));
    const page = await fetch(bare, { headers: { cookie } });
    assert.equal(page.status, 200);
    const html = await page.text();
    const open = await second.db.db.ticket.findMany({ where: { status: { not: 'resolved' } }, orderBy: { id: 'asc' } });
    assert.ok(open.length >= 1);
    for (const t of open) assert.ok(html.includes(`#${t.id}`), `open ticket #${t.id} on the page`);
    assert.match(html, /Checkout|Billing|Search|Accounts/);
  });
});
