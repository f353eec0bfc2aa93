// The weekly digest end to end: a week of tickets and deploys through the real bot, the digest's
// cron tick under the manual clock, its message and three chart PNGs observed at the fake Slack;
// missed while down → sent on start, never twice; Slack failing the upload → retried, one file.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { ConfigError } from '../src/config/env.js';
import { parseSupportConfig } from '../src/config/supportConfig.js';
import { digestPeriod, periodDays } from '../src/domain/digestPeriod.js';
import { ticketsPerDay } from '../src/repos/digestSeries.js';
import { digestContent, resolveTimeRows } from '../src/services/digest.js';
import { buildReport } from '../src/services/reports.js';
import { reportBlocks } from '../src/messages/report.js';
import type { Doc } from './support/doc.js';
import { deploy } from './support/deployApi.js';
import { fileTicket, type Harness, startHarness, testConfigDoc } from './support/harness.js';
import { pngSize } from './support/png.js';

const MANAGERS = 'C0MANAGERS';
const enableDigest = (doc: Doc) => {
  doc.digest = { enabled: true };
};

/** The digest messages posted to the managers' channel (not the file shares). */
const digests = (h: Harness) => h.fake.posted(MANAGERS).filter((m) => !m.files && m.text?.startsWith('Weekly support digest'));
/** Files shared in the managers' channel for the week ending on `endDay`. */
const filesFor = (h: Harness, endDay: string) => h.fake.files.filter((f) => f.channel === MANAGERS && f.name.includes(`-${endDay}-`));

/** Moves the clock and lets what came due (SLA reminders) run before the next click. */
async function moveTo(h: Harness, iso: string): Promise<void> {
  h.clock.set(iso);
  await h.settle();
}

async function takeAndResolve(h: Harness, ticket: { id: number; rootTs: string | null }): Promise<void> {
  const click = (actionId: string) =>
    h.slack.clickButton({ actionId, value: String(ticket.id), userId: 'UENG', messageTs: ticket.rootTs! });
  await click('ticket_take');
  await h.settle();
  await click('ticket_resolve_open');
  await h.settle();
  const view = h.fake.callsTo('views.open').at(-1)!.args.view;
  const res = await h.slack.submitView({
    callbackId: 'ticket_resolve',
    userId: 'UENG',
    privateMetadata: view.private_metadata,
    values: {
      resolution: { value: { type: 'plain_text_input', value: 'Fixed' } },
      codeChange: { value: { type: 'radio_buttons', selected_option: { value: 'no' } } },
    },
  });
  assert.equal(res.status, 200);
  await h.settle();
  assert.equal((await h.db.ticket.findUnique({ where: { id: ticket.id } }))?.status, 'resolved');
}

