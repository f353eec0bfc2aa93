import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  dutyAt,
  dutySegments,
  escalationChain,
  handoffsBetween,
  nextHandoffs,
  parseHandoff,
  type Duty,
  type Override,
  type Rotation,
  type RotationMember,
} from '../../src/domain/rotation.js';

// Calendar facts used below: 2026-03-02 is a Monday; Europe/London springs forward on Sunday
// 2026-03-29 (GMT→BST) and falls back on Sunday 2026-10-25, so 09:00 local on a Monday is 09:00Z
// in winter and 08:00Z in summer.

const d = (iso: string) => new Date(iso);
const members = (...users: string[]): RotationMember[] => users.map((user) => ({ user }));
const show = (duty: Duty) => ({ user: duty.user, source: duty.source, from: duty.from.toISOString(), to: duty.to.toISOString() });

/** Weekly, Monday 09:00; shift k starts on 2026-03-02 + k weeks. */
const gardener = (list: RotationMember[] = members('A', 'B', 'C')): Rotation => ({
  id: 'gardener:payments',
  timeZone: 'Europe/London',
  members: list,
  start: '2026-03-02 09:00',
  handoffs: ['mon 09:00'],
});

/** Weekday evenings; the Friday shift covers the weekend. Shifts: Mon A, Tue B, Wed C, Thu A, Fri B, Mon C, … */
const oncall = (list: RotationMember[] = members('A', 'B', 'C'), start = '2026-03-02 18:00'): Rotation => ({
  id: 'oncall',
  timeZone: 'Europe/London',
  members: list,
  start,
  handoffs: ['mon 18:00', 'tue 18:00', 'wed 18:00', 'thu 18:00', 'fri 18:00'],
});

let overrideSeq = 0;
const override = (user: string, from: string, to: string, createdAt: string): Override => ({
  id: `o${++overrideSeq}`,
  user,
  from: d(from),
  to: d(to),
  createdAt: d(createdAt),
});

describe('parseHandoff', () => {
  const valid: Array<[string, { isoWeekday: number; hour: number; minute: number }]> = [
    ['mon 09:00', { isoWeekday: 1, hour: 9, minute: 0 }],
    ['fri 18:30', { isoWeekday: 5, hour: 18, minute: 30 }],
    ['SUN 23:59', { isoWeekday: 7, hour: 23, minute: 59 }],
    [' tue  7:05 ', { isoWeekday: 2, hour: 7, minute: 5 }],
  ];
  for (const [spec, expected] of valid) {
    it(`accepts "${spec}"`, () => assert.deepEqual(parseHandoff(spec), expected));
  }
  for (const spec of ['', 'monday 09:00', 'xyz 09:00', 'mon 24:00', 'mon 09:60', 'mon 9', 'mon', '09:00']) {
    it(`rejects "${spec}" with a message naming the value and format`, () =>
      assert.throws(() => parseHandoff(spec), {
        message: `invalid handoff "${spec}": expected "<mon|tue|wed|thu|fri|sat|sun> HH:mm", e.g. "mon 09:00"`,
      }));
  }
});

