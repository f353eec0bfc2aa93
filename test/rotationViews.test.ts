// Rotation messages at their largest still fit Slack's limits, and user text shows verbatim.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dutyReportMessage, handoffAnnouncement, lineSections, payReportMessage, type HandoffView } from '../src/messages/rotationViews.js';
import { assertWithinLimits } from './support/blockKit.js';

const words = { title: 'Payments gardener', role: 'the Payments gardener', configPath: 'squads.payments.gardener.members' };

describe('rotation views', () => {
  it('packs lines into as few sections as fit, never splitting a line', () => {
    const lines = Array.from({ length: 100 }, (_, i) => `line ${i} ${'x'.repeat(90)}`);
    const sections = lineSections(lines) as Array<{ text: { text: string } }>;
    assert.ok(sections.length < 5);
    assert.deepEqual(
      sections.flatMap((s) => s.text.text.split('\n')),
      lines,
    );
    assertWithinLimits(sections, 50);
  });

  it('a handoff with many long tickets and notes stays within limits and shows the newest notes verbatim', () => {
    const view: HandoffView = {
      ...words,
      user: 'UNEW',
      previous: 'UOLD',
      at: new Date('2026-11-30T09:00:00Z'),
      tickets: Array.from({ length: 15 }, (_, i) => `*#${i}* P2 ${'t'.repeat(150)} — open · SLA on track`),
      moreTickets: 40,
      notes: Array.from({ length: 30 }, (_, i) => ({ authorId: 'UOLD', text: `note ${i} <b>&${'n'.repeat(3000)}` })),
      usergroupId: 'SGARDPAY',
      timeZone: 'Europe/London',
    };
    const message = handoffAnnouncement(view);
    assertWithinLimits(message.blocks!, 50);
    assert.ok(message.text.length <= 4000);
    const blocks = JSON.stringify(message.blocks);
    assert.ok(blocks.includes('note 29 &lt;b&gt;&amp;'), 'escaped, so it shows as typed');
    assert.ok(!blocks.includes('note 19 '), 'only the 10 newest notes');
    assert.ok(blocks.includes('20 earlier notes not shown'));
    assert.ok(blocks.includes('…and 40 more.'));
  });

  it('many squads in one duty report stay within 50 blocks', () => {
    const views = Array.from({ length: 80 }, (_, i) => ({
      ...words,
      title: `Squad ${i} gardener`,
      holder: `U${i}`,
      from: new Date('2026-11-24T10:00:00Z'),
      upcoming: [1, 2, 3].map((k) => ({ at: new Date(Date.UTC(2026, 10, 24 + 7 * k, 9)), user: `U${k}` })),
      timeZone: 'Europe/London',
    }));
    assertWithinLimits(dutyReportMessage(views).blocks!, 50);
  });

  it('a pay report for a big team stays within limits', () => {
    const rows = Array.from({ length: 300 }, (_, i) => ({
      user: `U${i}`,
      outOfHoursHours: 123.456,
      weekendOrHolidayHours: 48,
      shifts: 4,
      pages: 2,
      pay: 1234.5,
    }));
    const message = payReportMessage({
      month: '2026-12',
      rows,
      rates: { currency: 'EUR', hourlyRate: 5, calloutFee: 50, weekendMultiplier: 1.5, holidayMultiplier: 2 },
      timeZone: 'Europe/London',
    });
    assertWithinLimits(message.blocks!, 50);
    assert.ok(message.text.length <= 4000);
    assert.ok(message.text.includes('• <@U0>: 123.46 h out of hours (48 h weekend/holiday), 4 shifts, 2 pages → *1234.50 EUR*'));
  });
});
