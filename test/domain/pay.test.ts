import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BusinessCalendar } from '../../src/domain/calendar.js';
import { computeOnCallPay, monthRange, payCsv, type Page, type PayRates, type PayRow } from '../../src/domain/pay.js';
import { dutySegments, type Duty } from '../../src/domain/rotation.js';

// April 2026 in London is all BST (UTC+1): local midnight is 23:00Z the day before, 09:00 local
// is 08:00Z. 2026-04-01 is a Wednesday; 04-03 (Good Friday) and 04-06 (Easter Monday) are holidays.
const calendar: BusinessCalendar = {
  timeZone: 'Europe/London',
  workingDays: [1, 2, 3, 4, 5],
  start: '09:00',
  end: '17:00',
  holidays: ['2026-04-03', '2026-04-06'],
};
const hourly: PayRates = { currency: 'GBP', hourlyRate: 2.5, calloutFee: 30, weekendMultiplier: 1.5, holidayMultiplier: 2 };
const april = { from: new Date('2026-03-31T23:00:00.000Z'), to: new Date('2026-04-30T23:00:00.000Z') };

const d = (iso: string) => new Date(iso);
const duty = (user: string | null, from: string, to: string): Duty => ({ user, source: 'rotation', from: d(from), to: d(to) });
let ticket = 0;
const page = (user: string, at: string): Page => ({ user, at: d(at), ticketId: ++ticket });

describe('computeOnCallPay: a hand-computed month', () => {
  // Weekly handoff Mon 18:00 local (17:00Z), Alice and Bob alternating.
  const segments = [
    duty('Alice', '2026-03-30T17:00:00.000Z', '2026-04-06T17:00:00.000Z'),
    duty('Bob', '2026-04-06T17:00:00.000Z', '2026-04-13T17:00:00.000Z'),
    duty('Alice', '2026-04-13T17:00:00.000Z', '2026-04-20T17:00:00.000Z'),
    duty('Bob', '2026-04-20T17:00:00.000Z', '2026-04-27T17:00:00.000Z'),
    duty('Alice', '2026-04-27T17:00:00.000Z', '2026-05-04T17:00:00.000Z'),
    duty(null, '2026-03-01T00:00:00.000Z', '2026-03-30T17:00:00.000Z'),
  ];
  const pages = [
    page('Alice', '2026-04-04T03:12:00.000Z'),
    page('Alice', '2026-04-15T22:00:00.000Z'),
    page('Alice', '2026-04-30T23:00:00.000Z'), // = `to`: May, not counted
    page('Bob', '2026-04-08T02:00:00.000Z'),
    page('Bob', '2026-03-31T22:59:59.999Z'), // 1 ms before April: not counted
    page('Carol', '2026-04-30T22:59:59.999Z'), // paged without duty: a row with only the callout
  ];
  /*
   * Out-of-hours (OOH) hours, local time. A working day has 24 − 8 = 16 OOH hours.
   * Alice 1: Wed 1 00:00 → Mon 6 18:00 (clipped to April)
   *   Wed 1, Thu 2: 2 × 16 = 32 weekday; Fri 3 holiday 24; Sat 4, Sun 5: 48 weekend;
   *   Mon 6 holiday 00:00–18:00: 18.  → weekday 32, weekend 48, holiday 42
   * Bob 1: Mon 6 18:00 → Mon 13 18:00
   *   Mon 6 holiday 18–24: 6; Tue 7–Fri 10: 4 × 16 = 64; Sat/Sun: 48;
   *   Mon 13 00–09 and 17–18: 10.  → weekday 74, weekend 48, holiday 6
   * Alice 2: Mon 13 18:00 → Mon 20 18:00: 6 + 64 + 10 = 80 weekday, 48 weekend
   * Bob 2:   Mon 20 18:00 → Mon 27 18:00: the same, 80 weekday, 48 weekend
   * Alice 3: Mon 27 18:00 → Fri May 1 00:00 (clipped): 6 + Tue–Thu 3 × 16 = 54 weekday
   * Alice: weekday 32 + 80 + 54 = 166, weekend 96, holiday 42 → OOH 304, weekend/holiday 138, 3 shifts
   *        pay 166 × 2.5 + 96 × 2.5 × 1.5 + 42 × 2.5 × 2 + 2 pages × 30 = 415 + 360 + 210 + 60 = 1045
   * Bob:   weekday 74 + 80 = 154, weekend 96, holiday 6 → OOH 256, weekend/holiday 102, 2 shifts
   *        pay 154 × 2.5 + 96 × 3.75 + 6 × 5 + 1 × 30 = 385 + 360 + 30 + 30 = 805
   * Check: 304 + 256 = 560 = April's 720 h − 20 working days × 8 h.
   */
  const expected: PayRow[] = [
    { user: 'Alice', outOfHoursHours: 304, weekendOrHolidayHours: 138, shifts: 3, pages: 2, pay: 1045 },
    { user: 'Bob', outOfHoursHours: 256, weekendOrHolidayHours: 102, shifts: 2, pages: 1, pay: 805 },
    { user: 'Carol', outOfHoursHours: 0, weekendOrHolidayHours: 0, shifts: 0, pages: 1, pay: 30 },
  ];

  it('matches the arithmetic', () => {
    assert.deepEqual(computeOnCallPay({ segments, pages, calendar, rates: hourly, ...april }), expected);
  });

  it('matches when the segments come from the equivalent rotation', () => {
    const rotation = {
      id: 'oncall',
      timeZone: 'Europe/London',
      members: [{ user: 'Alice' }, { user: 'Bob' }],
      start: '2026-03-30 18:00',
      handoffs: ['mon 18:00'],
    };
    const fromRotation = dutySegments(rotation, [], april.from, april.to);
    assert.deepEqual(computeOnCallPay({ segments: fromRotation, pages, calendar, rates: hourly, ...april }), expected);
  });
});