describe('weekly digest: a cron tick sends one digest with three charts', () => {
  let h: Harness;
  // Tuesday of the week Mon 16 Nov 09:00 → Mon 23 Nov 09:00 (GMT, so local = UTC).
  before(async () => {
    h = await startHarness({ now: '2026-11-17T10:00:00Z', config: enableDigest });
  });
  after(async () => h.stop());

  it('on start sends the digest of the week that ended before it (nothing happened: one chart)', async () => {
    await h.settle();
    const [missed] = digests(h);
    assert.equal(digests(h).length, 1);
    assert.match(missed!.text!, /^Weekly support digest, Mon 9 Nov 09:00 GMT → Mon 16 Nov 09:00 GMT\n/);
    assert.match(missed!.text!, /Support report, last 7 days: 0 tickets opened, change failure rate: no production deploys/);
    assert.deepEqual(
      filesFor(h, '2026-11-16').map((f) => f.name),
      ['support-digest-2026-11-16-tickets-per-day.png'],
    );
    assert.match(JSON.stringify(missed!.blocks), /Charts below: tickets per day\./);
  });

  it('the Monday 09:00 tick posts the week: summary, then time to resolve, change failure rate and tickets per day as PNGs', async () => {
    const at = (iso: string) => moveTo(h, iso);
    // Tue 17: a P1 resolved in 2 h and a P2 resolved in 54 h; Wed 18: P2s resolved in 12 h and 24 h.
    const p1 = await fileTicket(h, { priority: 'P1', title: 'Site down' });
    const slow = await fileTicket(h, { priority: 'P2', service: 'search' });
    await at('2026-11-17T12:00:00Z');
    await takeAndResolve(h, p1);
    await at('2026-11-18T10:00:00Z');
    const day = await fileTicket(h, { priority: 'P2' });
    const halfDay = await fileTicket(h, { priority: 'P2', service: 'billing' });
    await at('2026-11-18T22:00:00Z');
    await takeAndResolve(h, halfDay);
    await at('2026-11-19T10:00:00Z');
    await takeAndResolve(h, day);
    await at('2026-11-19T16:00:00Z');
    await takeAndResolve(h, slow);
    // Three production deploys, one of them failed; and one outside the week.
    await at('2026-11-20T13:00:00Z');
    await deploy(h, { service: 'checkout', version: '1.0.0', status: 'succeeded', deployedAt: '2026-11-19T11:00:00Z' });
    await deploy(h, { service: 'checkout', version: '1.1.0', status: 'failed', deployedAt: '2026-11-19T12:00:00Z' });
    await deploy(h, { service: 'search', version: '2.0.0', status: 'succeeded', deployedAt: '2026-11-20T12:00:00Z' });
    await deploy(h, { service: 'search', version: '1.9.0', status: 'failed', deployedAt: '2026-11-12T12:00:00Z' });

    // A tick before the instant changes nothing; the tick at Monday 09:00 sends.
    h.clock.set('2026-11-23T08:59:59Z');
    await h.bot.checkDigest();
    await h.settle();
    assert.equal(digests(h).length, 1);
    h.clock.set('2026-11-23T09:00:00Z');
    await h.bot.checkDigest();
    await h.settle();
    assert.equal(digests(h).length, 2);
    const digest = digests(h)[1]!;
    assert.match(digest.text!, /^Weekly support digest, Mon 16 Nov 09:00 GMT → Mon 23 Nov 09:00 GMT\n/);
    // The report's own summary of the week (its figures are tested in test/reports.test.ts).
    assert.match(
      digest.text!,
      /Support report, last 7 days: 4 tickets opened, change failure rate 33 % \(1 of 3 deploys\), time to restore 2 h/,
    );

    const files = filesFor(h, '2026-11-23');
    assert.deepEqual(
      files.map((f) => [f.name, f.title]),
      [
        ['support-digest-2026-11-23-time-to-resolve.png', 'Time to resolve by priority, week to 2026-11-23'],
        ['support-digest-2026-11-23-change-failure-rate.png', 'Change failure rate per service, week to 2026-11-23'],
        ['support-digest-2026-11-23-tickets-per-day.png', 'Tickets per day, week to 2026-11-23'],
      ],
    );
    for (const f of files) {
      const { width, height } = pngSize(f.bytes);
      assert.ok(width >= 800 && height >= 400, `${f.name}: ${width} × ${height}`);
      assert.ok(f.bytes.length > 10_000, `${f.name}: ${f.bytes.length} bytes`);
      assert.ok(f.ts > digest.ts, 'the charts follow the summary');
    }
    // The change failure rate chart as the digest sent it, for docs/digest.md.
    writeFileSync('docs/img/digest-change-failure-rate.png', files[1]!.bytes);
    // Alt text carries the figures for screen readers.
    const altTexts = h.fake
      .callsTo('files.getUploadURLExternal')
      .slice(-3)
      .map((c) => String(c.args.alt_text));
    assert.deepEqual(altTexts, [
      'P1: average 2.0 h, median 2.0 h, p90 2.0 h; P2: average 30.0 h, median 24.0 h, p90 54.0 h',
      'Checkout: 1 of 2 deploys failed; Search: 0 of 1 deploys failed',
      '2026-11-16: 0; 2026-11-17: 2; 2026-11-18: 2; 2026-11-19: 0; 2026-11-20: 0; 2026-11-21: 0; 2026-11-22: 0',
    ]);

    // Another tick, or a restart, within the week sends nothing more.
    h.clock.set('2026-11-23T09:30:00Z');
    await h.bot.checkDigest();
    await h.restart();
    await h.settle();
    assert.equal(digests(h).length, 2);
    assert.equal(filesFor(h, '2026-11-23').length, 3);
    assert.deepEqual(h.loggedErrors, []);
  });

  it("the charts read the report's figures: time to resolve and per-service deploys from buildReport, tickets per day", async () => {
    const tz = 'Europe/London';
    const reportDeps = { db: h.db, provider: h.bot.database.provider, config: h.config };
    const period = digestPeriod(new Date('2026-11-23T09:00:00Z'), tz);
    const content = await digestContent(reportDeps, period);
    const report = await buildReport(reportDeps, { period: 7, now: period.to });
    assert.deepEqual(content.report, report);
    const { P1, P2, P3 } = report.current.timeToResolve;
    assert.deepEqual(resolveTimeRows(report.current), [
      { priority: 'P1', averageHours: P1.avgMinutes! / 60, medianHours: P1.medianMinutes! / 60, p90Hours: P1.p90Minutes! / 60 },
      { priority: 'P2', averageHours: P2.avgMinutes! / 60, medianHours: P2.medianMinutes! / 60, p90Hours: P2.p90Minutes! / 60 },
    ]);
    assert.equal(P3.count, 0);
    const alt = Object.fromEntries(content.charts.map((c) => [c.slug, c.altText]));
    assert.deepEqual(alt, {
      'time-to-resolve': 'P1: average 2.0 h, median 2.0 h, p90 2.0 h; P2: average 30.0 h, median 24.0 h, p90 54.0 h',
      'change-failure-rate': report.current.deploysByService
        .map((s) => `${s.name}: ${s.failures} of ${s.deploys} deploys failed`)
        .join('; '),
      'tickets-per-day': '2026-11-16: 0; 2026-11-17: 2; 2026-11-18: 2; 2026-11-19: 0; 2026-11-20: 0; 2026-11-21: 0; 2026-11-22: 0',
    });
    assert.equal(content.summary.text, reportBlocks(report, { timeZone: tz }).text);
    // Up to Thursday noon two P2s (12 h and 24 h): the report's median is the lower middle (nearest
    // rank), 12 h, where a second definition averaging the middle two said 18 h.
    const upToThursday = await digestContent(reportDeps, digestPeriod(new Date('2026-11-19T12:00:00Z'), tz));
    assert.equal(
      upToThursday.charts[0]!.altText,
      'P1: average 2.0 h, median 2.0 h, p90 2.0 h; P2: average 18.0 h, median 12.0 h, p90 24.0 h',
    );
    assert.deepEqual(await ticketsPerDay(h.db, periodDays(period, tz), period.to), [0, 2, 2, 0, 0, 0, 0]);
  });
});

