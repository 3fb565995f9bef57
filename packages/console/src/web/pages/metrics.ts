import type uPlot from 'uplot';
import { getJson } from '../api';
import { formatTime, h, replace } from '../dom';
import { coalesced } from '../live';
import type { PageContext } from '../router';

interface Series {
  namespace: string;
  metricName: string;
  dimensions: { Name: string; Value: string }[];
  unit?: string;
  points: [number, number, number][];
}

/** One uPlot chart per metric and dimension set (the sum per datapoint over time) and the raw datapoints. */
export async function metricsPage(ctx: PageContext): Promise<void> {
  const body = h('div');
  ctx.root.append(h('h1', null, 'Metrics'), body);
  // Loaded when first needed (esbuild keeps it in the bundle, initialised lazily): a browser whose
  // locale uPlot's number formatter refuses then loses the charts, not the whole console.
  const { default: UPlot } = await import('uplot');
  let charts: uPlot[] = [];
  const refresh = coalesced(async () => {
    const series = await getJson<Series[]>('metrics');
    if (!ctx.current()) return;
    for (const c of charts) c.destroy();
    charts = [];
    replace(body, series.length === 0 ? h('p', { class: 'muted' }, 'No metrics yet.') : null);
    const dark = matchMedia('(prefers-color-scheme: dark)').matches;
    for (const s of series) {
      const dims = s.dimensions.map((d) => `${d.Name}=${d.Value}`).join(', ');
      const chartBox = h('div', { class: 'chart' });
      body.append(
        h(
          'section',
          { class: 'card metric' },
          h('h2', null, s.metricName, ' ', h('span', { class: 'small muted' }, `${s.namespace}${dims ? ` · ${dims}` : ''}${s.unit ? ` · ${s.unit}` : ''}`)),
          chartBox,
          h(
            'details',
            null,
            h('summary', null, `${s.points.length} datapoints`),
            h(
              'table',
              { class: 'grid small' },
              h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Time'), h('th', { scope: 'col' }, 'Sum'), h('th', { scope: 'col' }, 'Samples'))),
              h('tbody', null, ...s.points.slice(-200).map(([t, sum, n]) => h('tr', null, h('td', null, formatTime(t)), h('td', null, sum), h('td', null, n)))),
            ),
          ),
        ),
      );
      const axis = { stroke: dark ? '#c9d1d9' : '#333', grid: { stroke: dark ? '#30363d' : '#e5e5e5' } };
      charts.push(
        new UPlot(
          {
            width: Math.max(320, Math.min(900, chartBox.clientWidth || 700)),
            height: 180,
            series: [{}, { label: s.metricName, stroke: dark ? '#58a6ff' : '#0b5cad', width: 2, points: { show: true } }],
            axes: [axis, { ...axis, size: 70 }],
            // One instant only (or all at once): a two-minute window around it instead of uPlot's years.
            scales: { x: { time: true, range: (_u: uPlot, min: number, max: number): [number, number] => (max - min < 60 ? [min - 60, max + 60] : [min, max]) } },
          },
          [s.points.map((p) => p[0] / 1000), s.points.map((p) => p[1])],
          chartBox,
        ),
      );
    }
  });
  let seen = -1;
  ctx.live((snapshot) => {
    if (snapshot.metrics === seen) return;
    seen = snapshot.metrics;
    refresh();
  });
  refresh();
}
