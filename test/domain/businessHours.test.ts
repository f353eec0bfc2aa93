import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  addBusinessMinutes,
  businessIntervals,
  businessIntervalsFrom,
  businessMinutesBetween,
  isBusinessTime,
  nextBusinessBoundary,
  nextBusinessStart,
} from '../../src/domain/businessHours.js';
import type { BusinessCalendar } from '../../src/domain/calendar.js';

// 2026 DST changes: London 03-29 (spring) / 10-25 (fall); New York 03-08 / 11-01. All Sundays,
// so the DST cases use calendars open every day to make the change day a working day.
const london: BusinessCalendar = {
  timeZone: 'Europe/London',
  workingDays: [1, 2, 3, 4, 5],
  start: '09:00',
  end: '18:00',
  holidays: [],
};
const londonDaily: BusinessCalendar = { ...london, workingDays: [1, 2, 3, 4, 5, 6, 7] };
const londonWithMayHoliday: BusinessCalendar = { ...london, holidays: ['2026-05-04'] };
const newYorkDaily: BusinessCalendar = { ...londonDaily, timeZone: 'America/New_York' };
// Santiago springs forward at midnight (2026-09-06 00:00 → 01:00), so a night shift loses its first hour.
const santiagoNights: BusinessCalendar = { ...londonDaily, timeZone: 'America/Santiago', start: '00:00', end: '08:00' };
// London's 01:00–02:00 does not exist on 2026-03-29, so a calendar open only then has no time that day.
const londonGapHour: BusinessCalendar = { ...londonDaily, start: '01:00', end: '02:00' };

const d = (iso: string) => new Date(iso);
const iso = (t: Date) => t.toISOString();

describe('isBusinessTime', () => {
  const cases: Array<[string, BusinessCalendar, string, boolean]> = [
    ['opening instant (winter, GMT)', london, '2026-01-05T09:00:00.000Z', true],
    ['1 ms before opening', london, '2026-01-05T08:59:59.999Z', false],
    ['last minute of the day', london, '2026-01-05T17:59:59.999Z', true],
    ['closing instant is excluded', london, '2026-01-05T18:00:00.000Z', false],
    ['summer opening is 08:00Z (09:00 BST)', london, '2026-06-01T08:00:00.000Z', true],
    ['summer 17:00Z is 18:00 BST, closed', london, '2026-06-01T17:00:00.000Z', false],
    ['Saturday', london, '2026-01-10T12:00:00.000Z', false],
    ['holiday Monday', londonWithMayHoliday, '2026-05-04T10:00:00.000Z', false],
    ['London spring-forward Sunday 08:00Z = 09:00 BST', londonDaily, '2026-03-29T08:00:00.000Z', true],
    ['London spring-forward Sunday 17:00Z = 18:00 BST', londonDaily, '2026-03-29T17:00:00.000Z', false],
    ['London fall-back Sunday 08:59Z = 08:59 GMT', londonDaily, '2026-10-25T08:59:00.000Z', false],
    ['London fall-back Sunday 17:59Z = 17:59 GMT', londonDaily, '2026-10-25T17:59:00.000Z', true],
    ['New York spring-forward Sunday 13:00Z = 09:00 EDT', newYorkDaily, '2026-03-08T13:00:00.000Z', true],
    ['New York day before spring-forward 13:00Z = 08:00 EST', newYorkDaily, '2026-03-07T13:00:00.000Z', false],
    ['New York fall-back Sunday 13:59Z = 08:59 EST', newYorkDaily, '2026-11-01T13:59:00.000Z', false],
    ['New York fall-back Sunday 22:59Z = 17:59 EST', newYorkDaily, '2026-11-01T22:59:00.000Z', true],
  ];
  for (const [name, cal, at, expected] of cases) {
    it(name, () => assert.equal(isBusinessTime(cal, d(at)), expected));
  }
});

