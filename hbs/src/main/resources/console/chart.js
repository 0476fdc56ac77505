// Graphs of graph's history answers drawn with uPlot (from the WebJar served by hbs).
import uPlot from '/webjars/uplot/1.6.30/dist/uPlot.esm.js';
import {el, time} from './ui.js';
import {api, graphPath} from './api.js';

const COLORS = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2', '#ca8a04', '#db2777', '#4b5563', '#65a30d'];

/** The time ranges a page offers, in seconds. */
export const RANGES = {'1h': 3600, '6h': 21600, '1d': 86400, '7d': 604800};

/** Series' display name: metric{tags} (and the endpoint when asked). */
export function label(s, withEndpoint) {
  return (withEndpoint ? s.endpoint + ' ' : '') + s.metric + (s.tags ? '{' + s.tags + '}' : '');
}

/** POST graph's /api/v1/history through the console proxy; refs are {endpoint, metric, tags} or {endpoint, counter}. */
export function history(refs, {start, end, cf = 'AVERAGE'}) {
  return api(graphPath('history'), {method: 'POST', body: {series: refs, start, end, cf}});
}

/** uPlot's aligned data: one x array (the union of timestamps) and one y array per found series. */
export function align(series) {
  const found = series.filter(s => s.found && s.points);
  const xs = new Set();
  for (const s of found) for (const p of s.points) xs.add(p[0]);
  const x = Float64Array.from(xs).sort();
  const index = new Map();
  x.forEach((t, i) => index.set(t, i));
  const ys = found.map(s => {
    const y = new Array(x.length).fill(null);
    for (const p of s.points) y[index.get(p[0])] = p[1];
    return y;
  });
  return {found, data: [Array.from(x), ...ys]};
}

/**
 * Draws the history answer into a new chart element and answers it. The element's dataset says what was drawn
 * (series, points, drawnAt) and its uplot property is the uPlot instance, for tests and for redrawing.
 */
export function chart(title, answer, {width, height = 260, withEndpoint = false} = {}) {
  const {found, data} = align(answer.series);
  const box = el('div', {class: 'chart'}, el('h3', {}, title));
  const missing = answer.series.length - found.length;
  if (!found.length) {
    box.append(el('p', {class: 'muted'}, 'No data for these series.'));
    box.dataset.series = '0'; box.dataset.points = '0';
    return box;
  }
  const w = width || Math.max(400, (document.getElementById('main')?.clientWidth || 900) - 380);
  const opts = {
    width: w, height,
    scales: {x: {time: true}},
    series: [{value: (u, v) => v == null ? '—' : time(v)},
      ...found.map((s, i) => ({label: label(s, withEndpoint), stroke: COLORS[i % COLORS.length], width: 1.5, spanGaps: false,
        // a few points between gaps draw no line: show them as dots
        points: {show: data[i + 1].filter(v => v !== null).length < 100, size: 5, fill: COLORS[i % COLORS.length]}}))],
    axes: [{}, {size: 60}],
    legend: {live: true},
    hooks: {draw: [u => { box.dataset.drawnAt = String(performance.now()); box.dataset.drawn = String(u.data[0].length); }]},
  };
  const plot = new uPlot(opts, data, box);
  box.uplot = plot;
  box.dataset.series = String(found.length);
  box.dataset.points = String(data.slice(1).reduce((n, y) => n + y.filter(v => v !== null).length, 0));
  if (missing) box.append(el('p', {class: 'muted'}, `${missing} series not found in graph.`));
  return box;
}
