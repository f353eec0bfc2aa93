import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BusinessCalendar } from '../../src/domain/calendar.js';
import {
  countedMinutes,
  dueAt,
  formatDuration,
  instantAtMinutes,
  minutesLeft,
  reminderAt,
  slaState,
  type Pause,
  type SlaInput,
  type SlaState,
} from '../../src/domain/sla.js';

const london: BusinessCalendar = {
  timeZone: 'Europe/London',
  workingDays: [1, 2, 3, 4, 5],
  start: '09:00',
  end: '18:00',
  holidays: [],
};
const londonDaily: BusinessCalendar = { ...london, workingDays: [1, 2, 3, 4, 5, 6, 7] };
const newYork: BusinessCalendar = { ...london, timeZone: 'America/New_York' };

const d = (iso: string) => new Date(iso);
const iso = (t: Date | null) => (t === null ? null : t.toISOString());
const pause = (from: string, to: string | null): Pause => ({ from: d(from), to: to === null ? null : d(to) });

/** P1: one hour, round the clock. */
const p1 = (startedAt: string, pauses: Pause[] = [], calendar = london): SlaInput => ({
  startedAt: d(startedAt),
  policy: { targetMinutes: 60, businessHoursOnly: false },
  calendar,
  pauses,
});
/** P2: three business hours. */
const p2 = (startedAt: string, pauses: Pause[] = [], calendar = london): SlaInput => ({
  startedAt: d(startedAt),
  policy: { targetMinutes: 180, businessHoursOnly: true },
  calendar,
  pauses,
});