describe('businessMinutesBetween', () => {
  const cases: Array<[string, BusinessCalendar, string, string, number]> = [
    ['partial day into next day', london, '2026-01-05T10:30:00.000Z', '2026-01-06T10:00:00.000Z', 450 + 60],
    ['Friday close to Monday open', london, '2026-01-09T18:00:00.000Z', '2026-01-12T09:00:00.000Z', 0],
    ['to before from', london, '2026-01-06T10:00:00.000Z', '2026-01-05T10:00:00.000Z', 0],
    ['to equal to from', london, '2026-01-05T10:00:00.000Z', '2026-01-05T10:00:00.000Z', 0],
    ['seconds are kept exactly', london, '2026-01-05T09:00:00.000Z', '2026-01-05T09:00:30.000Z', 0.5],
    ['London spring-forward day is still 9 h', londonDaily, '2026-03-29T00:00:00.000Z', '2026-03-30T00:00:00.000Z', 540],
    ['London fall-back day is still 9 h', londonDaily, '2026-10-25T00:00:00.000Z', '2026-10-26T00:00:00.000Z', 540],
    ['New York spring-forward day is still 9 h', newYorkDaily, '2026-03-08T05:00:00.000Z', '2026-03-09T04:00:00.000Z', 540],
    ['New York fall-back day is still 9 h', newYorkDaily, '2026-11-01T04:00:00.000Z', '2026-11-02T05:00:00.000Z', 540],
    ['Santiago: an opening inside the DST gap moves to 01:00', santiagoNights, '2026-09-06T00:00:00.000Z', '2026-09-07T00:00:00.000Z', 420],
    // 2026-01-05 (Mon) + 90 days: 12 full weeks, then Mon–Sat; the DST change is inside.
    ['90 days', london, '2026-01-05T00:00:00.000Z', '2026-04-05T00:00:00.000Z', 65 * 540],
    [
      '90 days with Good Friday off',
      { ...london, holidays: ['2026-04-03'] },
      '2026-01-05T00:00:00.000Z',
      '2026-04-05T00:00:00.000Z',
      64 * 540,
    ],
  ];
  for (const [name, cal, from, to, expected] of cases) {
    it(name, () => assert.equal(businessMinutesBetween(cal, d(from), d(to)), expected));
  }
});

describe('addBusinessMinutes', () => {
  const cases: Array<[string, BusinessCalendar, string, number, string]> = [
    ['Friday 17:59 GMT + 3 h → Monday 11:59', london, '2026-01-09T17:59:00.000Z', 180, '2026-01-12T11:59:00.000Z'],
    ['Friday 17:59 BST + 3 h → Monday 11:59 BST', london, '2026-06-05T16:59:00.000Z', 180, '2026-06-08T10:59:00.000Z'],
    ['from Saturday counts from Monday opening', london, '2026-01-10T12:00:00.000Z', 60, '2026-01-12T10:00:00.000Z'],
    ['from before opening', london, '2026-01-05T07:00:00.000Z', 30, '2026-01-05T09:30:00.000Z'],
    ['holiday Monday pushes to Tuesday', londonWithMayHoliday, '2026-05-01T16:00:00.000Z', 120, '2026-05-05T09:00:00.000Z'],
    ['ending exactly at closing gives closing, not next morning', london, '2026-01-05T15:00:00.000Z', 180, '2026-01-05T18:00:00.000Z'],
    ['one minute past closing rolls to next morning', london, '2026-01-05T15:00:00.000Z', 181, '2026-01-06T09:01:00.000Z'],
    ['zero minutes in hours → from', london, '2026-01-05T10:00:00.000Z', 0, '2026-01-05T10:00:00.000Z'],
    ['zero minutes out of hours → from unchanged', london, '2026-01-10T12:00:00.000Z', 0, '2026-01-10T12:00:00.000Z'],
    ['fractional minutes', london, '2026-01-05T09:00:00.000Z', 1.5, '2026-01-05T09:01:30.000Z'],
    ['London into spring-forward Sunday', londonDaily, '2026-03-28T17:00:00.000Z', 120, '2026-03-29T09:00:00.000Z'],
    ['London spring-forward day fully used', londonDaily, '2026-03-29T08:00:00.000Z', 540, '2026-03-29T17:00:00.000Z'],
    ['London spring-forward day plus one minute', londonDaily, '2026-03-29T08:00:00.000Z', 541, '2026-03-30T08:01:00.000Z'],
    ['London into fall-back Sunday', londonDaily, '2026-10-24T16:00:00.000Z', 120, '2026-10-25T10:00:00.000Z'],
    ['New York into spring-forward Sunday', newYorkDaily, '2026-03-07T22:00:00.000Z', 120, '2026-03-08T14:00:00.000Z'],
    ['New York into fall-back Sunday', newYorkDaily, '2026-10-31T21:00:00.000Z', 120, '2026-11-01T15:00:00.000Z'],
    ['weekday calendar over London spring-forward weekend', london, '2026-03-27T17:00:00.000Z', 180, '2026-03-30T10:00:00.000Z'],
  ];
  for (const [name, cal, from, minutes, expected] of cases) {
    it(name, () => assert.equal(iso(addBusinessMinutes(cal, d(from), minutes)), expected));
  }

  it('inverts businessMinutesBetween', () => {
    const from = d('2026-03-20T11:17:00.000Z');
    for (const minutes of [1, 59, 540, 541, 2000, 10_000]) {
      assert.equal(businessMinutesBetween(london, from, addBusinessMinutes(london, from, minutes)), minutes);
    }
  });

  for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY]) {
    it(`rejects ${bad} minutes`, () => assert.throws(() => addBusinessMinutes(london, d('2026-01-05T10:00:00Z'), bad), RangeError));
  }
});