describe('dutyAt', () => {
  const cases: Array<[string, Rotation, Override[], string, ReturnType<typeof show>]> = [
    [
      'first shift begins exactly at start',
      gardener(),
      [],
      '2026-03-02T09:00:00.000Z',
      { user: 'A', source: 'rotation', from: '2026-03-02T09:00:00.000Z', to: '2026-03-09T09:00:00.000Z' },
    ],
    [
      'before start nobody holds it, since the beginning of time',
      gardener(),
      [],
      '2026-03-02T08:59:59.999Z',
      { user: null, source: 'rotation', from: new Date(-8.64e15).toISOString(), to: '2026-03-02T09:00:00.000Z' },
    ],
    [
      'spring forward: the shift starting 09:00 GMT ends 09:00 BST = 08:00Z (a 167 h week)',
      gardener(),
      [],
      '2026-03-29T12:00:00.000Z',
      { user: 'A', source: 'rotation', from: '2026-03-23T09:00:00.000Z', to: '2026-03-30T08:00:00.000Z' },
    ],
    [
      'spring forward: last ms before the 09:00 BST handoff',
      gardener(),
      [],
      '2026-03-30T07:59:59.999Z',
      { user: 'A', source: 'rotation', from: '2026-03-23T09:00:00.000Z', to: '2026-03-30T08:00:00.000Z' },
    ],
    [
      'spring forward: handoff at 09:00 BST',
      gardener(),
      [],
      '2026-03-30T08:00:00.000Z',
      { user: 'B', source: 'rotation', from: '2026-03-30T08:00:00.000Z', to: '2026-04-06T08:00:00.000Z' },
    ],
    [
      'fall back: shift 33 (33 % 3 = 0 → A) runs 09:00 BST to 09:00 GMT, so 08:30Z is still A',
      gardener(),
      [],
      '2026-10-26T08:30:00.000Z',
      { user: 'A', source: 'rotation', from: '2026-10-19T08:00:00.000Z', to: '2026-10-26T09:00:00.000Z' },
    ],
    [
      'fall back: shift 34 → B at 09:00 GMT',
      gardener(),
      [],
      '2026-10-26T09:00:00.000Z',
      { user: 'B', source: 'rotation', from: '2026-10-26T09:00:00.000Z', to: '2026-11-02T09:00:00.000Z' },
    ],
    [
      'daily on-call: the Friday shift spans the weekend and the spring-forward, 18:00 GMT → 18:00 BST',
      oncall(),
      [],
      '2026-03-29T12:00:00.000Z',
      // Friday of week 3 is shift 3·5 + 4 = 19; 19 % 3 = 1 → B.
      { user: 'B', source: 'rotation', from: '2026-03-27T18:00:00.000Z', to: '2026-03-30T17:00:00.000Z' },
    ],
    [
      'empty rotation: nobody, still bounded by the shift',
      gardener([]),
      [],
      '2026-03-10T12:00:00.000Z',
      { user: null, source: 'rotation', from: '2026-03-09T09:00:00.000Z', to: '2026-03-16T09:00:00.000Z' },
    ],
    [
      'every member has left: nobody',
      gardener([
        { user: 'A', until: '2026-03-01' },
        { user: 'B', until: '2026-03-09' },
      ]),
      [],
      '2026-03-10T12:00:00.000Z',
      { user: null, source: 'rotation', from: '2026-03-09T09:00:00.000Z', to: '2026-03-16T09:00:00.000Z' },
    ],
    [
      'start that is not a handoff: shift 0 ends at the first handoff after it',
      { ...gardener(), start: '2026-03-04 12:00' },
      [],
      '2026-03-09T08:00:00.000Z',
      { user: 'A', source: 'rotation', from: '2026-03-04T12:00:00.000Z', to: '2026-03-09T09:00:00.000Z' },
    ],
    [
      'handoff list without duplicates or order: "fri 18:00" listed twice and before "mon"',
      { ...oncall(), handoffs: ['fri 18:00', 'mon 18:00', 'fri 18:00'] },
      [],
      '2026-03-07T12:00:00.000Z',
      // Shifts: Mon 03-02 18:00 A, Fri 03-06 18:00 B, Mon 03-09 18:00 C.
      { user: 'B', source: 'rotation', from: '2026-03-06T18:00:00.000Z', to: '2026-03-09T18:00:00.000Z' },
    ],
  ];
  for (const [name, rotation, overrides, t, expected] of cases) {
    it(name, () => assert.deepEqual(show(dutyAt(rotation, overrides, d(t))), expected));
  }

  it('stays fast years after start with daily handoffs, also when membership changed', () => {
    // Start Mon 2026-01-05 18:00 GMT; 2031-01-09 is the Thursday of week 261, so the shift
    // holding Thu 20:00Z is k = 261·5 + 3 = 1308.
    const t = d('2031-01-09T20:00:00.000Z');
    const seven = members('A', 'B', 'C', 'D', 'E', 'F', 'G');
    const cases: Array<[RotationMember[], string]> = [
      // 1308 % 7 = 6 → G.
      [seven, 'G'],
      // H leaves on Mon 2026-02-02, first affecting shift 20 (week 4, Monday). Shifts 0–19 cycle
      // through 8 members, so shift 19 is 19 % 8 = 3 → D; shift 20 is the next active after D → E
      // (position 4), then 7 members cycle: position (4 + 1308 − 20) % 7 = 4 → E.
      [[...seven, { user: 'H', until: '2026-02-02' }], 'E'],
    ];
    for (const [list, expected] of cases) {
      const rotation = oncall(list, '2026-01-05 18:00');
      assert.equal(dutyAt(rotation, [], t).user, expected);
      const runs = 100;
      const began = performance.now();
      for (let i = 0; i < runs; i++) dutyAt(rotation, [], t);
      const perCall = (performance.now() - began) / runs;
      assert.ok(perCall < 5, `dutyAt took ${perCall.toFixed(3)} ms per call`);
    }
  });
});

