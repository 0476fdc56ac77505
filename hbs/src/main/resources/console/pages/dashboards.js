// Dashboards: saved sets of graphs (hbs's /api/v1/dashboards), each graph naming its series by an endpoint pattern
// and a counter pattern (regular expressions, as graph's /api/v1/endpoints and /api/v1/counters take them).
// Shareable by URL: #/dashboards?id=<id>&range=<1h|6h|1d|7d>. Editors create, change and delete; viewers only look.
import {el, replace, message, table, time, toast} from '../ui.js';
import {graphPath} from '../api.js';
import {chart, history as fetchHistory, RANGES} from '../chart.js';

export async function render(root, params, ctx) {
  const id = params.get('id');
  if (params.get('new') === '1' || (id && params.get('edit') === '1')) return editor(root, id, ctx);
  if (id) return view(root, id, params.get('range') in RANGES ? params.get('range') : '1h', ctx);
  return list(root, ctx);
}

async function list(root, ctx) {
  const rows = await ctx.api('/api/v1/dashboards', {query: {limit: 1000}});
  if (!ctx.current()) return;
  replace(root,
    el('h1', {}, 'Dashboards'),
    ctx.can('editor') ? el('div', {class: 'toolbar'}, el('button', {class: 'primary', id: 'dashboard-new',
      onclick: () => ctx.navigate('/dashboards?new=1')}, 'New dashboard')) : null,
    table([
      {title: 'Name', cell: d => el('a', {href: '#/dashboards?id=' + d.id, class: 'dashboard-link'}, d.name)},
      {title: 'Graphs', cell: d => d.graphs.length},
      {title: 'Description', cell: d => d.description || '—'},
      {title: 'Changed', cell: d => `${time(d.updatedAt)} by ${d.updatedBy || '—'}`},
    ], rows, {empty: 'No dashboard yet.' + (ctx.can('editor') ? ' Make one with "New dashboard".' : '')}));
}

/** The series of one graph: endpoints matching, then their counters matching, up to maxSeries in all. */
async function seriesOf(g, ctx) {
  const eps = await ctx.api(graphPath('endpoints'), {query: {pattern: g.endpoints, limit: g.maxSeries}});
  const refs = [];
  for (const endpoint of eps.endpoints) {
    if (refs.length >= g.maxSeries) break;
    const cs = await ctx.api(graphPath('counters'), {query: {endpoint, pattern: g.counters, limit: g.maxSeries - refs.length}});
    for (const c of cs.counters) refs.push({endpoint, counter: c.counter});
  }
  return refs;
}

async function view(root, id, range, ctx) {
  const d = await ctx.api('/api/v1/dashboards/' + encodeURIComponent(id));
  if (!ctx.current()) return;
  const graphs = el('div', {id: 'dashboard-graphs'});
  replace(root,
    el('h1', {}, el('a', {href: '#/dashboards'}, 'Dashboards'), ' / ', el('span', {id: 'dashboard-name'}, d.name)),
    d.description ? el('p', {class: 'muted'}, d.description) : null,
    el('div', {class: 'toolbar'},
      Object.keys(RANGES).map(r => el('button', {class: r === range ? 'primary' : null,
        onclick: () => ctx.navigate(`/dashboards?id=${d.id}&range=${r}`)}, r)),
      ctx.can('editor') ? el('button', {id: 'dashboard-edit', onclick: () => ctx.navigate(`/dashboards?id=${d.id}&edit=1`)}, 'Edit') : null),
    graphs);
  const end = Math.floor(Date.now() / 1000);
  const start = end - RANGES[range];
  for (const g of d.graphs) {
    const slot = el('div', {}, el('p', {class: 'muted'}, `Loading ${g.title}…`));
    graphs.append(slot);
    try {
      const refs = await seriesOf(g, ctx);
      if (!ctx.current()) return;
      if (!refs.length) { replace(slot, el('div', {class: 'chart'}, el('h3', {}, g.title), message('No series match these patterns.'))); continue; }
      const answer = await fetchHistory(refs, {start, end, cf: g.cf});
      if (!ctx.current()) return;
      replace(slot, chart(`${g.title} (${g.cf})`, answer, {withEndpoint: true}));
    } catch (e) {
      replace(slot, message(`${g.title}: ${e.message}`, 'error'));
    }
  }
}

