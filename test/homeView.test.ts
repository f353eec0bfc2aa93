// The App Home builder as data: Block Kit limits whatever people typed and however much is open,
// the order of your tickets, the team's counts by priority and SLA state, duty lines, the headlines.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PeriodFigures, Report } from '../src/domain/metrics.js';
import type { SlaState } from '../src/domain/sla.js';
import { byUrgency, type HomeTicket, homeTeamBlocks, homeView } from '../src/messages/home.js';
import type { DutyReportView } from '../src/messages/rotationViews.js';
import type { TicketView } from '../src/messages/ticketMessage.js';
import { assertWithinLimits } from './support/blockKit.js';

const NOW = new Date('2026-11-24T10:00:00Z');
const TZ = 'Europe/London';

function ticket(
  id: number,
  o: { state?: SlaState; minutesLeft?: number; ownerId?: string | null; title?: string } & Partial<TicketView> = {},
): HomeTicket {
  const { state = 'on_track', minutesLeft = 60, ...rest } = o;
  const view: TicketView = {
    id,
    title: `Ticket ${id}`,
    description: 'd',
    priority: 'P2',
    status: rest.ownerId ? 'in_progress' : 'open',
    reporterId: 'UREP',
    ownerId: null,
    serviceName: 'Checkout',
    link: null,
    sla: { dueAt: new Date(NOW.getTime() + minutesLeft * 60_000), state, minutesLeft },
    firstResponse: null,
    firstResponseDue: null,
    resolution: null,
    codeChangeNeeded: null,
    incident: false,
    timeZone: TZ,
    ...rest,
  };
  return { view, permalink: `https://acme.slack.com/archives/C0SUPPORT/p${id}`, openedAt: new Date(NOW.getTime() - id * 60_000) };
}

const none = { count: 0, avgMinutes: null, medianMinutes: null, p90Minutes: null };
function figures(opened: number): PeriodFigures {
  const perPriority = <T>(v: T) => ({ P1: v, P2: v, P3: v });
  return {
    period: { from: new Date(NOW.getTime() - 7 * 86_400_000), to: NOW },
    opened: { total: opened, byPriority: { P1: 0, P2: opened, P3: 0 } },
    timeToResolve: { ...perPriority(none), P2: { count: 2, avgMinutes: 90, medianMinutes: 90, p90Minutes: 120 } },
    slaMet: { ...perPriority({ part: 0, whole: 0 }), P2: { part: 1, whole: 2 } },
    firstResponse: { count: 2, avgMinutes: 12, medianMinutes: 12, p90Minutes: 20 },
    requests: [],
    deploys: { deploys: 25, failures: 3, outside: 0 },
    deploysByService: [],
    frequency: { deploys: 25, deployDays: 5, days: 7 },
    timeToRestore: none,
    pages: { total: 0, byPerson: [] },
    gardeners: { part: 0, whole: 0 },
    bands: { changeFailure: 'medium', frequency: 'elite', restore: null },
  };
}
const report: Report = { days: 7, now: NOW, doraYear: 2023, current: figures(4), previous: figures(2) };

const duty = (o: Partial<DutyReportView> = {}): DutyReportView => ({
  title: 'Payments gardener',
  role: 'the Payments gardener',
  configPath: 'squads.payments.gardener.members',
  holder: 'UGARD1',
  from: NOW,
  upcoming: [{ at: new Date('2026-11-30T09:00:00Z'), user: 'UGARD2' }],
  timeZone: TZ,
  ...o,
});

const texts = (blocks: Array<{ text?: { text: string } }>) => blocks.map((b) => b.text?.text ?? '').join('\n');