describe('dueAt', () => {
  const cases: Array<[string, SlaInput, string | null]> = [
    ['24/7 P1 one hour', p1('2026-01-10T03:15:00.000Z'), '2026-01-10T04:15:00.000Z'],
    // 00:30 GMT + 60 real minutes = 02:30 BST: the wall clock shows two hours.
    ['24/7 across London spring-forward', p1('2026-03-29T00:30:00.000Z'), '2026-03-29T01:30:00.000Z'],
    // 01:30 BST + 60 real minutes = 01:30 GMT: the wall clock shows no change.
    ['24/7 across London fall-back', p1('2026-10-25T00:30:00.000Z'), '2026-10-25T01:30:00.000Z'],
    ['24/7 across New York spring-forward', p1('2026-03-08T06:30:00.000Z', [], newYork), '2026-03-08T07:30:00.000Z'],
    ['24/7 across New York fall-back', p1('2026-11-01T05:30:00.000Z', [], newYork), '2026-11-01T06:30:00.000Z'],
    ['P2 filed Friday 17:59 GMT → Monday 11:59', p2('2026-01-09T17:59:00.000Z'), '2026-01-12T11:59:00.000Z'],
    ['P2 filed Friday 17:59 BST → Monday 11:59 BST', p2('2026-06-05T16:59:00.000Z'), '2026-06-08T10:59:00.000Z'],
    ['P2 filed on Saturday → Monday 12:00', p2('2026-01-10T10:00:00.000Z'), '2026-01-12T12:00:00.000Z'],
    [
      'P2 holiday Monday pushes to Tuesday',
      p2('2026-05-01T16:00:00.000Z', [], { ...london, holidays: ['2026-05-04'] }),
      '2026-05-05T10:00:00.000Z',
    ],
    ['P2 over London spring-forward weekend', p2('2026-03-27T17:00:00.000Z'), '2026-03-30T10:00:00.000Z'],
    ['P2 over London fall-back weekend', p2('2026-10-23T16:00:00.000Z'), '2026-10-26T11:00:00.000Z'],
    ['P2 over New York spring-forward weekend', p2('2026-03-06T22:00:00.000Z', [], newYork), '2026-03-09T15:00:00.000Z'],
    ['P2 over New York fall-back weekend', p2('2026-10-30T21:00:00.000Z', [], newYork), '2026-11-02T16:00:00.000Z'],
    [
      'business 9 h on the London spring-forward Sunday',
      { ...p2('2026-03-29T07:00:00.000Z', [], londonDaily), policy: { targetMinutes: 540, businessHoursOnly: true } },
      '2026-03-29T17:00:00.000Z',
    ],
    [
      'business 9 h on the London fall-back Sunday',
      { ...p2('2026-10-25T07:00:00.000Z', [], londonDaily), policy: { targetMinutes: 540, businessHoursOnly: true } },
      '2026-10-25T18:00:00.000Z',
    ],
    [
      '24/7 closed pause extends due by its length',
      p1('2026-01-05T10:00:00.000Z', [pause('2026-01-05T10:20:00.000Z', '2026-01-05T10:50:00.000Z')]),
      '2026-01-05T11:30:00.000Z',
    ],
    // The pause covers 480 business minutes (Mon 10:00–18:00), so due moves from Mon 12:00 to Tue 11:00.
    [
      'P2 closed pause extends due by paused business minutes',
      p2('2026-01-05T09:00:00.000Z', [pause('2026-01-05T10:00:00.000Z', '2026-01-05T20:00:00.000Z')]),
      '2026-01-06T11:00:00.000Z',
    ],
    [
      'P2 pause entirely out of hours changes nothing',
      p2('2026-01-09T17:59:00.000Z', [pause('2026-01-10T00:00:00.000Z', '2026-01-11T23:00:00.000Z')]),
      '2026-01-12T11:59:00.000Z',
    ],
    [
      'overlapping pauses, one starting before startedAt',
      p1('2026-01-05T10:00:00.000Z', [
        pause('2026-01-05T10:30:00.000Z', '2026-01-05T10:40:00.000Z'),
        pause('2026-01-05T09:00:00.000Z', '2026-01-05T10:10:00.000Z'),
        pause('2026-01-05T10:05:00.000Z', '2026-01-05T10:20:00.000Z'),
      ]),
      '2026-01-05T11:30:00.000Z',
    ],
    [
      'pause inside another pause',
      p1('2026-01-05T10:00:00.000Z', [
        pause('2026-01-05T10:10:00.000Z', '2026-01-05T10:40:00.000Z'),
        pause('2026-01-05T10:15:00.000Z', '2026-01-05T10:20:00.000Z'),
      ]),
      '2026-01-05T11:30:00.000Z',
    ],
    [
      'inverted pause is ignored',
      p1('2026-01-05T10:00:00.000Z', [pause('2026-01-05T10:30:00.000Z', '2026-01-05T10:10:00.000Z')]),
      '2026-01-05T11:00:00.000Z',
    ],
    ['open pause before due → clock stopped', p1('2026-01-05T10:00:00.000Z', [pause('2026-01-05T10:30:00.000Z', null)]), null],
    ['open pause before start → clock stopped', p2('2026-01-05T10:00:00.000Z', [pause('2026-01-05T09:00:00.000Z', null)]), null],
    [
      'open pause after due → due unaffected',
      p1('2026-01-05T10:00:00.000Z', [pause('2026-01-05T12:00:00.000Z', null)]),
      '2026-01-05T11:00:00.000Z',
    ],
    [
      'open pause starting exactly at due → due reached',
      p1('2026-01-05T10:00:00.000Z', [pause('2026-01-05T11:00:00.000Z', null)]),
      '2026-01-05T11:00:00.000Z',
    ],
    [
      'P2 open pause starting after due → due unaffected',
      p2('2026-01-09T17:59:00.000Z', [pause('2026-01-12T12:00:00.000Z', null)]),
      '2026-01-12T11:59:00.000Z',
    ],
    [
      'closed then open pause, due falls between',
      p1('2026-01-05T10:00:00.000Z', [
        pause('2026-01-05T10:10:00.000Z', '2026-01-05T10:20:00.000Z'),
        pause('2026-01-05T11:30:00.000Z', null),
      ]),
      '2026-01-05T11:10:00.000Z',
    ],
  ];
  for (const [name, input, expected] of cases) {
    it(name, () => assert.equal(iso(dueAt(input)), expected));
  }

  it('counted minutes at the due instant equal the target', () => {
    for (const [name, input, expected] of cases) {
      if (expected === null) continue;
      assert.equal(countedMinutes(input, d(expected)), input.policy.targetMinutes, name);
    }
  });
});

