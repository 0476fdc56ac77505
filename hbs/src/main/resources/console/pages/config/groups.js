// Configuration › Host groups: each group's hosts and templates; editors create groups, add hosts and bind
// templates.
import {el, replace, toast, table} from '../../ui.js';
import {field, formError, showErrors, clearErrors, clientError} from '../ops/common.js';

const MAX_HOSTS_PER_CALL = 10000;

export async function render(box, params, ctx) {
  const canWrite = ctx.can('editor');
  const [groups, templates] = await Promise.all([
    ctx.api('/api/v1/groups', {query: {limit: 10000}}),
    ctx.api('/api/v1/templates', {query: {limit: 10000, sort: 'name'}}),
  ]);
  const tplName = new Map(templates.map(t => [t.id, t.name]));
  const detail = el('div', {id: 'group-detail'});
  const list = table([
    {title: 'Group', cell: g => el('button', {class: 'link group-open', onclick: () => show(g)}, g.name)},
    {title: 'Hosts', cell: g => String((g.hosts || []).length)},
    {title: 'Templates', class: 'wrap', cell: g => (g.templateIds || []).map(id => el('span', {class: 'tag'}, tplName.get(id) || id))},
  ], groups, {empty: 'No host groups.'});

  async function show(g) {
    const [hosts, bound] = await Promise.all([
      ctx.api(`/api/v1/groups/${g.id}/hosts`, {query: {limit: 1000}, raw: true}),
      ctx.api(`/api/v1/groups/${g.id}/templates`, {query: {limit: 1000}}),
    ]);
    const total = Number(hosts.headers.get('X-Total-Count') || hosts.body.length);
    const hostnames = el('textarea', {rows: 3, cols: 40, 'data-field': 'hostnames', placeholder: 'one hostname a line'});
    const tpl = el('select', {'data-field': 'templateId'}, templates.filter(t => !bound.some(b => b.id === t.id))
      .map(t => el('option', {value: String(t.id)}, t.name)));
    const form = el('form', {class: 'ops', id: 'group-edit'}, formError());
    if (canWrite) {
      form.append(field('Add hosts', hostnames), el('div', {class: 'actions'}, el('button', {type: 'button', onclick: addHosts}, 'Add hosts')),
        field('Bind template', tpl), el('div', {class: 'actions'}, el('button', {type: 'button', onclick: bind}, 'Bind')));
    }
    async function addHosts() {
      clearErrors(form);
      const names = hostnames.value.split(/\s+/).map(s => s.trim()).filter(Boolean);
      if (!names.length || names.length > MAX_HOSTS_PER_CALL) {
        showErrors(form, clientError([{field: 'hostnames', error: `give 1..${MAX_HOSTS_PER_CALL} hostnames`}]));
        return;
      }
      try {
        const r = await ctx.api(`/api/v1/groups/${g.id}/hosts`, {method: 'POST', body: {hostnames: names}});
        toast(`${r.bound} hosts added to ${g.name}.`);
        show(g);
      } catch (err) { showErrors(form, err); }
    }
    async function bind() {
      clearErrors(form);
      try {
        await ctx.api(`/api/v1/groups/${g.id}/templates`, {method: 'POST', body: {templateId: Number(tpl.value), bindUser: ctx.user.name}});
        toast('Template bound.');
        show(g);
      } catch (err) { showErrors(form, err); }
    }
    async function unbind(t) {
      try {
        await ctx.api(`/api/v1/groups/${g.id}/templates/${t.id}`, {method: 'DELETE'});
        toast(`Template ${t.name} unbound from ${g.name}.`);
        show(g);
      } catch (err) { toast(err.message, 'error'); }
    }
    async function removeHost(h) {
      try {
        await ctx.api(`/api/v1/groups/${g.id}/hosts/${h.id}`, {method: 'DELETE'});
        show(g);
      } catch (err) { toast(err.message, 'error'); }
    }
    replace(detail, el('h3', {}, g.name),
      el('h4', {}, 'Templates'), table([
        {title: 'Template', cell: t => el('a', {href: '#/config?tab=templates&id=' + t.id}, t.name)},
        {title: '', cell: t => canWrite ? el('button', {class: 'link', onclick: () => unbind(t)}, 'unbind') : ''},
      ], bound, {empty: 'No templates bound: its hosts get no strategies from it.'}),
      el('h4', {}, `Hosts (${total})`), table([
        {title: 'Host', cell: h => el('a', {href: '#/host?endpoint=' + encodeURIComponent(h.hostname)}, h.hostname)},
        {title: 'IP', cell: h => h.ip || ''},
        {title: '', cell: h => canWrite ? el('button', {class: 'link', onclick: () => removeHost(h)}, 'remove') : ''},
      ], hosts.body, {empty: 'No hosts.'}),
      total > hosts.body.length ? el('p', {class: 'muted'}, `The first ${hosts.body.length} of ${total}.`) : null,
      form);
  }

  const name = el('input', {'data-field': 'name', id: 'group-name'});
  const create = el('form', {class: 'ops', id: 'group-form', onsubmit: async e => {
    e.preventDefault();
    clearErrors(create);
    if (!name.value.trim()) { showErrors(create, clientError([{field: 'name', error: 'is required'}])); return; }
    try {
      const g = await ctx.api('/api/v1/groups', {method: 'POST', body: {name: name.value.trim(), createUser: ctx.user.name}});
      toast(`Group ${g.name} created.`);
      ctx.navigate('/config?tab=groups&id=' + g.id);
    } catch (err) { showErrors(create, err); }
  }}, el('h3', {}, 'New group'), field('Name', name), formError(),
  el('div', {class: 'actions'}, el('button', {type: 'submit', class: 'primary'}, 'Create')));

  box.append(el('div', {class: 'two'}, el('div', {}, list, canWrite ? create : null), detail));
  const wanted = groups.find(g => g.id === Number(params.get('id')));
  if (wanted) show(wanted);
}
