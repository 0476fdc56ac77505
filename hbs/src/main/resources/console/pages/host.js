// Host: the endpoint's counters (searchable; from graph's /api/v1/counters) and graphs of the chosen ones over a
// range with a consolidation, redrawn every few seconds when asked. Counters of the same metric share a graph;
// container and pod series (tags namespace/pod/container) are listed by namespace/pod.
import {el, replace, message, debounce, toast} from '../ui.js';
import {graphPath} from '../api.js';
import {chart, history as fetchHistory, label, RANGES} from '../chart.js';

const REFRESH = {off: 0, '10s': 10, '30s': 30, '1m': 60};

function escapeRegex(s) { return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'); }

function tagsOf(s) {
  const m = {};
  for (const kv of (s || '').split(',')) { const i = kv.indexOf('='); if (i > 0) m[kv.slice(0, i)] = kv.slice(i + 1); }
  return m;
}

/** The counters in groups: plain ones first, then one group per namespace/pod. */
export function groupCounters(counters) {
  const groups = new Map([['', []]]);
  for (const c of counters) {
    const t = tagsOf(c.tags);
    const key = t.pod || t.namespace || t.container ? `${t.namespace || '—'}/${t.pod || '—'}` : '';
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(c);
  }
  return [...groups.entries()].filter(([, list]) => list.length).sort((a, b) => a[0].localeCompare(b[0]));
}

export async function render(root, params, ctx) {
  const endpoint = params.get('endpoint') || '';
  if (!endpoint) { replace(root, message('No host given: open one from the Hosts page.', 'error')); return; }
  const state = {
    q: params.get('q') || '',
    chosen: new Set(params.getAll('c')),
    range: params.get('range') in RANGES || params.get('range') === 'custom' ? params.get('range') : '1h',
    start: parseInt(params.get('start') || '0', 10) || 0,
    end: parseInt(params.get('end') || '0', 10) || 0,
    cf: ['AVERAGE', 'MAX', 'MIN'].includes(params.get('cf')) ? params.get('cf') : 'AVERAGE',
    refresh: params.get('refresh') in REFRESH ? params.get('refresh') : 'off',
  };
  let counters = [];
  let timer = null;
  ctx.onLeave(() => clearInterval(timer));

  const keepUrl = () => {
    const p = new URLSearchParams({endpoint});
    if (state.q) p.set('q', state.q);
    for (const c of state.chosen) p.append('c', c);
    p.set('range', state.range);
    if (state.range === 'custom') { p.set('start', state.start); p.set('end', state.end); }
    if (state.cf !== 'AVERAGE') p.set('cf', state.cf);
    if (state.refresh !== 'off') p.set('refresh', state.refresh);
    history.replaceState(null, '', '#/host?' + p); // shareable, without reloading the page
  };

  const list = el('div', {class: 'counters', id: 'counter-list'}, el('p', {class: 'muted'}, 'Loading counters…'));
  const charts = el('div', {id: 'charts'});
  const search = el('input', {id: 'counter-search', type: 'search', placeholder: 'counter contains…', value: state.q,
    oninput: debounce(() => { state.q = search.value.trim(); keepUrl(); loadCounters(); }, 300)});
  const local = s => { const d = new Date(s * 1000 - new Date().getTimezoneOffset() * 60000); return d.toISOString().slice(0, 16); };
  const now = () => Math.floor(Date.now() / 1000);
  const startIn = el('input', {type: 'datetime-local', id: 'range-start', value: local(state.start || now() - 3600)});
  const endIn = el('input', {type: 'datetime-local', id: 'range-end', value: local(state.end || now())});
  const rangeButtons = el('span', {id: 'ranges'}, [...Object.keys(RANGES), 'custom'].map(r => el('button', {
    class: r === state.range ? 'primary' : null, dataset: {range: r}, onclick: () => {
      state.range = r;
      if (r === 'custom') {
        state.start = Math.floor(new Date(startIn.value).getTime() / 1000);
        state.end = Math.floor(new Date(endIn.value).getTime() / 1000);
        if (!(state.start < state.end)) { toast('The custom range needs a start before its end.', 'error'); return; }
      }
      [...rangeButtons.children].forEach(b => b.className = b.dataset.range === r ? 'primary' : '');
      keepUrl(); draw();
    }}, r)));
  const cfSelect = el('select', {id: 'cf', onchange: () => { state.cf = cfSelect.value; keepUrl(); draw(); }},
    ['AVERAGE', 'MAX', 'MIN'].map(c => el('option', {value: c, selected: c === state.cf}, c)));
  const refreshSelect = el('select', {id: 'refresh', onchange: () => { state.refresh = refreshSelect.value; keepUrl(); schedule(); }},
    Object.keys(REFRESH).map(r => el('option', {value: r, selected: r === state.refresh}, r)));

  replace(root,
    el('h1', {}, el('a', {href: '#/hosts'}, 'Hosts'), ' / ', el('span', {id: 'host-name'}, endpoint)),
    el('div', {class: 'layout'},
      el('div', {}, search, list),
      el('div', {},
        el('div', {class: 'toolbar'}, rangeButtons, startIn, endIn, 'consolidation ', cfSelect, 'auto-refresh ', refreshSelect),
        charts)));

  function schedule() {
    clearInterval(timer);
    const every = REFRESH[state.refresh];
    if (every) timer = setInterval(() => { if (ctx.current()) draw(); }, every * 1000);
  }

  let loads = 0; // a slower, older search must not overwrite a newer one's list
  async function loadCounters() {
    const mine = ++loads;
    const answer = await ctx.api(graphPath('counters'), {query: {endpoint, pattern: state.q ? escapeRegex(state.q) : '', limit: 2000}});
    if (!ctx.current() || mine !== loads) return;
    counters = answer.counters;
    const groups = groupCounters(counters);
    const box = (c) => el('label', {title: c.counter}, el('input', {type: 'checkbox', class: 'counter', value: c.counter,
      checked: state.chosen.has(c.counter), onchange: ev => {
        if (ev.target.checked) state.chosen.add(c.counter); else state.chosen.delete(c.counter);
        keepUrl(); draw();
      }}), ' ', label(c));
    replace(list,
      counters.length ? null : message(state.q ? 'No counter matches.' : 'graph holds no series for this host.'),
      answer.truncated ? el('p', {class: 'muted'}, 'More counters than shown: narrow the search.') : null,
      groups.map(([key, items]) => [
        key ? el('div', {class: 'group'}, el('label', {}, el('input', {type: 'checkbox', class: 'group-box', onchange: ev => {
          for (const c of items) { if (ev.target.checked) state.chosen.add(c.counter); else state.chosen.delete(c.counter); }
          loadCounters(); keepUrl(); draw();
        }}), ' pod ' + key)) : null,
        items.map(box)]));
  }

  let draws = 0;
  async function draw() {
    const mine = ++draws;
    const chosen = [...state.chosen];
    if (!chosen.length) { replace(charts, message('Pick counters on the left to graph them.')); return; }
    const end = state.range === 'custom' ? state.end : now();
    const start = state.range === 'custom' ? state.start : end - RANGES[state.range];
    const byMetric = new Map();
    for (const c of chosen) { const m = c.split('/')[0]; if (!byMetric.has(m)) byMetric.set(m, []); byMetric.get(m).push(c); }
    try {
      const answer = await fetchHistory(chosen.map(counter => ({endpoint, counter})), {start, end, cf: state.cf});
      if (!ctx.current() || mine !== draws) return;
      replace(charts, [...byMetric.keys()].map(metric => chart(`${metric} (${state.cf})`,
        {series: answer.series.filter(s => s.metric === metric)})));
      charts.dataset.drawnAt = String(performance.now());
    } catch (e) {
      replace(charts, message('The graphs could not be loaded: ' + e.message, 'error'));
    }
  }

  await loadCounters();
  await draw();
  schedule();
}