describe('membership changes (holder at noon on each Monday 2026-03-02 … 04-06)', () => {
  const mondays = ['03-02', '03-09', '03-16', '03-23', '03-30', '04-06'];
  const cases: Array<[string, RotationMember[], string[]]> = [
    ['baseline', members('A', 'B', 'C'), ['A', 'B', 'C', 'A', 'B', 'C']],
    [
      'D joins on Fri 03-20: first reached in the shift starting 03-23, after C',
      [...members('A', 'B', 'C'), { user: 'D', from: '2026-03-20' }],
      ['A', 'B', 'C', 'D', 'A', 'B'],
    ],
    [
      'A has not joined at start: the first active member holds shift 0; A is reached after C',
      [{ user: 'A', from: '2026-03-16' }, ...members('B', 'C')],
      ['B', 'C', 'A', 'B', 'C', 'A'],
    ],
    [
      'B leaves 03-16 (exclusive): the next shift goes to C, who was next anyway — no reshuffle',
      [{ user: 'A' }, { user: 'B', until: '2026-03-16' }, { user: 'C' }],
      ['A', 'B', 'C', 'A', 'C', 'A'],
    ],
    [
      'B leaves mid-shift (03-11): keeps the shift already begun on 03-09',
      [{ user: 'A' }, { user: 'B', until: '2026-03-11' }, { user: 'C' }],
      ['A', 'B', 'C', 'A', 'C', 'A'],
    ],
    [
      'C, next in line, leaves: the shift skips to D',
      [{ user: 'A' }, { user: 'B' }, { user: 'C', until: '2026-03-16' }, { user: 'D' }],
      ['A', 'B', 'D', 'A', 'B', 'D'],
    ],
  ];
  for (const [name, list, expected] of cases) {
    it(name, () =>
      assert.deepEqual(
        mondays.map((day) => dutyAt(gardener(list), [], d(`2026-${day}T12:00:00.000Z`)).user),
        expected,
      ),
    );
  }
});