describe('nextBusinessStart', () => {
  const cases: Array<[string, BusinessCalendar, string, string]> = [
    ['in hours → itself', london, '2026-01-05T12:34:56.789Z', '2026-01-05T12:34:56.789Z'],
    ['before opening → same day opening', london, '2026-01-05T08:00:00.000Z', '2026-01-05T09:00:00.000Z'],
    ['at closing → next day', london, '2026-01-05T18:00:00.000Z', '2026-01-06T09:00:00.000Z'],
    ['Friday evening → Monday', london, '2026-01-09T20:00:00.000Z', '2026-01-12T09:00:00.000Z'],
    ['holiday → Tuesday', londonWithMayHoliday, '2026-05-04T10:00:00.000Z', '2026-05-05T08:00:00.000Z'],
    ['London spring-forward night → 09:00 BST', londonDaily, '2026-03-29T00:30:00.000Z', '2026-03-29T08:00:00.000Z'],
    ['Santiago: opening in the DST gap → 01:00 -03', santiagoNights, '2026-09-06T03:30:00.000Z', '2026-09-06T04:00:00.000Z'],
    ['New York fall-back night → 09:00 EST', newYorkDaily, '2026-11-01T05:30:00.000Z', '2026-11-01T14:00:00.000Z'],
  ];
  for (const [name, cal, at, expected] of cases) {
    it(name, () => assert.equal(iso(nextBusinessStart(cal, d(at))), expected));
  }
});

describe('nextBusinessBoundary', () => {
  const cases: Array<[string, BusinessCalendar, string, string]> = [
    ['in hours → closing', london, '2026-01-05T10:00:00.000Z', '2026-01-05T18:00:00.000Z'],
    ['at opening → closing (strictly after)', london, '2026-01-05T09:00:00.000Z', '2026-01-05T18:00:00.000Z'],
    ['at closing → next opening (strictly after)', london, '2026-01-05T18:00:00.000Z', '2026-01-06T09:00:00.000Z'],
    ['1 ms before opening → opening', london, '2026-01-05T08:59:59.999Z', '2026-01-05T09:00:00.000Z'],
    ['Friday evening → Monday opening', london, '2026-01-09T18:00:00.000Z', '2026-01-12T09:00:00.000Z'],
    ['New York spring-forward night → 09:00 EDT', newYorkDaily, '2026-03-08T05:00:00.000Z', '2026-03-08T13:00:00.000Z'],
    ['a day wholly inside the DST gap has no boundaries', londonGapHour, '2026-03-29T00:30:00.000Z', '2026-03-30T00:00:00.000Z'],
    ['London fall-back day in hours → 18:00 GMT', londonDaily, '2026-10-25T12:00:00.000Z', '2026-10-25T18:00:00.000Z'],
  ];
  for (const [name, cal, at, expected] of cases) {
    it(name, () => assert.equal(iso(nextBusinessBoundary(cal, d(at))), expected));
  }
});