describe('computeOnCallPay: rules', () => {
  const rates: PayRates = { currency: 'GBP', hourlyRate: 2, calloutFee: 0, weekendMultiplier: 1.5, holidayMultiplier: 2 };

  it('pays overlapping duties once', () => {
    // Sat 4 00:00 → Sun 5 00:00 local, and Sat 12:00 → Sun 12:00 from another rotation, and a
    // short one inside both. Union: Sat 00:00 → Sun 12:00 = 36 weekend hours, one shift.
    // 36 × 2 × 1.5 = 108 (48 h, or 144, if the overlap were paid twice).
    const segments = [
      duty('Alice', '2026-04-03T23:00:00.000Z', '2026-04-04T23:00:00.000Z'),
      duty('Alice', '2026-04-04T11:00:00.000Z', '2026-04-05T11:00:00.000Z'),
      duty('Alice', '2026-04-04T12:00:00.000Z', '2026-04-04T13:00:00.000Z'),
    ];
    assert.deepEqual(computeOnCallPay({ segments, pages: [], calendar, rates, ...april }), [
      { user: 'Alice', outOfHoursHours: 36, weekendOrHolidayHours: 36, shifts: 1, pages: 0, pay: 108 },
    ]);
  });

  /*
   * Alice: Tue 7 17:00 → Wed 8 09:00 = 16 h (shift 1); Thu 9 10:00–12:00 lies inside business
   * hours (not a shift); Fri 10 17:00 → Sat 11 00:00 and Sat 00:00 → Mon 13 09:00 touch, so they
   * are one shift of 7 + 48 + 9 = 64 h (shift 2). OOH 80 h, of which 48 weekend.
   */
  const shiftSegments = [
    duty('Alice', '2026-04-07T16:00:00.000Z', '2026-04-08T08:00:00.000Z'),
    duty('Alice', '2026-04-09T09:00:00.000Z', '2026-04-09T11:00:00.000Z'),
    duty('Alice', '2026-04-10T16:00:00.000Z', '2026-04-10T23:00:00.000Z'),
    duty('Alice', '2026-04-10T23:00:00.000Z', '2026-04-13T08:00:00.000Z'),
  ];
  const shiftCases: Array<[string, PayRates, number]> = [
    // 2 shifts × 50 + 1 page × 30 = 130
    ['shift-rate mode', { currency: 'GBP', shiftRate: 50, calloutFee: 30, weekendMultiplier: 1.5, holidayMultiplier: 2 }, 130],
    // both set, both paid: 32 × 1 + 48 × 1 × 1.5 = 104 hourly, + 100 + 30 = 234
    [
      'hourly and shift rate both set',
      { currency: 'GBP', hourlyRate: 1, shiftRate: 50, calloutFee: 30, weekendMultiplier: 1.5, holidayMultiplier: 2 },
      234,
    ],
  ];
  for (const [name, shiftRates, pay] of shiftCases) {
    it(name, () => {
      const pages = [page('Alice', '2026-04-11T03:00:00.000Z')];
      assert.deepEqual(computeOnCallPay({ segments: shiftSegments, pages, calendar, rates: shiftRates, ...april }), [
        { user: 'Alice', outOfHoursHours: 80, weekendOrHolidayHours: 48, shifts: 2, pages: 1, pay },
      ]);
    });
  }

  it('rounds money once, at the end', () => {
    // Three separate 20-minute evening calls on Wed 8 at 10/h: 3 × 3.333… = 10.00 (9.99 if each were rounded).
    const segments = ['19', '20', '21'].map((h) => duty('Alice', `2026-04-08T${h}:00:00.000Z`, `2026-04-08T${h}:20:00.000Z`));
    const rows = computeOnCallPay({ segments, pages: [], calendar, rates: { ...rates, hourlyRate: 10 }, ...april });
    assert.deepEqual(rows, [{ user: 'Alice', outOfHoursHours: 1, weekendOrHolidayHours: 0, shifts: 3, pages: 0, pay: 10 }]);
  });

  it('ignores duty outside the window and an empty input', () => {
    const segments = [duty('Alice', '2026-05-02T00:00:00.000Z', '2026-05-03T00:00:00.000Z')];
    assert.deepEqual(computeOnCallPay({ segments, pages: [], calendar, rates, ...april }), []);
  });
});