describe('overrides', () => {
  // X covers Tue 00:00Z → Fri 00:00Z; Y, created later, covers Wed → Thu inside it; Z, created
  // before both, covers part of Wednesday and is hidden by Y.
  const overrides = [
    override('Y', '2026-03-04T00:00:00.000Z', '2026-03-05T00:00:00.000Z', '2026-03-01T11:00:00.000Z'),
    override('X', '2026-03-03T00:00:00.000Z', '2026-03-06T00:00:00.000Z', '2026-03-01T10:00:00.000Z'),
    override('Z', '2026-03-04T06:00:00.000Z', '2026-03-04T18:00:00.000Z', '2026-02-01T00:00:00.000Z'),
  ];
  const cases: Array<[string, string, ReturnType<typeof show>]> = [
    [
      'rotation until the first override, cut at its start',
      '2026-03-02T23:59:59.999Z',
      { user: 'A', source: 'rotation', from: '2026-03-02T09:00:00.000Z', to: '2026-03-03T00:00:00.000Z' },
    ],
    [
      'older override, cut where the newer one begins',
      '2026-03-03T12:00:00.000Z',
      { user: 'X', source: 'override', from: '2026-03-03T00:00:00.000Z', to: '2026-03-04T00:00:00.000Z' },
    ],
    [
      'newest override wins over both older ones',
      '2026-03-04T12:00:00.000Z',
      { user: 'Y', source: 'override', from: '2026-03-04T00:00:00.000Z', to: '2026-03-05T00:00:00.000Z' },
    ],
    [
      'when the newest ends, the older one resumes',
      '2026-03-05T00:00:00.000Z',
      { user: 'X', source: 'override', from: '2026-03-05T00:00:00.000Z', to: '2026-03-06T00:00:00.000Z' },
    ],
    [
      'after all overrides the rotation resumes until the handoff',
      '2026-03-06T00:00:00.000Z',
      { user: 'A', source: 'rotation', from: '2026-03-06T00:00:00.000Z', to: '2026-03-09T09:00:00.000Z' },
    ],
  ];
  for (const [name, t, expected] of cases) {
    it(`dutyAt: ${name}`, () => assert.deepEqual(show(dutyAt(gardener(), overrides, d(t))), expected));
  }

  it('dutySegments: covers the window, applies overrides, merges equal neighbours', () => {
    assert.deepEqual(dutySegments(gardener(), overrides, d('2026-03-01T00:00:00.000Z'), d('2026-03-16T10:00:00.000Z')).map(show), [
      { user: null, source: 'rotation', from: '2026-03-01T00:00:00.000Z', to: '2026-03-02T09:00:00.000Z' },
      { user: 'A', source: 'rotation', from: '2026-03-02T09:00:00.000Z', to: '2026-03-03T00:00:00.000Z' },
      { user: 'X', source: 'override', from: '2026-03-03T00:00:00.000Z', to: '2026-03-04T00:00:00.000Z' },
      { user: 'Y', source: 'override', from: '2026-03-04T00:00:00.000Z', to: '2026-03-05T00:00:00.000Z' },
      { user: 'X', source: 'override', from: '2026-03-05T00:00:00.000Z', to: '2026-03-06T00:00:00.000Z' },
      { user: 'A', source: 'rotation', from: '2026-03-06T00:00:00.000Z', to: '2026-03-09T09:00:00.000Z' },
      { user: 'B', source: 'rotation', from: '2026-03-09T09:00:00.000Z', to: '2026-03-16T09:00:00.000Z' },
      { user: 'C', source: 'rotation', from: '2026-03-16T09:00:00.000Z', to: '2026-03-16T10:00:00.000Z' },
    ]);
  });

  it('dutySegments: consecutive shifts of a lone member merge; an override by them stays separate', () => {
    const lone = gardener(members('A'));
    const own = [override('A', '2026-03-10T00:00:00.000Z', '2026-03-11T00:00:00.000Z', '2026-03-01T00:00:00.000Z')];
    assert.deepEqual(dutySegments(lone, own, d('2026-03-02T09:00:00.000Z'), d('2026-03-23T09:00:00.000Z')).map(show), [
      { user: 'A', source: 'rotation', from: '2026-03-02T09:00:00.000Z', to: '2026-03-10T00:00:00.000Z' },
      { user: 'A', source: 'override', from: '2026-03-10T00:00:00.000Z', to: '2026-03-11T00:00:00.000Z' },
      { user: 'A', source: 'rotation', from: '2026-03-11T00:00:00.000Z', to: '2026-03-23T09:00:00.000Z' },
    ]);
  });

  it('dutySegments: empty when to <= from', () => {
    assert.deepEqual(dutySegments(gardener(), [], d('2026-03-05T00:00:00.000Z'), d('2026-03-05T00:00:00.000Z')), []);
  });
});

