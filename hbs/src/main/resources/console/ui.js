// Small shared helpers for pages: elements, tables with paging, a toast, ages and times.

/** el('div', {class: 'x', onclick: fn}, 'text', child, [more]) */
export function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') e.addEventListener(k.slice(2), v);
    else if (k === 'class') e.className = v;
    else if (k === 'dataset') Object.assign(e.dataset, v);
    else if (k === 'value') e.value = v;
    else e.setAttribute(k, v === true ? '' : v);
  }
  append(e, children);
  return e;
}

function append(parent, children) {
  for (const c of children) {
    if (c === undefined || c === null || c === false) continue;
    if (Array.isArray(c)) append(parent, c);
    else parent.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

/** Empties node and puts children in it. */
export function replace(node, ...children) { node.replaceChildren(); append(node, children); return node; }

let toastTimer;
/** A short message at the top; kind 'error' stays until dismissed or replaced. */
export function toast(message, kind = 'info') {
  const t = document.getElementById('toast');
  if (!t) return;
  t.className = 'show ' + kind;
  replace(t, el('span', {}, message), el('button', {class: 'link', onclick: () => { t.className = ''; }}, '×'));
  clearTimeout(toastTimer);
  if (kind !== 'error') toastTimer = setTimeout(() => { t.className = ''; }, 4000);
}

/** A message in the page itself (an empty list, an error while loading). */
export function message(text, kind = 'info') { return el('p', {class: 'message ' + kind}, text); }

/** 42 s, 3 min, 5 h, 2 d */
export function age(seconds) {
  if (seconds === null || seconds === undefined || seconds < 0) return '—';
  if (seconds < 90) return Math.round(seconds) + ' s';
  if (seconds < 5400) return Math.round(seconds / 60) + ' min';
  if (seconds < 129600) return Math.round(seconds / 3600) + ' h';
  return Math.round(seconds / 86400) + ' d';
}

/** Unix seconds -> 'YYYY-MM-DD HH:MM:SS' in the browser's zone; 0 -> '—'. */
export function time(unixSeconds) {
  if (!unixSeconds) return '—';
  const d = new Date(unixSeconds * 1000);
  const p = n => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/**
 * A table: columns [{title, cell: row => node|text, class}], rows, and when paging {offset, limit, total,
 * onPage(offset)} a pager below it. Answers the wrapper element.
 */
export function table(columns, rows, {paging, rowClass, empty = 'Nothing to show.'} = {}) {
  const head = el('tr', {}, columns.map(c => el('th', {class: c.class}, c.title)));
  const body = rows.map(r => el('tr', {class: rowClass ? rowClass(r) : null},
    columns.map(c => el('td', {class: c.class}, c.cell(r)))));
  const t = el('table', {class: 'grid'}, el('thead', {}, head), el('tbody', {}, body));
  const wrap = el('div', {class: 'table'}, t);
  if (!rows.length) wrap.append(message(empty));
  if (paging) wrap.append(pager(paging));
  return wrap;
}

export function pager({offset, limit, total, onPage}) {
  const last = Math.max(0, Math.floor((total - 1) / limit) * limit);
  const from = total === 0 ? 0 : offset + 1;
  const to = Math.min(offset + limit, total);
  return el('div', {class: 'pager'},
    el('button', {disabled: offset <= 0, onclick: () => onPage(0)}, '« first'),
    el('button', {disabled: offset <= 0, onclick: () => onPage(Math.max(0, offset - limit))}, '‹ prev'),
    el('span', {class: 'range'}, `${from}–${to} of ${total}`),
    el('button', {disabled: offset + limit >= total, onclick: () => onPage(offset + limit)}, 'next ›'),
    el('button', {disabled: offset >= last, onclick: () => onPage(last)}, 'last »'));
}

/** Calls fn at most once per wait ms after the last call (search boxes). */
export function debounce(fn, wait = 250) {
  let t;
  return (...args) => { clearTimeout(t); t = setTimeout(() => fn(...args), wait); };
}