describe('computeOnCallPay: weekend and holiday multipliers', () => {
  // hourly 10, weekend × 1.5, holiday × 2 unless the row says otherwise.
  const base: PayRates = { currency: 'GBP', hourlyRate: 10, calloutFee: 0, weekendMultiplier: 1.5, holidayMultiplier: 2 };
  const cases: Array<[string, BusinessCalendar, PayRates, string, string, [ooh: number, premium: number, pay: number]]> = [
    ['weekday evening Wed 20:00–24:00: 4 × 10', calendar, base, '2026-04-08T19:00:00.000Z', '2026-04-08T23:00:00.000Z', [4, 0, 40]],
    ['Saturday 10:00–14:00: 4 × 15', calendar, base, '2026-04-11T09:00:00.000Z', '2026-04-11T13:00:00.000Z', [4, 4, 60]],
    [
      'holiday Fri 3, 10:00–14:00 (closed all day): 4 × 20',
      calendar,
      base,
      '2026-04-03T09:00:00.000Z',
      '2026-04-03T13:00:00.000Z',
      [4, 4, 80],
    ],
    [
      'Sun 22:00 → Mon 02:00 splits at local midnight: 2 × 15 + 2 × 10',
      calendar,
      base,
      '2026-04-12T21:00:00.000Z',
      '2026-04-13T01:00:00.000Z',
      [4, 2, 50],
    ],
    [
      'holiday on a Saturday: the larger multiplier (2), not both',
      { ...calendar, holidays: ['2026-04-11'] },
      base,
      '2026-04-11T09:00:00.000Z',
      '2026-04-11T13:00:00.000Z',
      [4, 4, 80],
    ],
    [
      'holiday on a Saturday with weekend × 3: the larger is the weekend one',
      { ...calendar, holidays: ['2026-04-11'] },
      { ...base, weekendMultiplier: 3 },
      '2026-04-11T09:00:00.000Z',
      '2026-04-11T13:00:00.000Z',
      [4, 4, 120],
    ],
    [
      'spring-forward weekend Sat 28 00:00 → Mon 30 00:00 local is 24 + 23 = 47 h: 47 × 15',
      calendar,
      base,
      '2026-03-28T00:00:00.000Z',
      '2026-03-29T23:00:00.000Z',
      [47, 47, 705],
    ],
    [
      'Sunday–Thursday week: Friday 10:00–14:00 is weekend',
      { ...calendar, workingDays: [7, 1, 2, 3, 4] },
      base,
      '2026-04-10T09:00:00.000Z',
      '2026-04-10T13:00:00.000Z',
      [4, 4, 60],
    ],
    [
      'Sunday–Thursday week: Sunday 10:00–14:00 is business time, unpaid',
      { ...calendar, workingDays: [7, 1, 2, 3, 4] },
      base,
      '2026-04-12T09:00:00.000Z',
      '2026-04-12T13:00:00.000Z',
      [0, 0, 0],
    ],
  ];
  for (const [name, cal, rates, from, to, [ooh, premium, pay]] of cases) {
    it(name, () => {
      const window = { from: d('2026-03-01T00:00:00.000Z'), to: d('2026-05-01T00:00:00.000Z') };
      const [row] = computeOnCallPay({ segments: [duty('A', from, to)], pages: [], calendar: cal, rates, ...window });
      assert.deepEqual(row, {
        user: 'A',
        outOfHoursHours: ooh,
        weekendOrHolidayHours: premium,
        shifts: ooh > 0 ? 1 : 0,
        pages: 0,
        pay,
      });
    });
  }
});

