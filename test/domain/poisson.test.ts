import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { poissonTailAtLeast, suspectDeploy, SUSPECT_MIN_TICKETS, SUSPECT_P } from '../../src/domain/poisson.js';

/** Relative closeness: the interesting probabilities span twenty orders of magnitude. */
function close(actual: number, expected: number, rel = 1e-9) {
  assert.ok(Math.abs(actual - expected) <= rel * Math.abs(expected), `${actual} ≉ ${expected}`);
}

const THIRTY_DAYS = 30 * 1440;

describe('poissonTailAtLeast: P(X ≥ k), reference values from mpmath at 50 digits (as the nearest doubles)', () => {
  for (const [k, mean, expected] of [
    [1, 1, 0.6321205588285577],
    [3, 0.5, 0.014387677966970687],
    [5, 5, 0.5595067149347875],
    [10, 2, 4.6498075017263805e-5],
    [3, 0.018, 9.58972007824359e-7],
    [100, 50, 3.200065324585125e-10],
    // 1 - (sum of the lower terms) would round this to 0 in double precision.
    [50, 10, 1.8547268838697993e-19],
  ] as const) {
    it(`k=${k}, mean=${mean}`, () => close(poissonTailAtLeast(k, mean), expected));
  }

  it('at least zero events is certain; any event at mean 0 is impossible', () => {
    assert.equal(poissonTailAtLeast(0, 3), 1);
    assert.equal(poissonTailAtLeast(0, 0), 1);
    assert.equal(poissonTailAtLeast(2, 0), 0);
  });

  it('falls as k rises and rises with the mean', () => {
    assert.ok(poissonTailAtLeast(4, 1) < poissonTailAtLeast(3, 1));
    assert.ok(poissonTailAtLeast(3, 2) > poissonTailAtLeast(3, 1));
  });

  it('refuses a negative or infinite mean', () => {
    assert.throws(() => poissonTailAtLeast(1, -1), RangeError);
    assert.throws(() => poissonTailAtLeast(1, Infinity), RangeError);
  });
});

describe('suspectDeploy', () => {
  it('a quiet service (12 tickets a month) getting 3 tickets within the hour after a deploy is suspect', () => {
    const v = suspectDeploy({ ticketsSince: 3, minutesSince: 40, baselineTickets: 12, baselineMinutes: THIRTY_DAYS });
    assert.equal(v.suspect, true);
    // (12 + 1) / 30 days over at least one hour.
    close(v.expected, (13 / THIRTY_DAYS) * 60);
    close(v.perDay, 0.4);
    assert.ok(v.probability < SUSPECT_P);
  });

  it('a busy service (10 tickets a day) getting 3 in an hour is its normal day', () => {
    const v = suspectDeploy({ ticketsSince: 3, minutesSince: 60, baselineTickets: 300, baselineMinutes: THIRTY_DAYS });
    assert.equal(v.suspect, false);
    assert.ok(v.probability > SUSPECT_P);
  });

  it('never calls fewer than the minimum number of tickets a pattern, even on a service with no history', () => {
    const v = suspectDeploy({ ticketsSince: SUSPECT_MIN_TICKETS - 1, minutesSince: 5, baselineTickets: 0, baselineMinutes: THIRTY_DAYS });
    assert.equal(v.suspect, false);
    assert.ok(v.probability < SUSPECT_P, 'unlikely, but two tickets are not a pattern');
    assert.ok(v.expected > 0, 'no history still predicts some tickets (pseudo-count)');
  });

  it('judges early tickets against at least an hour, so the first minutes do not exaggerate', () => {
    const early = suspectDeploy({ ticketsSince: 3, minutesSince: 1, baselineTickets: 300, baselineMinutes: THIRTY_DAYS });
    const hour = suspectDeploy({ ticketsSince: 3, minutesSince: 60, baselineTickets: 300, baselineMinutes: THIRTY_DAYS });
    assert.equal(early.expected, hour.expected);
    assert.equal(early.spanMinutes, 60);
    assert.equal(suspectDeploy({ ticketsSince: 3, minutesSince: 90, baselineTickets: 300, baselineMinutes: THIRTY_DAYS }).spanMinutes, 90);
  });
});