async function editor(root, id, ctx) {
  if (!ctx.can('editor')) { replace(root, message('Changing dashboards needs the editor role.', 'error')); return; }
  const d = id ? await ctx.api('/api/v1/dashboards/' + encodeURIComponent(id))
    : {name: '', description: '', graphs: [{title: '', endpoints: '.', counters: '^cpu\\.idle$', cf: 'AVERAGE', maxSeries: 10}]};
  if (!ctx.current()) return;
  const name = el('input', {id: 'dashboard-name-input', value: d.name, maxlength: 255, size: 40});
  const description = el('input', {id: 'dashboard-description', value: d.description, maxlength: 1024, size: 60});
  const rows = el('tbody', {});
  const addRow = g => rows.append(el('tr', {class: 'graph-row'},
    el('td', {}, el('input', {class: 'g-title', value: g.title || '', placeholder: 'title'})),
    el('td', {}, el('input', {class: 'g-endpoints', value: g.endpoints, placeholder: 'endpoint regex', size: 24})),
    el('td', {}, el('input', {class: 'g-counters', value: g.counters, placeholder: 'counter regex', size: 24})),
    el('td', {}, el('select', {class: 'g-cf'}, ['AVERAGE', 'MAX', 'MIN'].map(c => el('option', {value: c, selected: c === g.cf}, c)))),
    el('td', {}, el('input', {class: 'g-max', type: 'number', min: 1, max: 50, value: g.maxSeries || 10})),
    el('td', {}, el('button', {class: 'link', onclick: ev => ev.target.closest('tr').remove()}, 'remove'))));
  d.graphs.forEach(addRow);
  const status = el('p', {id: 'dashboard-status'});
  const save = async () => {
    const body = {name: name.value.trim(), description: description.value, graphs: [...rows.children].map(tr => ({
      title: tr.querySelector('.g-title').value, endpoints: tr.querySelector('.g-endpoints').value,
      counters: tr.querySelector('.g-counters').value, cf: tr.querySelector('.g-cf').value,
      maxSeries: parseInt(tr.querySelector('.g-max').value, 10) || 10}))};
    try {
      const saved = await ctx.api(id ? '/api/v1/dashboards/' + id : '/api/v1/dashboards', {method: id ? 'PUT' : 'POST', body});
      toast(`Saved ${saved.name}.`);
      ctx.navigate('/dashboards?id=' + saved.id);
    } catch (e) {
      replace(status, message(e.message, 'error'));
    }
  };
  replace(root,
    el('h1', {}, el('a', {href: '#/dashboards'}, 'Dashboards'), ' / ', id ? 'Edit ' + d.name : 'New dashboard'),
    el('div', {class: 'toolbar'}, el('label', {}, 'Name ', name), el('label', {}, 'Description ', description)),
    el('table', {class: 'grid'}, el('thead', {}, el('tr', {}, ['Title', 'Endpoints (regex)', 'Counters (regex)', 'Consolidation', 'Series', ''].map(t => el('th', {}, t)))), rows),
    el('div', {class: 'toolbar'},
      el('button', {id: 'graph-add', onclick: () => addRow({endpoints: '.', counters: '', cf: 'AVERAGE', maxSeries: 10})}, 'Add graph'),
      el('button', {class: 'primary', id: 'dashboard-save', onclick: save}, 'Save'),
      id ? el('button', {id: 'dashboard-delete', onclick: async () => {
        if (!confirm(`Delete dashboard ${d.name}?`)) return;
        try { await ctx.api('/api/v1/dashboards/' + id, {method: 'DELETE'}); ctx.navigate('/dashboards'); } catch (e) { replace(status, message(e.message, 'error')); }
      }}, 'Delete') : null,
      el('a', {href: id ? '#/dashboards?id=' + id : '#/dashboards'}, 'Cancel')),
    status);
}
