// The loop behind the outbox relay and the job scheduler. A drain that keeps finding work (a
// backlog, or a bug that claims the same job again and again) must not starve the process: on
// SQLite every pass resolves without touching the event loop, so without a turn between passes no
// timer, HTTP request or test timeout of the process would run until the drain ends.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { drainLoop } from '../src/jobs/drainLoop.js';

describe('drainLoop', () => {
  it('lets timers run between passes of a long drain', async () => {
    let passes = 0;
    let timerRanAfter: number | null = null;
    setTimeout(() => (timerRanAfter = passes), 0);
    const total = await drainLoop(async () => (++passes < 5000 ? 1 : 0))();
    assert.equal(total, 4999);
    assert.ok(timerRanAfter !== null && timerRanAfter < 5000, `the timer ran only after the drain (${timerRanAfter})`);
  });
});
