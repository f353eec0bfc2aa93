// The digest's charts rendered for real (Vega → SVG → resvg → PNG): each is a valid PNG of at least
// 800 × 400 whose SVG carries its title and labels as text, and one sample lands in docs/img.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { failureRateChart, failureRateSpec, ticketsPerDayChart, timeToResolveChart, type Chart } from '../src/messages/charts.js';
import { pngSize } from './support/png.js';

function assertLegible(chart: Chart, texts: string[]): void {
  const { width, height } = pngSize(chart.png);
  assert.ok(width >= 800 && height >= 400, `${chart.title}: ${width} × ${height}`);
  // A blank or nearly blank image compresses to a few kB; bars and text do not.
  assert.ok(chart.png.length > 10_000, `${chart.title}: only ${chart.png.length} bytes`);
  for (const text of [chart.title, ...texts]) assert.ok(chart.svg.includes(`>${text}<`), `${chart.title}: "${text}" in the SVG`);
  assert.match(chart.svg, /font-family="DejaVu Sans"/);
}

describe('digest charts', () => {
  it('time to resolve by priority: average, median and p90 hours per priority, labelled', async () => {
    const chart = await timeToResolveChart([
      { priority: 'P1', averageHours: 2.4, medianHours: 1.5, p90Hours: 4 },
      { priority: 'P2', averageHours: 6.25, medianHours: 4.8, p90Hours: 12 },
      { priority: 'P3', averageHours: 30.5, medianHours: 22, p90Hours: 71.6 },
    ]);
    assert.equal(chart.title, 'Time to resolve by priority');
    assertLegible(chart, ['P1', 'P2', 'P3', 'average', 'median', 'p90', 'hours', '2.4 h', '1.5 h', '4 h', '6.3 h', '31 h', '22 h', '72 h']);
    mkdirSync('docs/img', { recursive: true });
    writeFileSync('docs/img/digest-chart.png', chart.png);
  });

  it('change failure rate per service: worst first, numerator and denominator, escaped names', async () => {
    const chart = await failureRateChart([
      { service: 'Checkout', failures: 3, deploys: 25 },
      { service: 'R&D <beta>', failures: 1, deploys: 4 },
      { service: 'Search', failures: 0, deploys: 9 },
      { service: 'Quiet', failures: 0, deploys: 0 },
    ]);
    assertLegible(chart, [
      'Checkout',
      'R&amp;D &lt;beta&gt;',
      'Search',
      '12 % (3 of 25)',
      '25 % (1 of 4)',
      '0 % (0 of 9)',
      'change failure rate (%)',
    ]);
    assert.ok(!chart.svg.includes('Quiet'), 'a service without deploys has no rate');
    const values = (
      failureRateSpec([
        { service: 'a', failures: 1, deploys: 10 },
        { service: 'b', failures: 5, deploys: 10 },
      ]).data as { values: Array<{ service: string }> }
    ).values;
    assert.deepEqual(
      values.map((v) => v.service),
      ['b', 'a'],
    );
  });

  it('tickets per day: one bar per day with dates on the axis', async () => {
    const days = Array.from({ length: 7 }, (_, i) => ({
      day: `2026-11-${String(16 + i).padStart(2, '0')}`,
      tickets: [4, 7, 3, 5, 9, 1, 0][i]!,
    }));
    const chart = await ticketsPerDayChart(days);
    assertLegible(chart, ['Tickets per day', 'tickets', 'Mon 16 Nov', 'Sun 22 Nov']);
    assert.equal((chart.svg.match(/<path[^>]*aria-roledescription="bar"/g) ?? []).length, 7, 'seven bars');
  });
});
