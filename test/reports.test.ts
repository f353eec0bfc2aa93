// Report figures end to end: two weeks of support built through the real bot (signed Slack requests,
// the deploy API, the durable timers) under the manual clock, then /support report, its Details
// modal and the figures of buildReport, each worked out by hand below. The suite runs this file on
// SQLite and on PostgreSQL with the same expected figures, so both databases give identical results.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CSV_COLUMNS } from '../src/messages/ticketExport.js';
import { buildReport, type Report } from '../src/services/reports.js';
import { ask } from './support/commands.js';
import { deploy } from './support/deployApi.js';
import type { Doc } from './support/doc.js';
import { fileTicket, startHarness, type Harness } from './support/harness.js';

/** The report is read at Monday 23 Nov 10:00 (London = UTC in November): current = [16 Nov 10:00, 23 Nov 10:00), previous = the week before. */
const REPORT_AT = '2026-11-23T10:00:00Z';

type Ticket = { id: number; rootTs: string | null };

describe('/support report over a seeded fortnight', () => {
  let h: Harness;
  let report: Report;
  const tickets: Record<string, Ticket> = {};
  const deploys: Record<string, number> = {};

  const at = (iso: string) => h.clock.set(iso);
  const click = async (actionId: string, t: Ticket, userId: string, value = String(t.id)) => {
    const res = await h.slack.clickButton({ actionId, value, userId, messageTs: t.rootTs! });
    assert.equal(res.status, 200);
    await h.settle();
  };
  const take = (t: Ticket, userId: string) => click('ticket_take', t, userId);
  const resolve = async (t: Ticket, userId: string, codeChange: 'yes' | 'no', causedBy?: number) => {
    const res = await h.slack.submitView({
      callbackId: 'ticket_resolve',
      userId,
      privateMetadata: JSON.stringify({ ticketId: t.id }),
      values: {
        resolution: { value: { type: 'plain_text_input', value: 'Fixed' } },
        codeChange: { value: { type: 'radio_buttons', selected_option: { value: codeChange } } },
        ...(causedBy ? { causedBy: { value: { type: 'static_select', selected_option: { value: String(causedBy) } } } } : {}),
      },
    });
    assert.equal(res.status, 200);
    assert.equal(await res.text(), '');
    await h.settle();
  };
  const file = async (key: string, iso: string, f: { priority: string; service: string; reporter?: string; title?: string }) => {
    at(iso);
    tickets[key] = await fileTicket(h, { title: `Ticket ${key}`, ...f });
  };
  const stored = (key: string) => h.db.ticket.findUniqueOrThrow({ where: { id: tickets[key]!.id } });

  before(async () => {
    h = await startHarness({
      now: '2026-11-09T10:00:00Z',
      config: (doc: Doc) => {
        doc.services.search.deployWindows = ['mon-fri 09:00-17:00'];
      },
    });

    // ── The previous week (9–16 Nov) ──
    // A: P2 checkout, filed Mon 10:30, taken 11:00 (first response 30 min), resolved 12:30 (120 min), code change.
    await file('A', '2026-11-09T10:30:00Z', { priority: 'P2', service: 'checkout' });
    at('2026-11-09T11:00:00Z');
    await take(tickets.A!, 'UENG');
    at('2026-11-09T12:30:00Z');
    await resolve(tickets.A!, 'UENG', 'yes');
    // D0: checkout 0.9, Tue 10 Nov, fine.
    at('2026-11-10T10:00:00Z');
    await deploy(h, { service: 'checkout', version: '0.9' });

    // ── The current week (16–23 Nov) ──
    // D1: checkout 1.0 by UDEV, Mon 11:00; it will be confirmed as the cause of five tickets.
    at('2026-11-16T11:00:00Z');
    deploys.D1 = (await deploy(h, { service: 'checkout', version: '1.0', author: 'UDEV' })).deploy.id;
    // T1..T5: P2 checkout filed 11:05 … 11:25; first responses (Take it) after 2, 4, 6, 8, 10 min; T5 by the
    // payments gardener on duty that week (UGARD2: 45 weekly shifts after 5 Jan 09:00 → the second member).
    for (const [i, minute] of [5, 10, 15, 20, 25].entries())
      await file(`T${i + 1}`, `2026-11-16T11:${String(minute).padStart(2, '0')}:00Z`, {
        priority: 'P2',
        service: 'checkout',
        reporter: `UREP${i + 1}`,
      });
    // Takes after 2, 4, 6, 8, 10 minutes: T1 11:07, T2 11:14, T3 11:21, T4 11:28, T5 11:35.
    const takes: Array<[string, string, string]> = [
      ['T1', '11:07', 'UENG'],
      ['T2', '11:14', 'UENG'],
      ['T3', '11:21', 'UENG'],
      ['T4', '11:28', 'UENG'],
      ['T5', '11:35', 'UGARD2'],
    ];
    for (const [key, time, who] of takes) {
      at(`2026-11-16T${time}:00Z`);
      await take(tickets[key]!, who);
    }
    // T1 resolved 11:35 (30 min). The deploy's author confirms D1 caused T1, T2, T3 with the button.
    await resolve(tickets.T1!, 'UENG', 'yes');
    at('2026-11-16T11:40:00Z');
    for (const key of ['T1', 'T2', 'T3']) await click('deploy_caused', tickets[key]!, 'UDEV', `${deploys.D1}:${tickets[key]!.id}`);
    // T2 12:10 (60), T3 12:45 (90); T4 13:20 (120) and T5 13:55 (150) name D1 as the cause in the resolve form.
    at('2026-11-16T12:10:00Z');
    await resolve(tickets.T2!, 'UENG', 'yes');
    at('2026-11-16T12:45:00Z');
    await resolve(tickets.T3!, 'UENG', 'yes');
    at('2026-11-16T13:20:00Z');
    await resolve(tickets.T4!, 'UENG', 'yes', deploys.D1);
    at('2026-11-16T13:55:00Z');
    await resolve(tickets.T5!, 'UGARD2', 'yes', deploys.D1);

    // D2: checkout 1.1, Tue 10:00, fine.
    at('2026-11-17T10:00:00Z');
    await deploy(h, { service: 'checkout', version: '1.1' });
    // R: P3 search, filed Tue 10:00, taken 10:20 (first response 20 min), resolved 11:00, reopened by its
    // reporter Wed 10:00, taken again 10:05, resolved finally Wed 12:00: time to resolve 26 h, no code change.
    await file('R', '2026-11-17T10:00:00Z', { priority: 'P3', service: 'search' });
    at('2026-11-17T10:20:00Z');
    await take(tickets.R!, 'UENG2');
    at('2026-11-17T11:00:00Z');
    await resolve(tickets.R!, 'UENG2', 'no');
    at('2026-11-18T10:00:00Z');
    await click('ticket_reopen', tickets.R!, 'UREPORTER');
    at('2026-11-18T10:05:00Z');
    await take(tickets.R!, 'UENG2');
    at('2026-11-18T12:00:00Z');
    await resolve(tickets.R!, 'UENG2', 'no');

    // D3: billing 2.0 in two rollout stages (canary Wed 10:00, 100% 10:30): one deploy.
    at('2026-11-18T10:00:00Z');
    await deploy(h, { id: 'run-b20', service: 'billing', version: '2.0', stage: 'canary', deployedAt: '2026-11-18T10:00:00Z' });
    // W: P2 billing, filed Wed 10:00, taken 10:10 by UGARD1 (first response 10 min; not on duty that week),
    // waiting on the reporter 10:30–14:30, resolved 15:00: time to resolve 5 h (waiting included). Its SLA
    // clock ran 10:00–10:30 and 14:30–15:00, 60 of 180 min: met (without the pause it breached at 13:00).
    await file('W', '2026-11-18T10:00:00Z', { priority: 'P2', service: 'billing' });
    at('2026-11-18T10:10:00Z');
    await take(tickets.W!, 'UGARD1');
    at('2026-11-18T10:30:00Z');
    await deploy(h, { id: 'run-b20', service: 'billing', version: '2.0', stage: '100%' }, 200);
    await click('ticket_wait', tickets.W!, 'UGARD1');
    at('2026-11-18T14:30:00Z');
    await click('ticket_unwait', tickets.W!, 'UREPORTER');
    at('2026-11-18T15:00:00Z');
    await resolve(tickets.W!, 'UGARD1', 'yes');

    // D4: billing 2.1, Thu 10:00, rolled back at 10:20.
    at('2026-11-19T10:00:00Z');
    await deploy(h, { service: 'billing', version: '2.1' });
    at('2026-11-19T10:20:00Z');
    await deploy(h, { service: 'billing', version: '2.1', status: 'rolled_back' }, 200);

    // X: P1 checkout filed Thu 20:00, out of hours: pages on-call (Thu 18:00 is the 228th weekday
    // handoff since 5 Jan 18:00, 228 mod 3 = 0 → UONCALL1), who takes it at 20:03 (first response
    // 3 min). Its 60-minute SLA breaches at 21:00; resolved 21:10 (70 min), no code change.
    await file('X', '2026-11-19T20:00:00Z', { priority: 'P1', service: 'checkout' });
    at('2026-11-19T20:03:00Z');
    await take(tickets.X!, 'UONCALL1');
    at('2026-11-19T21:00:00Z');
    await h.settle();
    at('2026-11-19T21:10:00Z');
    await resolve(tickets.X!, 'UONCALL1', 'no');

    // Dup: P3 search, filed Fri 10:00, taken 10:15 (first response 15 min), marked as a duplicate of R at 10:30.
    // Its title would run as a formula in a spreadsheet.
    await file('Dup', '2026-11-20T10:00:00Z', {
      priority: 'P3',
      service: 'search',
      reporter: 'UREPORTER2',
      title: '=HYPERLINK("http://x.example","win")',
    });
    at('2026-11-20T10:15:00Z');
    await take(tickets.Dup!, 'UENG2');
    at('2026-11-20T10:30:00Z');
    const dup = await h.slack.submitView({
      callbackId: 'ticket_duplicate',
      userId: 'UENG2',
      privateMetadata: JSON.stringify({ ticketId: tickets.Dup!.id }),
      values: { original: { value: { type: 'plain_text_input', value: `#${tickets.R!.id}` } } },
    });
    assert.equal(await dup.text(), '');
    await h.settle();

    // D5: search 5.0 on Saturday 10:00, outside its window (mon-fri 09:00-17:00).
    at('2026-11-21T10:00:00Z');
    await deploy(h, { service: 'search', version: '5.0' });

    at(REPORT_AT);
    await h.settle();
    report = await buildReport({ ...h.bot.database, config: h.config }, { period: 7, now: h.clock.now() });
  });
  after(() => h.stop());

  it('the seed went through the real rules (sanity checks of what the figures rely on)', async () => {
    assert.equal((await stored('X')).breachedAt?.toISOString(), '2026-11-19T21:00:00.000Z');
    assert.equal((await stored('W')).breachedAt, null);
    assert.equal((await stored('Dup')).duplicateOfId, tickets.R!.id);
    assert.deepEqual(
      (await h.db.page.findMany()).map((p) => [p.ticketId, p.userId]),
      [[tickets.X!.id, 'UONCALL1']],
    );
    const d1 = await h.db.deploy.findUniqueOrThrow({ where: { id: deploys.D1! }, include: { links: true } });
    assert.equal(d1.changeFailure, true);
    assert.equal(d1.links.filter((l) => l.verdict === 'caused').length, 5);
    for (const key of ['T1', 'T2', 'T3', 'T4', 'T5']) assert.equal((await stored(key)).incident, true, key);
    assert.equal(await h.db.deploy.count({ where: { service: 'billing', version: '2.0' } }), 1, 'stages are one deploy');
    assert.equal(h.loggedErrors.length, 0, h.loggedErrors.join('\n'));
  });

  it('tickets opened by priority: P1 1 (X), P2 6 (T1–T5, W), P3 2 (R, Dup); the week before P2 1 (A)', () => {
    assert.deepEqual(report.current.opened, { total: 9, byPriority: { P1: 1, P2: 6, P3: 2 } });
    assert.deepEqual(report.previous.opened, { total: 1, byPriority: { P1: 0, P2: 1, P3: 0 } });
  });

  it('time to resolve by priority: average, nearest-rank median and p90, to the final resolution, duplicates left out', () => {
    // P1: X 70. P2: T1–T5 30, 60, 90, 120, 150 and W 300 (waiting included) → average 750/6 = 125,
    // median rank ceil(3) = 3rd = 90, p90 rank ceil(5.4) = 6th = 300. P3: R 26 h = 1560 (not its first
    // resolution); Dup is left out.
    assert.deepEqual(report.current.timeToResolve, {
      P1: { count: 1, avgMinutes: 70, medianMinutes: 70, p90Minutes: 70 },
      P2: { count: 6, avgMinutes: 125, medianMinutes: 90, p90Minutes: 300 },
      P3: { count: 1, avgMinutes: 1560, medianMinutes: 1560, p90Minutes: 1560 },
    });
    assert.deepEqual(report.previous.timeToResolve.P2, { count: 1, avgMinutes: 120, medianMinutes: 120, p90Minutes: 120 });
  });

  it('SLA met by priority is the SLA clock verdict: X breached, W met thanks to its pause', () => {
    assert.deepEqual(report.current.slaMet, { P1: { part: 0, whole: 1 }, P2: { part: 6, whole: 6 }, P3: { part: 1, whole: 1 } });
    assert.deepEqual(report.previous.slaMet.P2, { part: 1, whole: 1 });
  });

  it('first response: median and p90 over the first responses given in the period, Take it included', () => {
    // T1–T5 2, 4, 6, 8, 10; R 20; W 10; X 3; Dup 15 → sorted 2 3 4 6 8 10 10 15 20: median 5th = 8, p90 9th = 20.
    // R's second take is not a first response.
    const f = report.current.firstResponse;
    assert.deepEqual({ count: f.count, median: f.medianMinutes, p90: f.p90Minutes }, { count: 9, median: 8, p90: 20 });
    assert.equal(report.previous.firstResponse.medianMinutes, 30);
  });

  it('requests vs code changes by service: resolved tickets, duplicates left out', () => {
    assert.deepEqual(
      report.current.requests.map((r) => [r.name, r.requests, r.codeChanges]),
      [
        ['Checkout', 6, 5],
        ['Billing', 1, 1],
        ['Search', 1, 0],
      ],
    );
  });

  it('change failure rate: D1 counts once for its five tickets, D4 rolled back; D3 with two stages is one deploy', () => {
    assert.deepEqual(report.current.deploys, { deploys: 5, failures: 2, outside: 1 });
    assert.deepEqual(
      report.current.deploysByService.map((s) => [s.service, s.deploys, s.failures, s.outside]),
      [
        ['billing', 2, 1, 0],
        ['checkout', 2, 1, 0],
        ['search', 1, 0, 1],
      ],
    );
    assert.deepEqual(report.previous.deploys, { deploys: 1, failures: 0, outside: 0 });
    // 40 % is above 15 %: low.
    assert.equal(report.current.bands.changeFailure, 'low');
    assert.equal(report.previous.bands.changeFailure, 'elite');
  });

  it('deployment frequency: deploys on days 0, 1, 2, 3 and 5 of the seven → 5 deploy days a week: daily to weekly', () => {
    assert.deepEqual(report.current.frequency, { deploys: 5, deployDays: 5, days: 7 });
    assert.equal(report.current.bands.frequency, 'high');
  });

  it('time to restore: median over the incidents (X as P1, T1–T5 caused by D1) → 30 60 70 90 120 150: 3rd = 70 min', () => {
    assert.deepEqual(report.current.timeToRestore, { count: 6, avgMinutes: 520 / 6, medianMinutes: 70, p90Minutes: 150 });
    assert.equal(report.current.bands.restore, 'high');
    assert.equal(report.previous.timeToRestore.count, 0);
    assert.equal(report.previous.bands.restore, null);
  });

  it('out-of-hours pages by person, and tickets handled by the gardener on duty (T5 of the 9 taken)', () => {
    assert.deepEqual(report.current.pages, { total: 1, byPerson: [{ userId: 'UONCALL1', pages: 1 }] });
    assert.deepEqual(report.previous.pages, { total: 0, byPerson: [] });
    assert.deepEqual(report.current.gardeners, { part: 1, whole: 9 });
    assert.deepEqual(report.previous.gardeners, { part: 0, whole: 1 });
  });

  it('/support report answers ephemerally with the figures in words, trends and DORA bands', async () => {
    const answer = await ask(h, 'report', 'UANYONE');
    const text = JSON.stringify(answer.blocks);
    for (const expected of [
      'Support report · last 7 days',
      'Tickets opened: 9 ▲ 800 %',
      'P1 1 ▲ from 0 · P2 6 ▲ 500 % · P3 2 ▲ from 0',
      'P2: average 2.1 h, median 1.5 h, p90 5 h (6 tickets) ▼ 25 %',
      'P3: average 26 h, median 26 h, p90 26 h (1 ticket)',
      'P1: SLA met 0 % (0 of 1)',
      'P2: SLA met 100 % (6 of 6) = same',
      'first response: average 9 min, median 8 min, p90 20 min (9 tickets) ▼ 73 %',
      'Checkout: 6 requests, 5 needed a code change',
      'Search: 1 request, 0 needed a code change',
      'change failure rate 40 % (2 of 5 deploys) ▲ from 0 · DORA 2023: *low*',
      'Billing: change failure rate 50 % (1 of 2 deploys)',
      'deployment frequency: 5 production deploys on 5 of 7 days (daily to weekly) ▲ 400 % · DORA 2023: *high*',
      'time to restore: median 1.2 h over 6 incidents · DORA 2023: *high*',
      'deploys outside the support window: 1 of 5 deploys',
      'Search: 1 of 1 deploy',
      'out-of-hours pages: 1 page ▲ from 0: <@UONCALL1> 1',
      'tickets handled by gardeners: 11 % (1 of 9) of the tickets taken',
    ])
      assert.ok(text.includes(expected), `report shows: ${expected}\n${text}`);
    assert.match(answer.text, /Support report, last 7 days: 9 tickets opened, change failure rate 40 % \(2 of 5 deploys\)/);
  });

  it('Details opens a modal listing the failed deploys with their tickets, the slowest tickets, the no-code services', async () => {
    const answer = await ask(h, 'report 7d', 'UANYONE');
    const button = (answer.blocks as Doc[]).flatMap((b) => b.elements ?? []).find((e: Doc) => e.action_id === 'report_details');
    assert.ok(button, 'a Details button');
    const opened = h.fake.callsTo('views.open').length;
    // Clicked later: the modal still lists the period the report counted.
    h.clock.advanceMinutes(3 * 1440);
    const res = await h.slack.interactive({
      type: 'block_actions',
      team: { id: 'T0TEST', domain: 'acme' },
      user: { id: 'UANYONE', username: 'uanyone', team_id: 'T0TEST' },
      api_app_id: 'A0TEST',
      token: 'legacy',
      trigger_id: 'trigger.details',
      container: { type: 'message', message_ts: '1.2', channel_id: 'C0SUPPORT', is_ephemeral: true },
      channel: { id: 'C0SUPPORT', name: 'support' },
      response_url: 'https://hooks.slack.com/actions/T0TEST/1/abc',
      actions: [{ type: 'button', action_id: 'report_details', block_id: 'x', value: button.value, action_ts: '1.3' }],
    });
    assert.equal(res.status, 200);
    await h.settle();
    const calls = h.fake.callsTo('views.open').slice(opened);
    assert.equal(calls.length, 1);
    assert.equal(calls[0]!.args.trigger_id, 'trigger.details');
    const view = calls[0]!.args.view as Doc;
    assert.equal(view.type, 'modal');
    const text = JSON.stringify(view.blocks);
    const t = (key: string) => `#${tickets[key]!.id} Ticket ${key}`;
    assert.ok(text.includes('Deploys counted as change failures: 2 of 5 deploys'), text);
    assert.ok(text.includes(`Checkout 1.0 · caused a ticket · `), 'D1 listed');
    assert.ok(text.includes(`caused ${['T1', 'T2', 'T3', 'T4', 'T5'].map(t).join(', ')}`), 'with its five tickets');
    assert.ok(text.includes('Billing 2.1 · rolled back · '), 'D4 listed');
    assert.ok(!text.includes('Billing 2.0'), 'D3 was fine');
    // Slowest three per priority.
    assert.ok(text.includes(`• ${t('X')} (Checkout) — 1.2 h`));
    assert.ok(text.includes(`*P2*\\n• ${t('W')} (Billing) — 5 h\\n• ${t('T5')} (Checkout) — 2.5 h\\n• ${t('T4')} (Checkout) — 2 h`), text);
    assert.ok(text.includes(`• ${t('R')} (Search) — 26 h`));
    assert.ok(text.includes('• Checkout: 1 request without a code change\\n• Search: 1 request without a code change'), text);
    h.clock.set(REPORT_AT);
  });

  it('a period other than 7d, 30d or 90d is answered with what is accepted', async () => {
    const answer = await ask(h, 'report 14d', 'UANYONE');
    assert.equal(answer.text, 'Choose the period as `7d`, `30d`, `90d` (the last 7, 30 or 90 days; 7d when left out).');
    assert.equal(answer.blocks, undefined);
  });

  it('30d covers both weeks: the previous week’s figures add up', async () => {
    const month = await buildReport({ ...h.bot.database, config: h.config }, { period: 30, now: h.clock.now() });
    assert.deepEqual(month.current.opened.byPriority, { P1: 1, P2: 7, P3: 2 });
    assert.deepEqual(month.current.deploys, { deploys: 6, failures: 2, outside: 1 });
    // P2 durations 30 60 90 120 120 150 300: median 4th = 120.
    assert.equal(month.current.timeToResolve.P2.medianMinutes, 120);
    assert.deepEqual(month.current.gardeners, { part: 1, whole: 10 });
  });

  it('/support export is for admins: anyone else is told so and nothing is queued', async () => {
    const answer = await ask(h, 'export', 'UANYONE');
    assert.equal(answer.text, 'Sorry, only admins can export tickets (`admins` in the config).');
    assert.equal(await h.db.outboxMessage.count({ where: { method: 'upload' } }), 0);
    const bad = await ask(h, 'export 45d', 'UADMIN');
    assert.equal(bad.text, 'Choose the period as `7d`, `30d`, `90d` (the last 7, 30 or 90 days; 30d when left out).');
  });

  it('/support export sends the CSV of the last 30 days to the admin’s DM, formula-safe, with the timings', async () => {
    const answer = await ask(h, 'export', 'UADMIN');
    assert.equal(
      answer.text,
      'The CSV of 10 tickets filed in the last 30 days (`tickets-2026-10-24-to-2026-11-23.csv`) is on its way to your DMs.',
    );
    const rows = await h.db.outboxMessage.findMany({ where: { method: 'upload' } });
    assert.equal(rows.length, 1);
    const upload = JSON.parse(rows[0]!.payload) as Doc;
    assert.deepEqual(Object.keys(upload).sort(), ['channel', 'contentBase64', 'filename', 'initialComment', 'kind', 'title']);
    assert.equal(upload.kind, 'upload');
    assert.equal(upload.channel, 'DADMIN', 'the DM conversations.open gave for UADMIN');
    assert.equal(upload.filename, 'tickets-2026-10-24-to-2026-11-23.csv');
    const [header, ...records] = parseCsv(Buffer.from(upload.contentBase64, 'base64').toString('utf8'));
    assert.deepEqual(header, [...CSV_COLUMNS]);
    assert.deepEqual(header!.slice(0, 6), ['ticket', 'opened_at', 'priority', 'service', 'status', 'title']);
    assert.equal(records.length, 10);
    const row = (key: string) => {
      const r = records.find((x) => x[0] === String(tickets[key]!.id));
      assert.ok(r, key);
      return Object.fromEntries(header!.map((c, i) => [c, r[i]]));
    };
    assert.equal(row('Dup').title, `'=HYPERLINK("http://x.example","win")`, 'a formula is shown, never run');
    assert.equal(row('Dup').duplicate_of, String(tickets.R!.id));
    assert.deepEqual(
      [row('W').first_response_minutes, row('W').time_to_resolve_minutes, row('W').waiting_minutes, row('W').sla_met, row('W').service],
      ['10', '300', '240', 'yes', 'Billing'],
    );
    assert.deepEqual([row('X').sla_met, row('X').sla_breached_at, row('X').owner], ['no', '2026-11-19T21:00:00.000Z', 'UONCALL1']);
    assert.deepEqual([row('R').times_reopened, row('R').time_to_resolve_minutes, row('R').code_change_needed], ['1', '1560', 'no']);
    assert.deepEqual([row('T4').incident, row('A').opened_at], ['yes', '2026-11-09T10:30:00.000Z']);

    // Delivered: shared once in the admin's DM with files.uploadV2, the bytes as queued.
    await h.settle();
    const shared = h.fake.files.filter((f) => f.name === 'tickets-2026-10-24-to-2026-11-23.csv');
    assert.equal(shared.length, 1);
    assert.equal(shared[0]!.channel, 'DADMIN');
    assert.equal(shared[0]!.bytes.toString('base64'), upload.contentBase64);
  });
});

/** RFC 4180 as csv-stringify writes it: quoted fields may hold commas, quotes ("") and line breaks. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    const next = text[i + 1];
    i += 1;
    if (quoted && ch === '"' && next === '"') {
      field += '"';
      i += 1;
    } else if (ch === '"') {
      quoted = !quoted;
    } else if (!quoted && ch === ',') {
      row.push(field);
      field = '';
    } else if (!quoted && ch === '\r' && next === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i += 1;
    } else {
      field += ch;
    }
  }
  if (field || row.length) rows.push([...row, field]);
  return rows;
}
