import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatDeployWindows, insideDeployWindows, parseDeployWindow, type DeployWindow } from '../../src/domain/deployWindow.js';

const AMSTERDAM = 'Europe/Amsterdam';
function windows(...specs: string[]): DeployWindow[] {
  return specs.map((s) => {
    const r = parseDeployWindow(s);
    assert.ok(r.ok, s);
    return r.value;
  });
}
const inside = (w: DeployWindow[], iso: string, zone = AMSTERDAM) => insideDeployWindows(w, new Date(iso), zone);

describe('parseDeployWindow', () => {
  it('reads a day range or one day with a local time range, like the handoffs', () => {
    assert.deepEqual(windows('mon-thu 10:00-16:00')[0], { days: [1, 2, 3, 4], start: 600, end: 960 });
    assert.deepEqual(windows(' Fri 9:30 - 12:00 ')[0], { days: [5], start: 570, end: 720 });
    assert.deepEqual(windows('sat-mon 08:00-20:00')[0]!.days, [6, 7, 1], 'a range may wrap over the weekend');
  });

  it('refuses what it cannot run, saying what it expects', () => {
    for (const spec of ['mon 10:00', 'mon-thu', 'xyz 10:00-12:00', 'mon 10:00-25:00', 'mon-thu 10:00-16', '']) {
      const r = parseDeployWindow(spec);
      assert.ok(!r.ok, spec);
      assert.match(r.error, /expected "<day>\[-<day>\] HH:mm-HH:mm", e\.g\. "mon-thu 10:00-16:00"/);
    }
    const backwards = parseDeployWindow('mon 16:00-10:00');
    assert.ok(!backwards.ok);
    assert.match(backwards.error, /the end time must be after the start time/);
  });

  it('formats windows as people write them', () => {
    assert.equal(formatDeployWindows(windows('mon-thu 10:00-16:00', 'fri 10:00-12:00')), 'Mon–Thu 10:00–16:00, Fri 10:00–12:00');
  });
});

describe('insideDeployWindows', () => {
  const weekdays = windows('mon-thu 10:00-16:00', 'fri 10:00-12:00');

  it('no windows: every time is inside', () => {
    assert.equal(inside([], '2026-11-29T03:00:00Z'), true);
  });

  it('start inclusive, end exclusive, on the listed days only', () => {
    assert.equal(inside(weekdays, '2026-11-23T09:00:00Z'), true, 'Mon 10:00 CET');
    assert.equal(inside(weekdays, '2026-11-23T14:59:00Z'), true, 'Mon 15:59');
    assert.equal(inside(weekdays, '2026-11-23T15:00:00Z'), false, 'Mon 16:00');
    assert.equal(inside(weekdays, '2026-11-27T11:30:00Z'), false, 'Fri 12:30');
    assert.equal(inside(weekdays, '2026-11-28T10:00:00Z'), false, 'Sat');
  });

  it('keeps local hours across the spring change (last Sunday of March)', () => {
    // 08:30 UTC is 09:30 CET the Monday before and 10:30 CEST the Monday after.
    assert.equal(inside(weekdays, '2026-03-23T08:30:00Z'), false);
    assert.equal(inside(weekdays, '2026-03-30T08:30:00Z'), true);
    // On the night itself 02:00–03:00 does not exist; 03:30 CEST is 01:30 UTC.
    const night = windows('sun 03:00-04:00');
    assert.equal(inside(night, '2026-03-29T00:30:00Z'), false, '01:30 CET');
    assert.equal(inside(night, '2026-03-29T01:30:00Z'), true, '03:30 CEST');
  });

  it('keeps local hours across the autumn change (last Sunday of October), including the repeated hour', () => {
    // 14:30 UTC is 16:30 CEST the Monday before and 15:30 CET the Monday after.
    assert.equal(inside(weekdays, '2026-10-19T14:30:00Z'), false);
    assert.equal(inside(weekdays, '2026-10-26T14:30:00Z'), true);
    const night = windows('sun 02:00-03:00');
    assert.equal(inside(night, '2026-10-25T00:30:00Z'), true, '02:30 CEST');
    assert.equal(inside(night, '2026-10-25T01:30:00Z'), true, '02:30 CET, the hour again');
    assert.equal(inside(night, '2026-10-25T02:00:00Z'), false, '03:00 CET');
  });
});
