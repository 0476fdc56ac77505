// Dead letters: the events a sender gave up on (sender's /api/v1/dead-letters through the console proxy): list,
// inspect one, replay one or all, drop one. Admin only (the menu hides it from others; the proxy refuses them).
import {el, replace, toast, message, table} from '../ui.js';
import {useOpsStyles, senderPath, priority, timeMs} from './ops/common.js';

const LIMIT = 100; // the sender lists at most the newest 100

export async function render(root, params, ctx) {
  useOpsStyles();
  const list = el('section', {class: 'ops', id: 'dead-letter-list'});
  const detail = el('section', {class: 'ops', id: 'dead-letter-detail', hidden: true});
  const replayAll = el('button', {id: 'dead-letters-replay-all', onclick: () => replayEvery()}, 'Replay all');
  root.append(el('h1', {}, 'Dead letters'),
    el('p', {class: 'muted'}, 'Events a sender gave up on after its retries. A replay puts the event back on its priority ' +
      'queue; receivers already told are not told again (the delivery claims remember them).'),
    el('div', {class: 'toolbar'}, el('button', {id: 'dead-letters-refresh', onclick: () => load()}, 'Refresh'), replayAll),
    list, detail);

  async function load() {
    const answer = await ctx.api(senderPath('dead-letters'), {query: {limit: LIMIT}});
    if (!ctx.current()) return;
    const items = answer.deadLetters || [];
    replayAll.disabled = !items.length;
    replace(list, el('h2', {}, `Newest ${items.length}`), table([
      {title: 'Failed', cell: d => timeMs(d.failedAt)},
      {title: 'Priority', cell: d => prio(d) == null ? '' : priority(prio(d))},
      {title: 'Event', class: 'wrap', cell: d => summary(d)},
      {title: 'Reason', class: 'wrap', cell: d => d.reason || d.text || ''},
      {title: '', cell: d => el('span', {},
        el('button', {class: 'link inspect', onclick: () => show(d.id)}, 'inspect'), ' ',
        el('button', {class: 'replay', onclick: () => replayOne(d.id)}, 'Replay'))},
    ], items, {rowClass: () => 'dead-letter', empty: 'No dead letters: every event was delivered or is still being tried.'}));
    list.querySelectorAll('tbody tr').forEach((tr, i) => { tr.dataset.id = items[i].id; });
    const wanted = params.get('id');
    if (wanted && items.some(d => d.id === wanted)) show(wanted);
  }

  async function show(id) {
    try {
      const d = await ctx.api(senderPath('dead-letters/' + id));
      detail.hidden = false;
      replace(detail, el('h2', {}, 'Dead letter ' + id),
        el('p', {}, `Failed ${timeMs(d.failedAt)}${d.consumer ? ' at ' + d.consumer : ''}: ${d.reason || ''}`),
        el('pre', {class: 'json', id: 'dead-letter-json'}, JSON.stringify(d, null, 2)),
        el('div', {class: 'toolbar'},
          el('button', {class: 'primary', onclick: () => replayOne(id)}, 'Replay'),
          el('button', {onclick: () => drop(id)}, 'Drop')));
    } catch (e) {
      toast(e.message, 'error');
    }
  }

  async function replayOne(id) {
    try {
      await ctx.api(senderPath(`dead-letters/${id}/replay`), {method: 'POST'});
      toast(`Dead letter ${id} replayed: it is back on its priority queue.`);
      detail.hidden = true;
      load();
    } catch (e) {
      toast(`Not replayed: ${e.message}`, 'error');
    }
  }

  async function replayEvery() {
    if (!confirm('Put every dead letter back on its priority queue?')) return;
    try {
      const r = await ctx.api(senderPath('dead-letters/replay'), {method: 'POST'});
      toast(`${r.replayed} dead letters replayed.`);
      load();
    } catch (e) {
      toast(`Not replayed: ${e.message}`, 'error');
    }
  }

  async function drop(id) {
    if (!confirm(`Drop dead letter ${id}? Nobody will be told of it.`)) return;
    try {
      await ctx.api(senderPath('dead-letters/' + id), {method: 'DELETE'});
      toast(`Dead letter ${id} dropped.`);
      detail.hidden = true;
      load();
    } catch (e) {
      toast(`Not dropped: ${e.message}`, 'error');
    }
  }

  try {
    await load();
  } catch (e) {
    if (e.status === 501) { replace(list, message(e.message)); return; }
    throw e;
  }
}

/** The priority the sender recorded, else the event's own. */
function prio(d) {
  if (d.priority !== undefined && d.priority !== null) return d.priority;
  return d.event && typeof d.event === 'object' && Number.isInteger(d.event.priority) ? d.event.priority : null;
}

/** The event of a dead letter in one line: status, host, metric, id. */
function summary(d) {
  const e = d.event;
  if (!e || typeof e !== 'object') return el('code', {}, String(e ?? d.text ?? ''));
  return el('span', {}, el('span', {class: 'state ' + (e.status === 'OK' ? 'ok' : 'problem')}, e.status || '?'), ' ',
    `${e.endpoint || ''} ${e.metric || ''}`, ' ', el('code', {class: 'muted'}, e.id || ''));
}
