// The digest's schedule walked backwards in the configured zone, across both DST changes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { digestPeriod, isDigestCron, latestScheduledInstant, localDay, periodDays } from '../../src/domain/digestPeriod.js';

const iso = (t: Date | null) => t?.toISOString() ?? null;
const latest = (cron: string, zone: string, now: string) => iso(latestScheduledInstant(cron, zone, new Date(now)));

describe('latestScheduledInstant', () => {
  const monday = '0 9 * * 1';
  it('is the instant itself at the scheduled instant, and the one before 1 ms earlier', () => {
    assert.equal(latest(monday, 'Europe/London', '2026-11-23T09:00:00.000Z'), '2026-11-23T09:00:00.000Z');
    assert.equal(latest(monday, 'Europe/London', '2026-11-23T09:00:00.999Z'), '2026-11-23T09:00:00.000Z');
    assert.equal(latest(monday, 'Europe/London', '2026-11-23T08:59:59.999Z'), '2026-11-16T09:00:00.000Z');
    assert.equal(latest(monday, 'Europe/London', '2026-11-29T23:59:00.000Z'), '2026-11-23T09:00:00.000Z');
  });

  it('reads the expression in the zone: 09:00 BST is 08:00Z, 09:00 in New York is 14:00Z', () => {
    assert.equal(latest(monday, 'Europe/London', '2026-07-08T12:00:00Z'), '2026-07-06T08:00:00.000Z');
    assert.equal(latest(monday, 'America/New_York', '2026-11-23T13:59:00Z'), '2026-11-16T14:00:00.000Z');
    assert.equal(latest(monday, 'America/New_York', '2026-11-23T14:00:00Z'), '2026-11-23T14:00:00.000Z');
  });

  it('across DST: a local time skipped in spring fires after the gap, one repeated in autumn fires once', () => {
    // London springs forward on Sun 2026-03-29 at 01:00 GMT (01:30 local does not exist).
    assert.equal(latest('30 1 * * 0', 'Europe/London', '2026-03-29T12:00:00Z'), '2026-03-29T01:00:00.000Z');
    // And falls back on Sun 2026-10-25 (01:30 local happens at 00:30Z and again at 01:30Z).
    assert.equal(latest('30 1 * * 0', 'Europe/London', '2026-10-25T12:00:00Z'), '2026-10-25T00:30:00.000Z');
    // The Monday after each change is an ordinary 09:00 local.
    assert.equal(latest(monday, 'Europe/London', '2026-03-30T08:00:00Z'), '2026-03-30T08:00:00.000Z');
    assert.equal(latest(monday, 'Europe/London', '2026-10-26T09:00:00Z'), '2026-10-26T09:00:00.000Z');
  });

  it('knows the expressions it can walk', () => {
    assert.ok(isDigestCron('0 9 * * 1'));
    assert.ok(isDigestCron('0 9 * * mon'));
    assert.ok(!isDigestCron('0 25 * * 1'));
    assert.ok(!isDigestCron('every monday'));
  });
});

describe('digestPeriod', () => {
  it('is seven local days ending at the instant, 169 hours across the autumn change and 167 across spring', () => {
    const autumn = digestPeriod(new Date('2026-10-26T09:00:00Z'), 'Europe/London');
    assert.equal(iso(autumn.from), '2026-10-19T08:00:00.000Z');
    assert.equal((autumn.to.getTime() - autumn.from.getTime()) / 3600_000, 169);
    const spring = digestPeriod(new Date('2026-03-30T08:00:00Z'), 'Europe/London');
    assert.equal(iso(spring.from), '2026-03-23T09:00:00.000Z');
    assert.equal((spring.to.getTime() - spring.from.getTime()) / 3600_000, 167);
  });

  it('splits into seven local days, each starting at the local time of its start', () => {
    const period = digestPeriod(new Date('2026-10-26T09:00:00Z'), 'Europe/London');
    const days = periodDays(period, 'Europe/London');
    assert.deepEqual(days.map(iso), [
      '2026-10-19T08:00:00.000Z',
      '2026-10-20T08:00:00.000Z',
      '2026-10-21T08:00:00.000Z',
      '2026-10-22T08:00:00.000Z',
      '2026-10-23T08:00:00.000Z',
      '2026-10-24T08:00:00.000Z',
      '2026-10-25T09:00:00.000Z',
    ]);
    assert.deepEqual(
      days.map((d) => localDay(d, 'Europe/London')),
      ['2026-10-19', '2026-10-20', '2026-10-21', '2026-10-22', '2026-10-23', '2026-10-24', '2026-10-25'],
    );
  });
});
