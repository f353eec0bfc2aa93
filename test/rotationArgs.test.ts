import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mentionedUser, parseCover, parseMonth, parseSwap, words } from '../src/slack/rotationArgs.js';

const LONDON = 'Europe/London';
const now = new Date('2026-11-24T10:00:00Z');
const iso = (d: Date) => d.toISOString();

describe('rotation command words', () => {
  it('keeps a mention whose label has spaces as one word', () => {
    assert.deepEqual(words(' <@U1|Ada Lovelace>  2026-12-24 18:00 '), ['<@U1|Ada Lovelace>', '2026-12-24', '18:00']);
  });

  for (const [word, expected] of [
    ['<@U123ABC|jane>', 'U123ABC'],
    ['<@U123ABC>', 'U123ABC'],
    ['<@W42|Ada Lovelace>', 'W42'],
  ] as const) {
    it(`reads the user id of ${word}`, () => assert.deepEqual(mentionedUser(word), { ok: true, value: expected }));
  }

  it('explains that a plain @name is not a mention', () => {
    const r = mentionedUser('@jane');
    assert.ok(!r.ok && /not a mention; type @ and pick the person/.test(r.error));
  });
});

describe('parseCover', () => {
  const table: Array<[string, string, string, string | undefined]> = [
    // args, from, to, squad
    ['<@U1> 2026-12-24 18:00 2026-12-27 09:00', '2026-12-24T18:00:00.000Z', '2026-12-27T09:00:00.000Z', undefined],
    ['<@U1|jo> 2026-12-24 2026-12-27 payments', '2026-12-24T00:00:00.000Z', '2026-12-28T00:00:00.000Z', 'payments'],
    ['<@U1> now 2026-11-24 18:00', iso(now), '2026-11-24T18:00:00.000Z', undefined],
    // Summer time: local 09:00 is 08:00Z.
    ['<@U1> 2026-07-01 9:00 2026-07-01 17:30 Payments', '2026-07-01T08:00:00.000Z', '2026-07-01T16:30:00.000Z', 'payments'],
    // The day clocks spring forward has 23 hours; "the whole day" ends at the next local midnight.
    ['<@U1> 2026-03-29 2026-03-29', '2026-03-29T00:00:00.000Z', '2026-03-29T23:00:00.000Z', undefined],
  ];
  for (const [args, from, to, squad] of table) {
    it(`reads "${args}"`, () => {
      const r = parseCover(args, now, LONDON);
      assert.ok(r.ok, JSON.stringify(r));
      assert.deepEqual(
        { userId: r.value.userId, from: iso(r.value.from), to: iso(r.value.to), squad: r.value.squad },
        { userId: 'U1', from, to, squad },
      );
    });
  }

  const bad: Array<[string, RegExp]> = [
    ['', /Mention the person/],
    ['jane now 2026-12-01', /not a mention/],
    ['<@U1> now', /A time is missing/],
    ['<@U1> tomorrow 2026-12-01', /`tomorrow` is not a time/],
    ['<@U1> 2026-02-30 2026-03-02', /`2026-02-30` is not a real date/],
    ['<@U1> 2026-12-01 25:00 2026-12-02', /`2026-12-01 25:00` is not a real date/],
    ['<@U1> 2026-12-02 2026-12-01', /end must be after the start/],
    ['<@U1> 2026-12-01 2026-12-02 payments please', /did not understand `please`/],
  ];
  for (const [args, message] of bad) {
    it(`rejects "${args}" with a reason`, () => {
      const r = parseCover(args, now, LONDON);
      assert.ok(!r.ok && message.test(r.error), JSON.stringify(r));
    });
  }
});

describe('parseSwap', () => {
  it('reads two people, a date (as whole days) and a squad', () => {
    const r = parseSwap('<@UA|a> <@UB> 2026-12-03 search', now, LONDON);
    assert.ok(r.ok);
    assert.deepEqual(
      { ...r.value, at: { at: iso(r.value.at.at), dayEnd: r.value.at.dayEnd && iso(r.value.at.dayEnd) } },
      { a: 'UA', b: 'UB', squad: 'search', at: { at: '2026-12-03T00:00:00.000Z', dayEnd: '2026-12-04T00:00:00.000Z' } },
    );
  });

  it('reads a time as an instant, not a day', () => {
    const r = parseSwap('<@UA> <@UB> 2026-12-03 19:30', now, LONDON);
    assert.ok(r.ok && iso(r.value.at.at) === '2026-12-03T19:30:00.000Z' && r.value.at.dayEnd === undefined);
  });

  for (const [args, message] of [
    ['<@UA> <@UA> 2026-12-03', /two different people/],
    ['<@UA> 2026-12-03', /not a mention/],
    ['<@UA> <@UB>', /A time is missing/],
  ] as const) {
    it(`rejects "${args}"`, () => {
      const r = parseSwap(args, now, LONDON);
      assert.ok(!r.ok && message.test(r.error), JSON.stringify(r));
    });
  }
});

describe('parseMonth', () => {
  it('defaults to the last complete month in the zone, across a new year', () => {
    assert.deepEqual(parseMonth('', now, LONDON), { ok: true, value: '2026-10' });
    assert.deepEqual(parseMonth(' ', new Date('2027-01-01T00:30:00Z'), LONDON), { ok: true, value: '2026-12' });
    // 23:30Z on 31 July is already 1 August in London (BST).
    assert.deepEqual(parseMonth('', new Date('2026-07-31T23:30:00Z'), LONDON), { ok: true, value: '2026-07' });
  });

  it('accepts YYYY-MM and rejects anything else', () => {
    assert.deepEqual(parseMonth('2026-12', now, LONDON), { ok: true, value: '2026-12' });
    for (const bad of ['2026-13', 'december', '2026-1']) {
      const r = parseMonth(bad, now, LONDON);
      assert.ok(!r.ok && /is not a month; use `YYYY-MM`/.test(r.error));
    }
  });
});