describe('weekly digest: missed while the bot was down', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ now: '2026-11-23T08:00:00Z', config: enableDigest });
  });
  after(async () => h.stop());

  it('down at Monday 09:00 and started at 11:00: sent once on start, not again on the next restart', async () => {
    await h.settle();
    // Started before 09:00: the week before is the one it missed.
    assert.deepEqual(
      digests(h).map((m) => m.text!.split('\n')[0]),
      ['Weekly support digest, Mon 9 Nov 09:00 GMT → Mon 16 Nov 09:00 GMT'],
    );
    await h.restart({ whileDown: () => h.clock.set('2026-11-23T11:00:00Z') });
    await h.settle();
    await h.restart({ whileDown: () => h.clock.set('2026-11-23T11:05:00Z') });
    await h.settle();
    assert.deepEqual(
      digests(h).map((m) => m.text!.split('\n')[0]),
      [
        'Weekly support digest, Mon 9 Nov 09:00 GMT → Mon 16 Nov 09:00 GMT',
        'Weekly support digest, Mon 16 Nov 09:00 GMT → Mon 23 Nov 09:00 GMT',
      ],
    );
    assert.equal(filesFor(h, '2026-11-23').length, 1);
  });

  it('down for three weeks: only the latest week is sent, not the backlog', async () => {
    await h.restart({ whileDown: () => h.clock.set('2026-12-15T12:00:00Z') });
    await h.settle();
    assert.deepEqual(
      digests(h)
        .slice(2)
        .map((m) => m.text!.split('\n')[0]),
      ['Weekly support digest, Mon 7 Dec 09:00 GMT → Mon 14 Dec 09:00 GMT'],
    );
  });

  it('digest.enabled: false sends none', async () => {
    await h.restart({
      config: (doc) => {
        doc.digest = { enabled: false };
      },
      whileDown: () => h.clock.set('2026-12-21T10:00:00Z'),
    });
    await h.bot.checkDigest();
    await h.settle();
    assert.equal(digests(h).length, 3);
    assert.deepEqual(h.loggedErrors, []);
  });
});