describe('businessIntervals', () => {
  const cases: Array<[string, BusinessCalendar, string, string, Array<[string, string]>]> = [
    [
      'across a weekend, clipped at both ends',
      london,
      '2026-01-09T12:00:00.000Z',
      '2026-01-13T10:00:00.000Z',
      [
        ['2026-01-09T12:00:00.000Z', '2026-01-09T18:00:00.000Z'],
        ['2026-01-12T09:00:00.000Z', '2026-01-12T18:00:00.000Z'],
        ['2026-01-13T09:00:00.000Z', '2026-01-13T10:00:00.000Z'],
      ],
    ],
    [
      'across the London spring-forward weekend the UTC hours shift',
      london,
      '2026-03-27T00:00:00.000Z',
      '2026-03-31T00:00:00.000Z',
      [
        ['2026-03-27T09:00:00.000Z', '2026-03-27T18:00:00.000Z'],
        ['2026-03-30T08:00:00.000Z', '2026-03-30T17:00:00.000Z'],
      ],
    ],
    [
      'a day wholly inside the DST gap',
      londonGapHour,
      '2026-03-28T12:00:00.000Z',
      '2026-03-30T12:00:00.000Z',
      [['2026-03-30T00:00:00.000Z', '2026-03-30T01:00:00.000Z']],
    ],
    ['weekend only', london, '2026-01-10T00:00:00.000Z', '2026-01-12T00:00:00.000Z', []],
    ['to before from', london, '2026-01-06T00:00:00.000Z', '2026-01-05T00:00:00.000Z', []],
    ['ends exactly at an opening', london, '2026-01-09T20:00:00.000Z', '2026-01-12T09:00:00.000Z', []],
  ];
  for (const [name, cal, from, to, expected] of cases) {
    it(name, () => {
      const actual = businessIntervals(cal, d(from), d(to)).map((i) => [iso(i.from), iso(i.to)]);
      assert.deepEqual(actual, expected);
    });
  }
});

describe('businessIntervalsFrom', () => {
  it('is lazy and unbounded, first interval clipped to from', () => {
    const intervals = businessIntervalsFrom(london, d('2026-01-09T12:00:00.000Z'));
    const firstThree = [intervals.next().value, intervals.next().value, intervals.next().value];
    assert.deepEqual(
      firstThree.map((i) => i && [iso(i.from), iso(i.to)]),
      [
        ['2026-01-09T12:00:00.000Z', '2026-01-09T18:00:00.000Z'],
        ['2026-01-12T09:00:00.000Z', '2026-01-12T18:00:00.000Z'],
        ['2026-01-13T09:00:00.000Z', '2026-01-13T18:00:00.000Z'],
      ],
    );
  });
});

describe('invalid calendars', () => {
  const t = d('2026-01-05T10:00:00.000Z');
  const later = d('2026-01-06T10:00:00.000Z');
  const calls: Array<[string, (cal: BusinessCalendar) => unknown]> = [
    ['isBusinessTime', (cal) => isBusinessTime(cal, t)],
    ['businessMinutesBetween', (cal) => businessMinutesBetween(cal, t, later)],
    ['addBusinessMinutes', (cal) => addBusinessMinutes(cal, t, 60)],
    ['addBusinessMinutes with 0 minutes', (cal) => addBusinessMinutes(cal, t, 0)],
    ['nextBusinessStart', (cal) => nextBusinessStart(cal, t)],
    ['nextBusinessBoundary', (cal) => nextBusinessBoundary(cal, t)],
    ['businessIntervals', (cal) => businessIntervals(cal, t, later)],
    ['businessIntervalsFrom', (cal) => businessIntervalsFrom(cal, t)],
  ];
  for (const [name, call] of calls) {
    it(`${name} throws when there are no working days`, () => {
      assert.throws(() => call({ ...london, workingDays: [] }), /no working days/);
    });
  }

  const bad: Array<[string, Partial<BusinessCalendar>, RegExp]> = [
    ['unknown time zone', { timeZone: 'Mars/Olympus_Mons' }, /unknown time zone/],
    ['weekday 0', { workingDays: [0, 1] }, /not an ISO weekday/],
    ['end equal to start', { start: '09:00', end: '09:00' }, /must be after start/],
    ['end before start', { start: '18:00', end: '09:00' }, /must be after start/],
    ['24:00', { end: '24:00' }, /HH:mm/],
    ['malformed time', { start: '9:00' }, /HH:mm/],
    ['malformed holiday', { holidays: ['2026-5-4'] }, /YYYY-MM-DD/],
  ];
  for (const [name, patch, message] of bad) {
    it(`rejects ${name}`, () => assert.throws(() => isBusinessTime({ ...london, ...patch }, t), message));
  }

  it('rejects an invalid Date', () => assert.throws(() => isBusinessTime(london, d('nope')), RangeError));
});