describe('nextHandoffs', () => {
  const x = override('X', '2026-03-03T00:00:00.000Z', '2026-03-06T00:00:00.000Z', '2026-03-01T00:00:00.000Z');
  const cases: Array<[string, Rotation, Override[], string, number, Array<[string, string | null]>]> = [
    [
      'override start and end count as handoffs',
      gardener(),
      [x],
      '2026-03-02T12:00:00.000Z',
      4,
      [
        ['2026-03-03T00:00:00.000Z', 'X'],
        ['2026-03-06T00:00:00.000Z', 'A'],
        ['2026-03-09T09:00:00.000Z', 'B'],
        ['2026-03-16T09:00:00.000Z', 'C'],
      ],
    ],
    [
      'an override by the person already on duty changes nobody',
      gardener(),
      [override('A', '2026-03-04T00:00:00.000Z', '2026-03-05T00:00:00.000Z', '2026-03-01T00:00:00.000Z')],
      '2026-03-02T12:00:00.000Z',
      2,
      [
        ['2026-03-09T09:00:00.000Z', 'B'],
        ['2026-03-16T09:00:00.000Z', 'C'],
      ],
    ],
    ['a handoff exactly at t is not "next"', gardener(), [], '2026-03-09T09:00:00.000Z', 1, [['2026-03-16T09:00:00.000Z', 'C']]],
    [
      'across the spring-forward the handoff moves to 08:00Z',
      gardener(),
      [],
      '2026-03-24T00:00:00.000Z',
      2,
      [
        ['2026-03-30T08:00:00.000Z', 'B'],
        ['2026-04-06T08:00:00.000Z', 'C'],
      ],
    ],
    ['before start: the first shift is a handoff', gardener(), [], '2026-03-01T00:00:00.000Z', 1, [['2026-03-02T09:00:00.000Z', 'A']]],
    [
      'a member joining much later: found after months with no change (2027-01-04 is shift 44)',
      gardener([{ user: 'A' }, { user: 'B', from: '2027-01-01' }]),
      [],
      '2026-03-02T12:00:00.000Z',
      2,
      [
        ['2027-01-04T09:00:00.000Z', 'B'],
        ['2027-01-11T09:00:00.000Z', 'A'],
      ],
    ],
    [
      'a lone member with an override: only the override edges, then nothing',
      gardener(members('A')),
      [x],
      '2026-03-02T12:00:00.000Z',
      5,
      [
        ['2026-03-03T00:00:00.000Z', 'X'],
        ['2026-03-06T00:00:00.000Z', 'A'],
      ],
    ],
    ['empty rotation: never changes', gardener([]), [], '2026-03-02T12:00:00.000Z', 3, []],
    ['count 0', gardener(), [], '2026-03-02T12:00:00.000Z', 0, []],
  ];
  for (const [name, rotation, overrides, t, count, expected] of cases) {
    it(name, () =>
      assert.deepEqual(
        nextHandoffs(rotation, overrides, d(t), count).map((h) => [h.at.toISOString(), h.user]),
        expected,
      ),
    );
  }
});

