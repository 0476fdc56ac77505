// Configuration › Templates: the inheritance tree (parentId), and for one template its own strategies and those it
// inherits from each ancestor (a child's strategy on the same metric and tags overrides its parent's, as hbs
// resolves them), its action and the groups it is bound to.
import {el, replace, toast, table} from '../../ui.js';
import {field, formError, showErrors, clearErrors, clientError} from '../ops/common.js';

export async function render(box, params, ctx) {
  const canWrite = ctx.can('editor');
  const [templates, strategies, actions] = await Promise.all([
    ctx.api('/api/v1/templates', {query: {limit: 10000, sort: 'name'}}),
    ctx.api('/api/v1/strategies', {query: {limit: 10000}}),
    ctx.api('/api/v1/actions', {query: {limit: 10000}}),
  ]);
  const byId = new Map(templates.map(t => [t.id, t]));
  const children = new Map();
  for (const t of templates) {
    const parent = byId.has(t.parentId) ? t.parentId : 0;
    if (!children.has(parent)) children.set(parent, []);
    children.get(parent).push(t);
  }
  const own = new Map();
  for (const s of strategies) {
    if (!own.has(s.templateId)) own.set(s.templateId, []);
    own.get(s.templateId).push(s);
  }
  const tree = el('div', {class: 'tree', id: 'template-tree'});
  const detail = el('div', {id: 'template-detail'});

  function branch(parent, seen) {
    const kids = children.get(parent) || [];
    if (!kids.length) return null;
    return el('ul', {}, kids.map(t => seen.has(t.id) ? null : el('li', {},
      el('button', {class: 'link template-open', 'data-id': String(t.id), onclick: () => show(t)}, t.name),
      el('span', {class: 'inherited'}, ` ${(own.get(t.id) || []).length} strategies`),
      branch(t.id, new Set([...seen, t.id])))));
  }

  function ancestors(t) {
    const chain = [];
    const seen = new Set([t.id]);
    let p = byId.get(t.parentId);
    while (p && !seen.has(p.id)) { chain.push(p); seen.add(p.id); p = byId.get(p.parentId); }
    return chain;
  }

  async function show(t) {
    const chain = ancestors(t);
    const rows = [];
    const taken = new Set();
    for (const level of [t, ...chain]) {
      for (const s of own.get(level.id) || []) {
        const key = s.metric + '|' + s.tags;
        rows.push({s, from: level, overridden: taken.has(key)});
        taken.add(key);
      }
    }
    const groups = await ctx.api('/api/v1/groups', {query: {limit: 10000}});
    const bound = groups.filter(g => (g.templateIds || []).includes(t.id));
    const action = actions.find(a => a.id === t.actionId);
    replace(detail, el('h3', {}, t.name),
      el('p', {}, 'Inherits: ', chain.length ? chain.map(c => c.name).join(' ← ') : 'nothing (a root template)'),
      el('p', {}, 'Action: ', action ? `${action.id} (teams ${action.uic || '—'})` : (t.actionId ? String(t.actionId) : 'none: alerts go nowhere')),
      el('p', {}, 'Bound to groups: ', bound.length ? bound.map(g => g.name).join(', ') : 'none'),
      table([
        {title: 'Strategy', cell: r => el('a', {href: '#/config?tab=strategies&id=' + r.s.id}, String(r.s.id))},
        {title: 'Rule', cell: r => `${r.s.metric}${r.s.tags ? '{' + r.s.tags + '}' : ''} ${r.s.func} ${r.s.operator} ${r.s.rightValue}`},
        {title: 'From', cell: r => r.from.id === t.id ? 'own' : el('span', {class: 'inherited'}, 'inherited from ' + r.from.name)},
        {title: '', cell: r => r.overridden ? el('span', {class: 'inherited'}, 'overridden (the same metric and tags nearer the template)') : ''},
      ], rows, {rowClass: r => r.from.id === t.id ? 'own' : 'inherited', empty: 'No strategies, own or inherited.'}),
      canWrite ? el('div', {class: 'toolbar'},
        el('a', {href: `#/config?tab=strategies&new=1&templateId=${t.id}`}, '+ strategy in this template'),
        el('button', {id: 'template-delete', onclick: () => remove(t)}, 'Delete template')) : null);
  }

  async function remove(t) {
    if (!confirm(`Delete template ${t.name} and its strategies?`)) return;
    try {
      await ctx.api('/api/v1/templates/' + t.id, {method: 'DELETE'});
      toast(`Template ${t.name} deleted.`);
      ctx.navigate('/config?tab=templates');
    } catch (err) {
      toast(err.message, 'error');
    }
  }

  const name = el('input', {name: 'name', 'data-field': 'name', id: 'template-name'});
  const parent = el('select', {name: 'parentId', 'data-field': 'parentId'}, el('option', {value: '0'}, 'none'),
    templates.map(t => el('option', {value: String(t.id)}, t.name)));
  const action = el('select', {name: 'actionId', 'data-field': 'actionId'}, el('option', {value: '0'}, 'none'),
    actions.map(a => el('option', {value: String(a.id)}, `${a.id}: ${a.uic || a.url || ''}`)));
  const form = el('form', {class: 'ops', id: 'template-form', onsubmit: async e => {
    e.preventDefault();
    clearErrors(form);
    const body = {name: name.value.trim(), parentId: Number(parent.value), actionId: Number(action.value), createUser: ctx.user.name};
    if (!body.name) { showErrors(form, clientError([{field: 'name', error: 'is required'}])); return; }
    try {
      const t = await ctx.api('/api/v1/templates', {method: 'POST', body});
      toast(`Template ${t.name} created.`);
      ctx.navigate('/config?tab=templates&id=' + t.id);
    } catch (err) {
      showErrors(form, err);
    }
  }}, el('h3', {}, 'New template'), field('Name', name), field('Parent', parent, 'inherits the parent\'s strategies'),
  field('Action', action), formError(), el('div', {class: 'actions'}, el('button', {type: 'submit', class: 'primary'}, 'Create')));

  replace(tree, branch(0, new Set()) || el('p', {class: 'muted'}, 'No templates.'));
  box.append(el('div', {class: 'two'}, el('div', {}, tree, canWrite ? form : null), detail));
  const wanted = byId.get(Number(params.get('id')));
  if (wanted) show(wanted);
}
