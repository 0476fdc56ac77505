// Hosts: every host with heartbeat age, agent version, IP, groups and maintenance; lost agents highlighted.
// Search and paging run on the server (GET /api/v1/host-overview), so 10,000 hosts cost one page of rows.
import {el, replace, table, age, time, debounce, message} from '../ui.js';

const LIMIT = 50;

export async function render(root, params, ctx) {
  const q = params.get('q') || '';
  const lostOnly = params.get('lost') === 'true';
  const sort = params.get('sort') === 'heartbeat' ? 'heartbeat' : 'hostname';
  const offset = Math.max(0, parseInt(params.get('offset') || '0', 10) || 0);
  const go = changes => {
    const p = new URLSearchParams({q, lost: lostOnly, sort, offset});
    for (const [k, v] of Object.entries(changes)) p.set(k, v);
    if (!p.get('q')) p.delete('q');
    if (p.get('lost') !== 'true') p.delete('lost');
    if (p.get('sort') === 'hostname') p.delete('sort');
    if (p.get('offset') === '0') p.delete('offset');
    ctx.navigate('/hosts' + (p.toString() ? '?' + p : ''));
  };
  const search = el('input', {id: 'host-search', type: 'search', placeholder: 'name or IP contains…', value: q,
    oninput: debounce(() => go({q: search.value.trim(), offset: 0}), 300)});
  const body = el('div', {id: 'hosts-body'}, el('p', {class: 'muted'}, 'Loading…'));
  replace(root,
    el('h1', {}, 'Hosts'),
    el('div', {class: 'toolbar'}, search,
      el('label', {}, el('input', {type: 'checkbox', id: 'lost-only', checked: lostOnly,
        onchange: ev => go({lost: ev.target.checked, offset: 0})}), ' lost only'),
      el('label', {}, 'sort ', el('select', {id: 'host-sort', onchange: ev => go({sort: ev.target.value, offset: 0})},
        el('option', {value: 'hostname', selected: sort === 'hostname'}, 'name'),
        el('option', {value: 'heartbeat', selected: sort === 'heartbeat'}, 'oldest heartbeat')))),
    body);
  if (q) { search.focus(); search.setSelectionRange(q.length, q.length); }

  const page = await ctx.api('/api/v1/host-overview', {query: {q, lost: lostOnly ? 'true' : '', sort, limit: LIMIT, offset}});
  if (!ctx.current()) return;
  const columns = [
    {title: 'Host', cell: h => el('a', {href: '#/host?endpoint=' + encodeURIComponent(h.hostname), class: 'host-link'}, h.hostname)},
    {title: 'Heartbeat', cell: h => h.updateAt ? el('span', {title: time(h.updateAt)}, age(h.heartbeatAgeSeconds) + ' ago') : 'never'},
    {title: 'State', cell: h => h.lost ? el('strong', {}, 'lost') : 'alive'},
    {title: 'Agent', cell: h => h.agentVersion || '—'},
    {title: 'IP', cell: h => h.ip || '—'},
    {title: 'Groups', cell: h => h.groups.length ? h.groups.map(g => el('span', {class: 'tag'}, g)) : '—'},
    {title: 'Maintenance', cell: h => h.maintainEnd ? `${time(h.maintainBegin)} → ${time(h.maintainEnd)}${h.inMaintenance ? ' (now)' : ''}` : '—'},
  ];
  replace(body,
    el('p', {class: 'muted', id: 'hosts-summary'}, `${page.total} host${page.total === 1 ? '' : 's'}; lost = no heartbeat for ${age(page.lostAfterSeconds)}.`),
    table(columns, page.hosts, {
      rowClass: h => (h.lost ? 'lost' : '') + (h.inMaintenance ? ' maintenance' : ''),
      empty: q || lostOnly ? 'No host matches.' : 'No host has heartbeated yet.',
      paging: {offset, limit: LIMIT, total: page.total, onPage: o => go({offset: o})},
    }));
  root.dataset.rendered = String(performance.now());
}