describe('monthRange', () => {
  const cases: Array<[string, string, string, string]> = [
    ['2026-04', 'Europe/London', '2026-03-31T23:00:00.000Z', '2026-04-30T23:00:00.000Z'],
    ['2026-03', 'Europe/London', '2026-03-01T00:00:00.000Z', '2026-03-31T23:00:00.000Z'],
    ['2026-10', 'Europe/London', '2026-09-30T23:00:00.000Z', '2026-11-01T00:00:00.000Z'],
    ['2026-12', 'America/New_York', '2026-12-01T05:00:00.000Z', '2027-01-01T05:00:00.000Z'],
  ];
  for (const [month, zone, from, to] of cases) {
    it(`${month} in ${zone}`, () => {
      const range = monthRange(month, zone);
      assert.deepEqual([range.from.toISOString(), range.to.toISOString()], [from, to]);
    });
  }
  for (const bad of ['2026-13', '2026-4', 'April', '2026-04-01']) {
    it(`rejects "${bad}"`, () =>
      assert.throws(() => monthRange(bad, 'Europe/London'), { message: `invalid month "${bad}": expected "YYYY-MM"` }));
  }
});

describe('payCsv', () => {
  const header = 'user,out_of_hours_hours,weekend_or_holiday_hours,shifts,pages,pay,currency\r\n';
  it('writes a header and one CRLF line per person, quoting where RFC 4180 requires', () => {
    const rows: PayRow[] = [
      { user: 'U01', outOfHoursHours: 304, weekendOrHolidayHours: 138, shifts: 3, pages: 2, pay: 1045 },
      { user: 'Smith, "J"', outOfHoursHours: 1 / 3, weekendOrHolidayHours: 0, shifts: 1, pages: 0, pay: 3.5 },
      { user: 'two\nlines', outOfHoursHours: 0, weekendOrHolidayHours: 0, shifts: 0, pages: 1, pay: 30 },
    ];
    assert.equal(
      payCsv(rows, 'GBP'),
      header + 'U01,304,138,3,2,1045.00,GBP\r\n' + '"Smith, ""J""",0.33,0,1,0,3.50,GBP\r\n' + '"two\nlines",0,0,0,1,30.00,GBP\r\n',
    );
  });
  it('has only the header when nobody is due anything', () => assert.equal(payCsv([], 'EUR'), header));
});