describe('weekly digest: Slack failing the upload', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ now: '2026-11-23T08:00:00Z', config: enableDigest, slackTimeoutMs: 2000 });
    await h.settle();
  });
  after(async () => h.stop());

  /** Lets the outbox's backoff pass on the manual clock until nothing is left to send. */
  async function deliverWithRetries(): Promise<void> {
    for (let i = 0; i < 10; i++) {
      h.clock.advance(30_000);
      await h.settle();
    }
  }

  it('429, then HTTP 500 on the upload URL, then on completeUploadExternal: retried, the chart shared once', async () => {
    const uploadsBefore = h.fake.callsTo('upload').length;
    h.fake.fail('upload', { status: 500 }, 1);
    h.fake.fail('files.completeUploadExternal', { status: 500 }, 1);
    h.fake.fail('files.getUploadURLExternal', { status: 429, retryAfter: 1 }, 1);
    h.clock.set('2026-11-23T09:00:00Z');
    await h.bot.checkDigest();
    await deliverWithRetries();
    // 429 on asking for the URL; then the POST of the bytes fails; then completing fails; then all goes through.
    assert.equal(h.fake.callsTo('upload').length - uploadsBefore, 3);
    assert.deepEqual(
      filesFor(h, '2026-11-23').map((f) => f.name),
      ['support-digest-2026-11-23-tickets-per-day.png'],
    );
    assert.equal(pngSize(filesFor(h, '2026-11-23')[0]!.bytes).width >= 800, true);
  });

  it('a retry that may not read the conversation (missing_scope) shares the file rather than never', async () => {
    h.fake.fail('upload', { status: 500 }, 1);
    h.fake.fail('conversations.history', { error: 'missing_scope' }, 1);
    await h.restart({ whileDown: () => h.clock.set('2026-12-07T09:00:00Z') });
    await deliverWithRetries();
    assert.equal(filesFor(h, '2026-12-07').length, 1);
    assert.equal(await h.db.outboxMessage.count({ where: { status: { not: 'sent' } } }), 0);
  });

  it('completeUploadExternal done but never answered: the retry finds the shared file and does not share it again', async () => {
    h.fake.fail('files.completeUploadExternal', { afterSuccessHang: true }, 1);
    h.clock.set('2026-11-30T09:00:00Z');
    await h.bot.checkDigest();
    await deliverWithRetries();
    assert.equal(h.fake.callsTo('files.completeUploadExternal').filter((c) => JSON.stringify(c.args).includes('2026-11-30')).length, 1);
    assert.equal(filesFor(h, '2026-11-30').length, 1);
    assert.equal(await h.db.outboxMessage.count({ where: { status: { not: 'sent' } } }), 0);
  });
});

describe('digest.cron', () => {
  it('an invalid expression is a config error naming the key', () => {
    for (const cron of ['every monday', '0 25 * * 1', '']) {
      const doc = testConfigDoc();
      doc.digest = { cron };
      assert.throws(
        () => parseSupportConfig(doc, 'test config'),
        (err: Error) => err instanceof ConfigError && /digest\.cron: must be a cron expression such as "0 9 \* \* 1"/.test(err.message),
        cron,
      );
    }
  });

  it('defaults to Monday 09:00 and takes another expression', () => {
    const doc = testConfigDoc();
    delete doc.digest;
    assert.deepEqual(parseSupportConfig(doc).digest, { enabled: true, cron: '0 9 * * 1' });
    doc.digest = { cron: '30 8 * * fri' };
    assert.deepEqual(parseSupportConfig(doc).digest, { enabled: true, cron: '30 8 * * fri' });
  });
});
