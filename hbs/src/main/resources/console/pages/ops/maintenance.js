// The Alerts page's host maintenance: one host's window (hbs sends no strategies for it meanwhile).
import {el, replace, toast, table} from '../../ui.js';
import {field, formError, showErrors, clearErrors, clientError, timeMs, localInput, fromLocalInput} from './common.js';

export function maintenanceSection(ctx) {
  const canWrite = ctx.can('editor');
  const node = el('section', {class: 'ops', id: 'maintenance'});
  const list = el('div', {id: 'maintenance-list'});
  const host = el('input', {id: 'maintenance-host', 'data-field': 'hostname', placeholder: 'hostname', list: 'maintenance-hosts'});
  const hosts = el('datalist', {id: 'maintenance-hosts'});
  const now = Math.floor(Date.now() / 1000);
  const begin = el('input', {type: 'datetime-local', id: 'maintenance-begin', 'data-field': 'begin', value: localInput(now)});
  const end = el('input', {type: 'datetime-local', id: 'maintenance-end', 'data-field': 'end', value: localInput(now + 3600)});
  const form = el('form', {class: 'ops', id: 'maintenance-form', hidden: !canWrite, onsubmit: submit},
    field('Host', host), field('Begins', begin), field('Ends', end, 'a window with begin = end = 0 clears it (button below)'),
    formError(),
    el('div', {class: 'actions'}, el('button', {type: 'submit', class: 'primary', id: 'maintenance-submit'}, 'Set maintenance'),
      el('button', {type: 'button', id: 'maintenance-clear', onclick: e => submit(e, true)}, 'Clear maintenance')));

  async function findHost(name) {
    const found = await ctx.api('/api/v1/hosts', {query: {hostnamePrefix: name, limit: 20}});
    return found.find(h => h.hostname === name);
  }

  async function submit(e, clear = false) {
    e.preventDefault();
    clearErrors(form);
    const name = host.value.trim();
    const b = clear ? {begin: 0, end: 0} : {begin: fromLocalInput(begin.value), end: fromLocalInput(end.value)};
    const problems = [];
    if (!name) problems.push({field: 'hostname', error: 'is required'});
    if (!clear && !Number.isFinite(b.begin)) problems.push({field: 'begin', error: 'is required'});
    if (!clear && !Number.isFinite(b.end)) problems.push({field: 'end', error: 'is required'});
    if (!clear && b.end < b.begin) problems.push({field: 'end', error: 'must not be before begin'});
    if (problems.length) { showErrors(form, clientError(problems)); return; }
    try {
      const h = await findHost(name);
      if (!h) { showErrors(form, clientError([{field: 'hostname', error: `no host named '${name}'`}])); return; }
      await ctx.api(`/api/v1/hosts/${h.id}/maintenance`, {method: 'PUT', body: b});
      toast(clear ? `Maintenance of ${name} cleared.` : `${name} is in maintenance ${timeMs(b.begin * 1000)} – ${timeMs(b.end * 1000)}.`);
      load();
    } catch (err) {
      showErrors(form, err);
    }
  }

  /** The hosts with a maintenance window that has not ended (from the first 10,000 hosts). */
  async function load() {
    const all = await ctx.api('/api/v1/hosts', {query: {limit: 10000}});
    if (!ctx.current()) return;
    const t = Math.floor(Date.now() / 1000);
    replace(hosts, all.slice(0, 500).map(h => el('option', {value: h.hostname})));
    const inWindow = all.filter(h => h.maintainEnd && h.maintainEnd > t);
    replace(list, table([
      {title: 'Host', cell: h => h.hostname},
      {title: 'Begins', cell: h => timeMs(h.maintainBegin * 1000)},
      {title: 'Ends', cell: h => timeMs(h.maintainEnd * 1000)},
      {title: 'Now', cell: h => h.maintainBegin <= t ? el('span', {class: 'state silenced'}, 'in maintenance') : el('span', {class: 'state pending'}, 'ahead')},
      {title: '', cell: h => canWrite ? el('button', {class: 'link', onclick: () => { host.value = h.hostname; form.scrollIntoView(); }}, 'edit') : ''},
    ], inWindow, {empty: 'No host is in (or scheduled for) maintenance.'}));
  }

  node.append(el('h2', {}, 'Host maintenance'),
    el('p', {class: 'muted'}, 'While a host is in its window hbs sends no strategies for it: nothing is judged. Use a silence to keep judging but stop the telling.'),
    list, hosts, form);
  return {node, load};
}
