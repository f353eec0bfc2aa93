import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nextPruneAt, retentionCutoffs } from '../../src/domain/retention.js';

describe('retention', () => {
  it('prunes at the next 03:30 in the zone, across the spring change', () => {
    assert.equal(nextPruneAt(new Date('2026-03-28T12:00:00Z'), 'Europe/London').toISOString(), '2026-03-29T02:30:00.000Z');
    assert.equal(nextPruneAt(new Date('2026-03-29T02:30:00Z'), 'Europe/London').toISOString(), '2026-03-30T02:30:00.000Z');
    assert.equal(nextPruneAt(new Date('2026-03-27T03:29:59Z'), 'Europe/London').toISOString(), '2026-03-27T03:30:00.000Z');
  });

  it('keeps deliveries 2 days, jobs and messages 30, keyed messages 180', () => {
    const c = retentionCutoffs(new Date('2026-12-31T00:00:00Z'));
    assert.deepEqual(Object.fromEntries(Object.entries(c).map(([k, v]) => [k, v.toISOString().slice(0, 10)])), {
      deliveriesBefore: '2026-12-29',
      jobsBefore: '2026-12-01',
      messagesBefore: '2026-12-01',
      keyedMessagesBefore: '2026-07-04',
    });
  });
});