describe('handoffsBetween', () => {
  // oncall(): Mon 03-02 A, Tue 03-03 B, Wed 03-04 C, Thu 03-05 A, Fri 03-06 B, Mon 03-09 C — all at 18:00Z.
  const cases: Array<[string, Override[], string, string, Array<[string, string | null, string | null]>]> = [
    [
      'three days down, Thu noon → Sun noon: the Thu and Fri handoffs',
      [],
      '2026-03-05T12:00:00.000Z',
      '2026-03-08T12:00:00.000Z',
      [
        ['2026-03-05T18:00:00.000Z', 'A', 'C'],
        ['2026-03-06T18:00:00.000Z', 'B', 'A'],
      ],
    ],
    [
      'a handoff exactly at `to` is included',
      [],
      '2026-03-06T12:00:00.000Z',
      '2026-03-09T18:00:00.000Z',
      [
        ['2026-03-06T18:00:00.000Z', 'B', 'A'],
        ['2026-03-09T18:00:00.000Z', 'C', 'B'],
      ],
    ],
    ['a handoff exactly at `from` is excluded', [], '2026-03-06T18:00:00.000Z', '2026-03-09T17:59:59.999Z', []],
    [
      'an override during the downtime is announced both ways',
      [override('Y', '2026-03-07T00:00:00.000Z', '2026-03-08T00:00:00.000Z', '2026-03-01T00:00:00.000Z')],
      '2026-03-06T12:00:00.000Z',
      '2026-03-09T12:00:00.000Z',
      [
        ['2026-03-06T18:00:00.000Z', 'B', 'A'],
        ['2026-03-07T00:00:00.000Z', 'Y', 'B'],
        ['2026-03-08T00:00:00.000Z', 'B', 'Y'],
      ],
    ],
  ];
  for (const [name, overrides, from, to, expected] of cases) {
    it(name, () =>
      assert.deepEqual(
        handoffsBetween(oncall(), overrides, d(from), d(to)).map((h) => [h.at.toISOString(), h.user, h.previous]),
        expected,
      ),
    );
  }
});

describe('escalationChain', () => {
  const four = members('A', 'B', 'C', 'D');
  // Shift 2 (from 03-16) belongs to C.
  const t = '2026-03-16T12:00:00.000Z';
  const byX = [override('X', '2026-03-16T00:00:00.000Z', '2026-03-17T00:00:00.000Z', '2026-03-01T00:00:00.000Z')];
  const byB = [override('B', '2026-03-16T00:00:00.000Z', '2026-03-17T00:00:00.000Z', '2026-03-01T00:00:00.000Z')];
  const cases: Array<[string, RotationMember[], Override[], string, number, string[]]> = [
    ['on duty first, then the following members', four, [], t, 3, ['C', 'D', 'A']],
    ['each member once, however long the request', four, [], t, 10, ['C', 'D', 'A', 'B']],
    ['an outside cover comes first and the covered holder last', four, byX, t, 5, ['X', 'D', 'A', 'B', 'C']],
    ['a member covering is not repeated', four, byB, t, 5, ['B', 'D', 'A', 'C']],
    ['members who have left are skipped', [...members('A', 'B', 'C'), { user: 'D', until: '2026-03-16' }], [], t, 5, ['C', 'A', 'B']],
    ['before start: members in list order', four, [], '2026-03-01T00:00:00.000Z', 2, ['A', 'B']],
    ['empty rotation', [], [], t, 3, []],
    ['length 0', four, [], t, 0, []],
  ];
  for (const [name, list, overrides, at, length, expected] of cases) {
    it(name, () => assert.deepEqual(escalationChain(gardener(list), overrides, d(at), length), expected));
  }
});

describe('malformed rotation config fails loudly instead of guessing', () => {
  const t = d('2026-03-10T12:00:00.000Z');
  const cases: Array<[string, Rotation, string]> = [
    [
      'impossible start date',
      { ...gardener(), start: '2026-02-30 09:00' },
      'invalid local date-time "2026-02-30 09:00": expected "YYYY-MM-DD HH:mm"',
    ],
    ['start without time', { ...gardener(), start: '2026-03-02' }, 'invalid local date-time "2026-03-02": expected "YYYY-MM-DD HH:mm"'],
    ['member date not zero-padded', gardener([{ user: 'A', from: '2026-3-1' }]), 'invalid local date "2026-3-1": expected "YYYY-MM-DD"'],
    ['unknown time zone', { ...gardener(), timeZone: 'Mars/Olympus' }, 'rotation gardener:payments: unknown time zone "Mars/Olympus"'],
    [
      'bad handoff',
      { ...gardener(), handoffs: ['mon 25:00'] },
      'invalid handoff "mon 25:00": expected "<mon|tue|wed|thu|fri|sat|sun> HH:mm", e.g. "mon 09:00"',
    ],
  ];
  for (const [name, rotation, message] of cases) {
    it(name, () => assert.throws(() => dutyAt(rotation, [], t), { message }));
  }
});
