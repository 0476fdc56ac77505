// Configuration: host groups, templates (with inheritance), strategies (editor with validation and rule test),
// expressions, actions, teams and users (admin). One tab at a time: #/config?tab=strategies&id=12.
import {el} from '../ui.js';
import {useOpsStyles} from './ops/common.js';

const TABS = [
  {id: 'groups', title: 'Host groups', load: () => import('./config/groups.js').then(m => m.render)},
  {id: 'templates', title: 'Templates', load: () => import('./config/templates.js').then(m => m.render)},
  {id: 'strategies', title: 'Strategies', load: () => import('./config/strategies.js').then(m => m.render)},
  {id: 'expressions', title: 'Expressions', load: () => import('./config/others.js').then(m => m.expressions)},
  {id: 'actions', title: 'Actions', load: () => import('./config/others.js').then(m => m.actions)},
  {id: 'teams', title: 'Teams', load: () => import('./config/others.js').then(m => m.teams)},
  {id: 'users', title: 'Users', role: 'admin', load: () => import('./config/others.js').then(m => m.users)},
];

export async function render(root, params, ctx) {
  useOpsStyles();
  const visible = TABS.filter(t => !t.role || ctx.can(t.role));
  const tab = visible.find(t => t.id === params.get('tab')) || visible[0];
  root.append(el('h1', {}, 'Configuration'),
    el('div', {class: 'tabs', id: 'config-tabs', role: 'tablist'}, visible.map(t =>
      el('a', {href: '#/config?tab=' + t.id, class: t === tab ? 'active' : null, 'data-tab': t.id}, t.title))),
    ctx.can('editor') ? null : el('p', {class: 'readonly-note', id: 'config-readonly'},
      `You are ${ctx.user.role}: everything is read only here.`));
  const box = el('div', {class: 'tab-body', id: 'config-' + tab.id});
  root.append(box);
  const render = await tab.load();
  await render(box, params, ctx);
}