describe('App Home view', () => {
  it('stays within Block Kit limits with many long, escaped titles, many open tickets and many rotations', () => {
    const huge = (id: number) => ticket(id, { title: '<&>'.repeat(50), ownerId: id % 2 ? null : 'UME' });
    const open = Array.from({ length: 1000 }, (_, i) => huge(i + 1));
    const team = homeTeamBlocks({
      open,
      openTotal: 5000,
      duty: Array.from({ length: 40 }, (_, i) => duty({ title: `Squad ${i} gardener` })),
      week: report,
      timeZone: TZ,
    });
    const view = homeView({ userId: 'UME', yours: open.slice(0, 15), yoursTotal: open.length, team, now: NOW, timeZone: TZ });
    assertWithinLimits(view.blocks, 100);
    const all = texts(view.blocks as Array<{ text?: { text: string } }>);
    assert.ok(all.includes('…and 985 more'), 'fifteen listed, the rest counted');
    assert.ok(all.includes('_SLA states counted over the 1000 most urgent of 5000 open tickets._'));
    assert.ok(all.includes('*Oldest unowned* (500 unowned)'));
    assert.ok(!all.includes('<&>'), 'titles escaped');
  });

  it('lists your tickets most urgent first: breached, due soon, on track, waiting; then the least time left', () => {
    const list = [
      ticket(1, { state: 'paused', minutesLeft: 5 }),
      ticket(2, { state: 'on_track', minutesLeft: 100 }),
      ticket(3, { state: 'breached', minutesLeft: -30 }),
      ticket(4, { state: 'on_track', minutesLeft: 50 }),
      ticket(5, { state: 'at_risk', minutesLeft: 10 }),
      ticket(6, { state: 'breached', minutesLeft: -90 }),
    ];
    assert.deepEqual(
      [...list].sort(byUrgency).map((t) => t.view.id),
      [6, 3, 5, 4, 2, 1],
    );
  });

  it('says whose each of your tickets is, and links it to its thread', () => {
    const view = homeView({
      userId: 'UME',
      yours: [ticket(7, { ownerId: 'UME' }), ticket(8, { ownerId: 'UBOB' }), ticket(9)],
      yoursTotal: 3,
      team: [],
      now: NOW,
      timeZone: TZ,
    });
    const all = texts(view.blocks as Array<{ text?: { text: string } }>);
    assert.match(all, /\*Yours: 3 open tickets\* you filed or own/);
    assert.match(
      all,
      /• \*<https:\/\/acme\.slack\.com\/archives\/C0SUPPORT\/p7\|#7>\* P2 Ticket 7 — in progress · SLA on track: .* · you own it/,
    );
    assert.match(all, /#8>\* .* · owner <@UBOB>/);
    assert.match(all, /#9>\* .* — open · .* · nobody owns it yet/);
    const empty = homeView({ userId: 'UME', yours: [], yoursTotal: 0, team: [], now: NOW, timeZone: TZ });
    assert.ok(texts(empty.blocks as Array<{ text?: { text: string } }>).includes('*Yours*: nothing open that you filed or own.'));
  });

  it('counts the team by priority and SLA state, and names the oldest unowned', () => {
    const team = homeTeamBlocks({
      open: [
        ticket(1, { priority: 'P1', state: 'breached', minutesLeft: -5 }),
        ticket(2, { priority: 'P1', state: 'at_risk', minutesLeft: 5, ownerId: 'UME' }),
        ticket(3, { priority: 'P3', state: 'paused', status: 'waiting' }),
      ],
      openTotal: 3,
      duty: [],
      week: report,
      timeZone: TZ,
    });
    const all = texts(team as Array<{ text?: { text: string } }>);
    assert.ok(all.includes('*P1*: 2 open — 0 on track · 1 due soon · 1 breached · 0 waiting'));
    assert.ok(all.includes('*P2*: 0 open — 0 on track · 0 due soon · 0 breached · 0 waiting'));
    assert.ok(all.includes('*P3*: 1 open — 0 on track · 0 due soon · 0 breached · 1 waiting'));
    // Ticket 3 was opened after ticket 1 (openedAt counts back from now by id): the oldest first.
    assert.match(all, /\*Oldest unowned\* \(2 unowned\)\n• .*#3>.*\n• .*#1>/);
    assert.ok(all.includes('No rotations are configured.'));
    assert.ok(!all.includes('SLA states counted over'), 'every open ticket counted');
  });

  it('names who is on duty as mentions with the next handoff; on call in business hours names both', () => {
    const team = homeTeamBlocks({
      open: [],
      openTotal: 0,
      duty: [
        duty({ title: 'On call', untilThen: 'UDAY', holder: 'UNIGHT', from: new Date('2026-11-24T18:00:00Z') }),
        duty({ holder: null, upcoming: [] }),
      ],
      week: report,
      timeZone: TZ,
    });
    const all = texts(team as Array<{ text?: { text: string } }>);
    assert.match(
      all,
      /\*On call\*: <@UDAY> now \(business hours\); <@UNIGHT> is paged out of hours from <!date\^\d+\^[^|]+\|Tue 24 Nov 18:00 GMT> · next handoff <!date\^\d+\^[^|]+\|Mon 30 Nov 09:00 GMT> → <@UGARD2>/,
    );
    assert.ok(all.includes('*Payments gardener*: _nobody_ now · no handoffs ahead'));
    assert.ok(all.includes('*Oldest unowned*: none, every open ticket has an owner.'));
  });

  it("shows this week's headline figures named in words, with units", () => {
    const all = texts(
      homeTeamBlocks({ open: [], openTotal: 0, duty: [], week: report, timeZone: TZ }) as Array<{ text?: { text: string } }>,
    );
    assert.ok(all.includes('*This week* (last 7 days)'));
    assert.match(all, /tickets opened: 4 ▲.* \(P1 0 · P2 4 · P3 0\)/);
    assert.ok(all.includes('time to resolve, median: P1 — · P2 1.5 h · P3 —'), all);
    assert.ok(all.includes('SLA met: P1 — · P2 50 % (1 of 2) · P3 —'), all);
    assert.match(all, /first response: average 12 min, median 12 min, p90 20 min \(2 tickets\)/);
    assert.match(all, /change failure rate 12 % \(3 of 25 deploys\).* · DORA 2023: \*medium\*/);
    assert.ok(all.includes('time to restore: no incidents resolved'));
  });
});