describe('reminderAt', () => {
  const cases: Array<[string, SlaInput, number | undefined, string | null]> = [
    ['24/7 at 75% of 60 min', p1('2026-01-05T10:00:00.000Z'), undefined, '2026-01-05T10:45:00.000Z'],
    ['P2 Friday 17:59 at 75% of 180 → Monday 11:14', p2('2026-01-09T17:59:00.000Z'), undefined, '2026-01-12T11:14:00.000Z'],
    ['P2 at 50%', p2('2026-01-09T17:59:00.000Z'), 0.5, '2026-01-12T10:29:00.000Z'],
    [
      'fraction of a minute is kept (75% of 45 min = 33:45)',
      { ...p1('2026-01-05T10:00:00.000Z'), policy: { targetMinutes: 45, businessHoursOnly: false } },
      0.75,
      '2026-01-05T10:33:45.000Z',
    ],
    [
      'shifted by a closed pause',
      p1('2026-01-05T10:00:00.000Z', [pause('2026-01-05T10:20:00.000Z', '2026-01-05T10:50:00.000Z')]),
      undefined,
      '2026-01-05T11:15:00.000Z',
    ],
    ['open pause before it → null', p1('2026-01-05T10:00:00.000Z', [pause('2026-01-05T10:30:00.000Z', null)]), undefined, null],
  ];
  for (const [name, input, fraction, expected] of cases) {
    it(name, () => assert.equal(iso(reminderAt(input, fraction)), expected));
  }

  for (const bad of [0, 1.5, Number.NaN]) {
    it(`rejects fraction ${bad}`, () => assert.throws(() => reminderAt(p1('2026-01-05T10:00:00.000Z'), bad), RangeError));
  }
});

describe('instantAtMinutes', () => {
  it('zero minutes is startedAt, even out of hours', () => {
    assert.equal(iso(instantAtMinutes(p2('2026-01-10T10:00:00.000Z'), 0)), '2026-01-10T10:00:00.000Z');
  });
  it('rejects negative minutes', () => {
    assert.throws(() => instantAtMinutes(p1('2026-01-05T10:00:00.000Z'), -1), RangeError);
  });
});

describe('countedMinutes', () => {
  const cases: Array<[string, SlaInput, string, number]> = [
    ['now before start', p1('2026-01-05T10:00:00.000Z'), '2026-01-05T09:00:00.000Z', 0],
    ['now equal to start', p1('2026-01-05T10:00:00.000Z'), '2026-01-05T10:00:00.000Z', 0],
    // The wall clock goes 23:00 GMT → 04:00 BST, five local hours, but four real ones.
    ['24/7 over London spring-forward night', p1('2026-03-28T23:00:00.000Z'), '2026-03-29T03:00:00.000Z', 240],
    ['24/7 over London fall-back night', p1('2026-10-24T23:00:00.000Z'), '2026-10-25T03:00:00.000Z', 240],
    ['business minutes across a weekend', p2('2026-01-09T17:00:00.000Z'), '2026-01-12T10:30:00.000Z', 60 + 90],
    ['business minutes, seconds kept', p2('2026-01-05T09:00:00.000Z'), '2026-01-05T09:00:30.000Z', 0.5],
    [
      'inside an open pause the count is frozen',
      p1('2026-01-05T10:00:00.000Z', [pause('2026-01-05T10:30:00.000Z', null)]),
      '2026-01-06T10:00:00.000Z',
      30,
    ],
    [
      'overlapping pauses are not subtracted twice',
      p1('2026-01-05T10:00:00.000Z', [
        pause('2026-01-05T10:30:00.000Z', '2026-01-05T10:40:00.000Z'),
        pause('2026-01-05T09:00:00.000Z', '2026-01-05T10:10:00.000Z'),
        pause('2026-01-05T10:05:00.000Z', '2026-01-05T10:20:00.000Z'),
      ]),
      '2026-01-05T11:00:00.000Z',
      10 + 20,
    ],
    [
      'business pause only subtracts business time',
      p2('2026-01-05T09:00:00.000Z', [pause('2026-01-05T17:00:00.000Z', '2026-01-06T10:00:00.000Z')]),
      '2026-01-06T11:00:00.000Z',
      480 + 60,
    ],
  ];
  for (const [name, input, now, expected] of cases) {
    it(name, () => assert.equal(countedMinutes(input, d(now)), expected));
  }
});

