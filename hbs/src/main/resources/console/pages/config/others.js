// Configuration › Expressions, Actions, Teams and Users, each a crud() list and form.
import {el, toast, table} from '../../ui.js';
import {crud, simpleCheck} from './crud.js';
import {OPERATORS, checkExpression} from './rules.js';

const PRIORITIES = [0, 1, 2, 3, 4, 5, 6].map(p => ({value: p, label: 'P' + p}));

export function expressions(box, params, ctx) {
  return crud(box, params, ctx, {
    path: '/api/v1/expressions', what: 'expression',
    columns: [
      {title: 'Id', cell: x => String(x.id)},
      {title: 'Rule', class: 'wrap', cell: x => `${x.expression} ${x.func} ${x.operator} ${x.rightValue}`},
      {title: 'P', cell: x => 'P' + x.priority},
      {title: 'Action', cell: x => String(x.actionId || '—')},
      {title: 'State', cell: x => x.pause ? el('span', {class: 'state expired'}, 'paused') : 'on'},
    ],
    blank: {expression: '', func: 'all(#1)', operator: '>', rightValue: '', priority: 2, maxStep: 3, note: '', actionId: 0, pause: false},
    fields: [
      {name: 'expression', label: 'Expression', hint: 'each(metric=qps service=api) or calc(mem.memused / mem.memtotal * 100)', size: 60},
      {name: 'func', label: 'Function'},
      {name: 'operator', label: 'Operator', type: 'select', options: OPERATORS.map(o => ({value: o, label: o}))},
      {name: 'rightValue', label: 'Threshold'},
      {name: 'priority', label: 'Priority', type: 'select', options: PRIORITIES},
      {name: 'maxStep', label: 'Max step'},
      {name: 'note', label: 'Note'},
      {name: 'actionId', label: 'Action id', hint: '0: none'},
      {name: 'pause', label: 'Paused', type: 'checkbox'},
    ],
    check: values => checkExpression(values),
  });
}

export function actions(box, params, ctx) {
  return crud(box, params, ctx, {
    path: '/api/v1/actions', what: 'action',
    columns: [
      {title: 'Id', cell: a => String(a.id)},
      {title: 'Teams (uic)', cell: a => a.uic || '—'},
      {title: 'Callback', class: 'wrap', cell: a => a.callback ? a.url : '—'},
    ],
    blank: {uic: '', url: '', callback: false, beforeCallbackSms: false, beforeCallbackMail: false, afterCallbackSms: false, afterCallbackMail: false},
    fields: [
      {name: 'uic', label: 'Teams', hint: 'team names, comma separated: who is told'},
      {name: 'url', label: 'Callback URL'},
      {name: 'callback', label: 'Call back', type: 'checkbox'},
      {name: 'beforeCallbackSms', label: 'SMS before callback', type: 'checkbox'},
      {name: 'beforeCallbackMail', label: 'Mail before callback', type: 'checkbox'},
      {name: 'afterCallbackSms', label: 'SMS after callback', type: 'checkbox'},
      {name: 'afterCallbackMail', label: 'Mail after callback', type: 'checkbox'},
    ],
    check: simpleCheck([]),
  });
}

export function teams(box, params, ctx) {
  return crud(box, params, ctx, {
    path: '/api/v1/teams', what: 'team',
    columns: [
      {title: 'Team', cell: t => t.name},
      {title: 'Users', class: 'wrap', cell: t => (t.users || []).map(u => el('span', {class: 'tag'}, u.name))},
      {title: 'About', class: 'wrap', cell: t => t.resume || ''},
    ],
    blank: {name: '', resume: ''},
    fields: [{name: 'name', label: 'Name'}, {name: 'resume', label: 'About'}],
    check: simpleCheck(['name']),
    extra: (team, refresh, canWrite) => members(team, refresh, canWrite, ctx),
  });
}

/** A team's members, with adding an existing user (their contacts as hbs has them) and removing one. */
function members(team, refresh, canWrite, ctx) {
  const pick = el('input', {list: 'team-user-names', placeholder: 'user name', 'data-field': 'users'});
  const names = el('datalist', {id: 'team-user-names'});
  ctx.api('/api/v1/users', {query: {limit: 10000}}).then(users => {
    names.replaceChildren(...users.map(u => el('option', {value: u.name})));
    names.users = users;
  }).catch(() => {});
  async function add() {
    const u = (names.users || []).find(x => x.name === pick.value.trim());
    if (!u) { toast(`No user named '${pick.value.trim()}'`, 'error'); return; }
    const {name, cnname, email, phone, im} = u;
    try {
      await ctx.api(`/api/v1/teams/${team.id}/users`, {method: 'POST', body: {users: [{name, cnname, email, phone, im}]}});
      toast(`${u.name} added to ${team.name}.`);
      team.users = [...(team.users || []), u];
      refresh();
    } catch (err) { toast(err.message, 'error'); }
  }
  async function removeUser(u) {
    try {
      await ctx.api(`/api/v1/teams/${team.id}/users/${u.id}`, {method: 'DELETE'});
      team.users = team.users.filter(x => x.id !== u.id);
      refresh();
    } catch (err) { toast(err.message, 'error'); }
  }
  return el('div', {}, el('h4', {}, 'Members'), table([
    {title: 'User', cell: u => u.name}, {title: 'Mail', cell: u => u.email || ''}, {title: 'IM', cell: u => u.im || ''},
    {title: '', cell: u => canWrite ? el('button', {type: 'button', class: 'link', onclick: () => removeUser(u)}, 'remove') : ''},
  ], team.users || [], {empty: 'No members.'}),
  canWrite ? el('div', {class: 'toolbar'}, pick, names, el('button', {type: 'button', onclick: add}, 'Add member')) : null);
}

export function users(box, params, ctx) {
  return crud(box, params, ctx, {
    path: '/api/v1/users', what: 'user', writeRole: 'admin',
    columns: [
      {title: 'Name', cell: u => u.name}, {title: 'Role', cell: u => u.role || ''},
      {title: 'Mail', cell: u => u.email || ''}, {title: 'Phone', cell: u => u.phone || ''},
    ],
    blank: {name: '', cnname: '', email: '', phone: '', im: '', role: 'viewer'},
    fields: [
      {name: 'name', label: 'Name'}, {name: 'cnname', label: 'Full name'}, {name: 'email', label: 'Mail'},
      {name: 'phone', label: 'Phone'}, {name: 'im', label: 'IM'},
      {name: 'role', label: 'Role', type: 'select', options: ['viewer', 'editor', 'admin'].map(r => ({value: r, label: r}))},
    ],
    check: simpleCheck(['name']),
    extra: (user, refresh, canWrite) => canWrite ? password(user, ctx) : null,
  });
}

function password(user, ctx) {
  const input = el('input', {type: 'password', autocomplete: 'new-password', 'data-field': 'password'});
  return el('div', {class: 'toolbar'}, el('span', {}, 'New password'), input,
    el('button', {type: 'button', onclick: async () => {
      try {
        await ctx.api(`/api/v1/users/${user.id}/password`, {method: 'PUT', body: {password: input.value}});
        input.value = '';
        toast(`Password of ${user.name} set; their sessions are signed out.`);
      } catch (err) { toast(err.message, 'error'); }
    }}, 'Set password'));
}
