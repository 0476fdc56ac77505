// The console's shell: session, navigation, and the router that loads pages/<id>.js for '#/<id>?<query>'.
import {api, setCsrf, setOnUnauthorized} from './api.js';
import {el, replace, toast, message} from './ui.js';

const RANK = {viewer: 0, editor: 1, admin: 2};

/** Every page: its id (pages/<id>.js), title, the least role that opens it, and whether it is in the menu. */
export const PAGES = [
  {id: 'hosts', title: 'Hosts', role: 'viewer', menu: true},
  {id: 'host', title: 'Host', role: 'viewer', menu: false},
  {id: 'dashboards', title: 'Dashboards', role: 'viewer', menu: true},
  {id: 'alerts', title: 'Alerts', role: 'viewer', menu: true},
  {id: 'config', title: 'Configuration', role: 'viewer', menu: true},
  {id: 'deadletters', title: 'Dead letters', role: 'admin', menu: true},
];
const HOME = 'hosts';

let user = null;       // {name, role}
let leaving = [];      // cleanups the current page registered (timers)
let generation = 0;    // a newer navigation makes an older page load drop its result

const main = () => document.getElementById('main');

function can(role) { return !!user && (RANK[user.role] ?? -1) >= (RANK[role] ?? 99); }

function navigate(hashPath) {
  const target = hashPath.startsWith('#') ? hashPath : '#' + (hashPath.startsWith('/') ? hashPath : '/' + hashPath);
  if (location.hash === target) route(); else location.hash = target;
}

function parseHash() {
  const h = location.hash.replace(/^#\/?/, '');
  const q = h.indexOf('?');
  return {id: (q < 0 ? h : h.slice(0, q)) || HOME, params: new URLSearchParams(q < 0 ? '' : h.slice(q + 1))};
}

function renderNav(current) {
  const nav = document.getElementById('nav');
  replace(nav, PAGES.filter(p => p.menu && can(p.role)).map(p =>
    el('a', {href: '#/' + p.id, class: p.id === current || (current === 'host' && p.id === 'hosts') ? 'active' : null}, p.title)));
  replace(document.getElementById('who'), user ? [
    el('span', {class: 'user', id: 'whoami'}, `${user.name} (${user.role})`), ' ',
    el('button', {class: 'link', id: 'logout', onclick: logout}, 'Log out')] : []);
}

async function route() {
  const mine = ++generation;
  leaving.forEach(fn => { try { fn(); } catch (e) { /* a cleanup must not stop navigation */ } });
  leaving = [];
  if (!user) { showLogin(); return; }
  const {id, params} = parseHash();
  const page = PAGES.find(p => p.id === id);
  renderNav(id);
  const root = main();
  replace(root, el('p', {class: 'muted'}, 'Loading…'));
  if (!page) { replace(root, message(`No page '${id}'. Pick one from the menu.`, 'error')); return; }
  if (!can(page.role)) { replace(root, message(`The ${page.title} page needs the ${page.role} role; you are ${user.role}.`, 'error')); return; }
  document.title = `${page.title} · Peregrine`;
  let mod;
  try {
    mod = await import(`./pages/${id}.js`);
  } catch (e) {
    if (mine === generation) replace(root, message(`The ${page.title} page could not be loaded: ${e.message}`, 'error'));
    return;
  }
  if (mine !== generation) return;
  if (typeof mod.render !== 'function') { replace(root, message(`pages/${id}.js has no render function.`, 'error')); return; }
  const ctx = {api, user, navigate, can, onLeave: fn => leaving.push(fn), current: () => mine === generation};
  replace(root);
  root.dataset.page = id;
  try {
    await mod.render(root, params, ctx);
  } catch (e) {
    if (mine === generation && e.status !== 401) replace(root, message(`The ${page.title} page failed: ${e.message}`, 'error'));
  }
}

function showLogin(note) {
  user = null;
  renderNav(null);
  document.title = 'Log in · Peregrine';
  const name = el('input', {id: 'login-name', name: 'name', autocomplete: 'username', required: true, autofocus: true});
  const password = el('input', {id: 'login-password', name: 'password', type: 'password', autocomplete: 'current-password', required: true});
  const status = el('p', {class: 'message error', id: 'login-error', hidden: !note}, note || '');
  const form = el('form', {class: 'login', id: 'login-form', onsubmit: async ev => {
    ev.preventDefault();
    try {
      const s = await api('/console/api/login', {method: 'POST', body: {name: name.value, password: password.value}});
      signedIn(s);
    } catch (e) {
      status.hidden = false; status.textContent = e.message;
    }
  }},
  el('h1', {}, 'Peregrine console'),
  el('label', {}, 'Name', name), el('label', {}, 'Password', password),
  el('button', {type: 'submit', id: 'login-submit'}, 'Log in'), status);
  main().dataset.page = 'login';
  replace(main(), form);
}

function signedIn(s) {
  setCsrf(s.csrf);
  user = {name: s.user, role: s.role};
  route();
}

async function logout() {
  try { await api('/console/api/logout', {method: 'POST'}); } catch (e) { /* the session may be gone already */ }
  setCsrf('');
  showLogin('Logged out.');
}

setOnUnauthorized(msg => { if (user) { setCsrf(''); showLogin(msg); } });
window.addEventListener('hashchange', route);

(async () => {
  try {
    signedIn(await api('/console/api/session'));
  } catch (e) {
    showLogin(e.status === 401 ? null : `The console could not reach hbs: ${e.message}`);
  }
})();

window.peregrineToast = toast;