describe('slaState', () => {
  const start = '2026-01-05T10:00:00.000Z';
  const cases: Array<[string, SlaInput, string, SlaState]> = [
    ['fresh ticket', p1(start), '2026-01-05T10:00:00.000Z', 'on_track'],
    ['1 ms before 75%', p1(start), '2026-01-05T10:44:59.999Z', 'on_track'],
    ['exactly 75%', p1(start), '2026-01-05T10:45:00.000Z', 'at_risk'],
    ['1 ms before target', p1(start), '2026-01-05T10:59:59.999Z', 'at_risk'],
    ['exactly at target', p1(start), '2026-01-05T11:00:00.000Z', 'breached'],
    ['long after target', p1(start), '2026-01-07T11:00:00.000Z', 'breached'],
    ['inside an open pause', p1(start, [pause('2026-01-05T10:10:00.000Z', null)]), '2026-01-05T12:00:00.000Z', 'paused'],
    ['paused beats at_risk', p1(start, [pause('2026-01-05T10:50:00.000Z', null)]), '2026-01-05T12:00:00.000Z', 'paused'],
    ['breach before a pause stays breached', p1(start, [pause('2026-01-05T11:30:00.000Z', null)]), '2026-01-05T12:00:00.000Z', 'breached'],
    [
      'inside a closed pause that ends later',
      p1(start, [pause('2026-01-05T10:10:00.000Z', '2026-01-05T13:00:00.000Z')]),
      '2026-01-05T12:00:00.000Z',
      'paused',
    ],
    [
      'at the end of a closed pause the clock runs again',
      p1(start, [pause('2026-01-05T10:10:00.000Z', '2026-01-05T13:00:00.000Z')]),
      '2026-01-05T13:00:00.000Z',
      'on_track',
    ],
    [
      'after a closed pause, counting resumes',
      p1(start, [pause('2026-01-05T10:10:00.000Z', '2026-01-05T13:00:00.000Z')]),
      '2026-01-05T13:40:00.000Z',
      'at_risk',
    ],
    ['open pause not yet begun', p1(start, [pause('2026-01-05T10:30:00.000Z', null)]), '2026-01-05T10:20:00.000Z', 'on_track'],
    ['P2 over the weekend does not breach', p2('2026-01-09T17:59:00.000Z'), '2026-01-11T23:00:00.000Z', 'on_track'],
    ['P2 at Monday 11:14 is at risk', p2('2026-01-09T17:59:00.000Z'), '2026-01-12T11:14:00.000Z', 'at_risk'],
    ['P2 at Monday 11:59 is breached', p2('2026-01-09T17:59:00.000Z'), '2026-01-12T11:59:00.000Z', 'breached'],
  ];
  for (const [name, input, now, expected] of cases) {
    it(name, () => assert.equal(slaState(input, d(now)), expected));
  }

  it('custom at-risk fraction', () => {
    assert.equal(slaState(p1(start), d('2026-01-05T10:30:00.000Z'), 0.5), 'at_risk');
    assert.equal(slaState(p1(start), d('2026-01-05T10:29:59.999Z'), 0.5), 'on_track');
  });

  it('is at risk exactly at reminderAt, for an awkward fraction', () => {
    const input = { ...p1(start), policy: { targetMinutes: 47, businessHoursOnly: false } };
    const reminder = reminderAt(input, 0.7);
    assert.ok(reminder);
    assert.equal(slaState(input, reminder, 0.7), 'at_risk');
    assert.equal(slaState(input, new Date(reminder.getTime() - 1), 0.7), 'on_track');
  });
});

describe('minutesLeft', () => {
  const cases: Array<[string, SlaInput, string, number]> = [
    ['before start', p1('2026-01-05T10:00:00.000Z'), '2026-01-05T09:00:00.000Z', 60],
    ['15 min left', p1('2026-01-05T10:00:00.000Z'), '2026-01-05T10:45:00.000Z', 15],
    ['overdue by 30', p1('2026-01-05T10:00:00.000Z'), '2026-01-05T11:30:00.000Z', -30],
    ['P2 over the weekend', p2('2026-01-09T17:59:00.000Z'), '2026-01-12T09:30:00.000Z', 180 - 1 - 30],
  ];
  for (const [name, input, now, expected] of cases) {
    it(name, () => assert.equal(minutesLeft(input, d(now)), expected));
  }
});

describe('formatDuration', () => {
  const cases: Array<[number, string]> = [
    [0, '0 min'],
    [0.4, '0 min'],
    [-0.4, '0 min'],
    [1, '1 min'],
    [44.4, '44 min'],
    [45, '45 min'],
    [59.6, '1 h'],
    [60, '1 h'],
    [125, '2 h 5 min'],
    [1439, '23 h 59 min'],
    [1440, '1 d'],
    [1620, '1 d 3 h'],
    [1679, '1 d 3 h'],
    [90 * 1440 + 60, '90 d 1 h'],
    [-15, '15 min'],
    [-125, '2 h 5 min'],
  ];
  for (const [minutes, expected] of cases) {
    it(`${minutes} → ${expected}`, () => assert.equal(formatDuration(minutes), expected));
  }

  it('rejects non-finite input', () => assert.throws(() => formatDuration(Number.NaN), RangeError));
});
