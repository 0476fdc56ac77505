// A list with paging and an edit form for one hbs resource (expressions, actions, teams, users): the shared part of
// those Configuration tabs. Each field: {name, label, type: text|number|select|checkbox, options, hint}.
import {el, replace, toast, table} from '../../ui.js';
import {field, formError, showErrors, clearErrors, clientError} from '../ops/common.js';

const LIMIT = 100;

/**
 * spec: {path, what, columns, fields, blank, check(values) -> {body, errors}, writeRole, extra(row, refresh) -> node}
 * Answers after the first load.
 */
export async function crud(box, params, ctx, spec) {
  const canWrite = ctx.can(spec.writeRole || 'editor');
  let offset = 0;
  const list = el('div', {class: 'crud-list', id: spec.what + '-list'});
  const editor = el('div', {class: 'crud-editor', id: spec.what + '-editor'});
  box.append(el('div', {class: 'toolbar'},
    canWrite ? el('button', {class: 'primary', id: spec.what + '-new', onclick: () => open(null)}, 'New ' + spec.what) : null,
    canWrite ? null : el('span', {class: 'readonly-note'}, `Read only: changing ${spec.what}s needs the ${spec.writeRole || 'editor'} role.`)),
  el('div', {class: 'two'}, list, editor));

  async function load() {
    const res = await ctx.api(spec.path, {raw: true, query: {limit: LIMIT, offset}});
    if (!ctx.current()) return;
    const total = Number(res.headers.get('X-Total-Count') || res.body.length);
    replace(list, table([...spec.columns,
      {title: '', cell: r => el('button', {class: 'link crud-open', onclick: () => open(r)}, canWrite ? 'edit' : 'view')}],
    res.body, {empty: `No ${spec.what}s.`, paging: {offset, limit: LIMIT, total, onPage: o => { offset = o; load(); }}}));
  }

  function open(row) {
    const v = row || spec.blank;
    const inputs = {};
    const rows = spec.fields.map(f => {
      let input;
      if (f.type === 'select') {
        input = el('select', {name: f.name}, f.options.map(o => el('option', {value: String(o.value), selected: String(o.value) === String(v[f.name])}, o.label)));
      } else if (f.type === 'checkbox') {
        input = el('input', {type: 'checkbox', name: f.name});
        input.checked = !!v[f.name];
      } else {
        input = el('input', {name: f.name, value: v[f.name] === undefined || v[f.name] === null ? '' : String(v[f.name]), size: f.size || 40});
      }
      input.dataset.field = f.name;
      input.disabled = !canWrite;
      inputs[f.name] = input;
      return field(f.label, input, f.hint);
    });
    const values = () => Object.fromEntries(Object.entries(inputs).map(([k, i]) => [k, i.type === 'checkbox' ? i.checked : i.value]));
    const form = el('form', {class: 'ops', id: spec.what + '-form', onsubmit: async e => {
      e.preventDefault();
      clearErrors(form);
      const {body, errors} = spec.check(values(), row);
      if (errors.length) { showErrors(form, clientError(errors)); return; }
      try {
        const saved = await ctx.api(row ? `${spec.path}/${row.id}` : spec.path, {method: row ? 'PUT' : 'POST', body});
        toast(`${spec.what} ${saved.id} saved.`);
        await load();
        open(saved);
      } catch (err) { showErrors(form, err); }
    }}, el('h3', {}, row ? `${spec.what} ${row.id}` : 'New ' + spec.what), rows, formError(),
    canWrite ? el('div', {class: 'actions'}, el('button', {type: 'submit', class: 'primary'}, 'Save'),
      row ? el('button', {type: 'button', onclick: () => remove(row)}, 'Delete') : null) : null,
    row && spec.extra ? spec.extra(row, () => open(row), canWrite) : null);
    replace(editor, form);
  }

  async function remove(row) {
    if (!confirm(`Delete ${spec.what} ${row.id}?`)) return;
    try {
      await ctx.api(`${spec.path}/${row.id}`, {method: 'DELETE'});
      toast(`${spec.what} ${row.id} deleted.`);
      replace(editor);
      load();
    } catch (err) { toast(err.message, 'error'); }
  }

  await load();
  const wanted = Number(params.get('id'));
  if (wanted) {
    try { open(await ctx.api(`${spec.path}/${wanted}`)); } catch (e) { toast(e.message, 'error'); }
  }
}

/** A check that only trims text fields and requires some of them. */
export function simpleCheck(required, numbers = []) {
  return values => {
    const errors = [];
    const body = {};
    for (const [k, v] of Object.entries(values)) {
      if (typeof v === 'boolean') { body[k] = v; continue; }
      const s = String(v).trim();
      if (required.includes(k) && !s) errors.push({field: k, error: 'is required'});
      if (numbers.includes(k)) {
        if (s && !/^\d+$/.test(s)) errors.push({field: k, error: `must be a whole number, got '${s}'`});
        body[k] = s ? Number(s) : 0;
      } else {
        body[k] = s;
      }
    }
    return {body, errors};
  };
}

export {clientError};
