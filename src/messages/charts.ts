// The weekly digest's charts as PNG, without a browser: a Vega-Lite spec per chart (pure data →
// spec), compiled and rendered to SVG by Vega, rasterised by resvg with the machine's DejaVu fonts.
// Inputs are plain rows: the report's figures (services/digest.ts maps them) and tickets per day.
import type { TopLevelSpec } from 'vega-lite';
import type { Priority } from '../domain/priority.js';

/** The report's time to resolve of one priority, in hours. */
export interface ResolveTimeRow {
  priority: Priority;
  averageHours: number;
  medianHours: number;
  p90Hours: number;
}

export interface ServiceFailureRow {
  service: string;
  failures: number;
  deploys: number;
}

export interface DayCount {
  /** Local calendar day, "YYYY-MM-DD". */
  day: string;
  tickets: number;
}

export interface Chart {
  title: string;
  svg: string;
  png: Buffer;
}

const FONT = 'DejaVu Sans';
/** Plot size in CSS pixels; rendered at SCALE, so the PNG is at least 1280 × 600. */
const WIDTH = 640;
const HEIGHT = 300;
const SCALE = 2;

const base = (title: string, subtitle: string) =>
  ({
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: title, subtitle, anchor: 'start', fontSize: 18, subtitleFontSize: 13, subtitleColor: '#555' },
    width: WIDTH,
    height: HEIGHT,
    padding: 16,
    config: {
      font: FONT,
      // Short category labels read best level; Vega's default rotates them.
      axis: { labelAngle: 0, labelFontSize: 13, titleFontSize: 13, labelColor: '#333', titleColor: '#333' },
      legend: { labelFontSize: 13, titleFontSize: 13 },
      view: { stroke: null },
    },
  }) as const;

const hours = (h: number) => (h >= 10 ? `${Math.round(h)} h` : `${Math.round(h * 10) / 10} h`);

const MEASURES = ['average', 'median', 'p90'] as const;

/** Grouped bars: the report's time to resolve per priority, average, median and p90 hours. */
export function timeToResolveSpec(rows: ResolveTimeRow[]): TopLevelSpec {
  const values = rows.flatMap((r) =>
    [r.averageHours, r.medianHours, r.p90Hours].map((h, i) => ({ priority: r.priority, measure: MEASURES[i], hours: h, label: hours(h) })),
  );
  const x = { field: 'priority', type: 'nominal', title: null, sort: ['P1', 'P2', 'P3'], axis: { labelFontSize: 15 } } as const;
  const xOffset = { field: 'measure', type: 'nominal', sort: [...MEASURES] } as const;
  return {
    ...base('Time to resolve by priority', 'hours from opened to final resolution: average, median and p90'),
    data: { values },
    encoding: { x, xOffset, y: { field: 'hours', type: 'quantitative', title: 'hours' } },
    layer: [
      {
        mark: { type: 'bar', cornerRadiusEnd: 3 },
        encoding: {
          color: {
            field: 'measure',
            type: 'nominal',
            title: null,
            scale: { domain: [...MEASURES], range: ['#1565c0', '#90caf9', '#0d3c73'] },
            legend: { orient: 'top' },
          },
        },
      },
      { mark: { type: 'text', dy: -8, fontSize: 13, color: '#222' }, encoding: { text: { field: 'label' } } },
    ],
  } as TopLevelSpec;
}

/** Horizontal bars, one per service with deploys, labelled "12 % (3 of 25)". */
export function failureRateSpec(rows: ServiceFailureRow[]): TopLevelSpec {
  const values = rows
    .filter((r) => r.deploys > 0)
    .map((r) => {
      const percent = (100 * r.failures) / r.deploys;
      return { service: r.service, percent, label: `${Math.round(percent)} % (${r.failures} of ${r.deploys})` };
    })
    // Worst first; sorted here because a sort in the shared encoding conflicts across the layers.
    .sort((a, b) => b.percent - a.percent || a.service.localeCompare(b.service));
  return {
    ...base('Change failure rate per service', 'production deploys that failed, were rolled back or caused a ticket'),
    height: Math.max(HEIGHT, 44 * values.length),
    data: { values },
    encoding: {
      y: { field: 'service', type: 'nominal', title: null, sort: null, axis: { labelFontSize: 14 } },
      x: { field: 'percent', type: 'quantitative', title: 'change failure rate (%)', scale: { domain: [0, 100] } },
    },
    layer: [
      { mark: { type: 'bar', color: '#c62828', cornerRadiusEnd: 3 } },
      { mark: { type: 'text', align: 'left', dx: 6, fontSize: 13, color: '#222' }, encoding: { text: { field: 'label' } } },
    ],
  } as TopLevelSpec;
}

/** Bars of tickets opened per day; dates on the axis. */
export function ticketsPerDaySpec(rows: DayCount[]): TopLevelSpec {
  return {
    ...base('Tickets per day', 'tickets opened each day'),
    data: { values: rows },
    mark: { type: 'bar', color: '#1565c0', cornerRadiusEnd: 2 },
    encoding: {
      x: { field: 'day', type: 'ordinal', timeUnit: 'utcyearmonthdate', title: null, axis: { format: '%a %d %b', labelOverlap: 'parity' } },
      y: { field: 'tickets', type: 'quantitative', title: 'tickets', axis: { tickMinStep: 1 } },
    },
  } as TopLevelSpec;
}

// Vega, Vega-Lite and resvg add about 38 MB to a process once imported (docs/benchmarks.md,
// "Memory"), and only the weekly digest draws: they are imported when the first chart is rendered.
// (Vega is ESM with top-level await: imported, never require()d.)
const importRenderer = async () => {
  const [vega, { compile }, { Resvg }] = await Promise.all([import('vega'), import('vega-lite'), import('@resvg/resvg-js')]);
  return { vega, compile, Resvg };
};
let renderer: ReturnType<typeof importRenderer> | undefined;

async function render(spec: TopLevelSpec): Promise<Chart> {
  renderer ??= importRenderer();
  const { vega, compile, Resvg } = await renderer;
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  let svg: string;
  try {
    svg = await view.toSVG(SCALE);
  } finally {
    view.finalize();
  }
  const png = new Resvg(svg, { font: { loadSystemFonts: true, defaultFontFamily: FONT }, background: 'white' }).render().asPng();
  const title = (spec.title as { text: string }).text;
  return { title, svg, png };
}

export const timeToResolveChart = (rows: ResolveTimeRow[]) => render(timeToResolveSpec(rows));
export const failureRateChart = (rows: ServiceFailureRow[]) => render(failureRateSpec(rows));
export const ticketsPerDayChart = (rows: DayCount[]) => render(ticketsPerDaySpec(rows));
