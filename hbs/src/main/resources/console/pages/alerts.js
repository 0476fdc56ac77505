// Alerts: what is in PROBLEM now (hbs's open incidents), recent events with recoveries, acknowledging (through the
// sender), silences and host maintenance. Filters live in the URL (#/alerts?priority=1&endpoint=web-1&metric=x).
import {el, replace, toast, message, table, age} from '../ui.js';
import {useOpsStyles, senderPath, priority, timeMs} from './ops/common.js';
import {silencesSection} from './ops/silences.js';
import {maintenanceSection} from './ops/maintenance.js';

const REFRESH_MS = 15000;
const EVENTS_LIMIT = 50;
const EVENT_KINDS = 'opened,recovered,acknowledged,silenced';

export async function render(root, params, ctx) {
  useOpsStyles();
  const filters = {
    priority: params.get('priority') || '',
    endpoint: params.get('endpoint') || '',
    metric: params.get('metric') || '',
  };
  const canWrite = ctx.can('editor');
  const open = el('section', {class: 'ops', id: 'open-incidents'});
  const recent = el('section', {class: 'ops', id: 'recent-events'});
  let eventsOffset = 0;

  const apply = () => {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(filters)) if (v) q.set(k, v);
    ctx.navigate('/alerts' + (q.toString() ? '?' + q : ''));
  };
  const prioritySelect = el('select', {id: 'filter-priority', onchange: e => { filters.priority = e.target.value; apply(); }},
    el('option', {value: ''}, 'any priority'),
    [0, 1, 2, 3, 4, 5, 6].map(p => el('option', {value: String(p), selected: filters.priority === String(p)}, 'P' + p)));
  const endpointInput = el('input', {id: 'filter-endpoint', placeholder: 'host (exact)', value: filters.endpoint});
  const metricInput = el('input', {id: 'filter-metric', placeholder: 'metric (exact)', value: filters.metric});
  const filterForm = el('form', {class: 'toolbar', id: 'alert-filters', onsubmit: e => {
    e.preventDefault();
    filters.endpoint = endpointInput.value.trim();
    filters.metric = metricInput.value.trim();
    apply();
  }}, prioritySelect, endpointInput, metricInput, el('button', {type: 'submit'}, 'Filter'),
  el('button', {type: 'button', onclick: () => { filters.priority = filters.endpoint = filters.metric = ''; apply(); }}, 'Clear'),
  el('button', {type: 'button', id: 'alerts-refresh', onclick: () => refresh()}, 'Refresh'),
  el('span', {class: 'muted'}, `refreshes every ${REFRESH_MS / 1000} s`));

  root.append(el('h1', {}, 'Alerts'), filterForm, open, recent);

  async function loadOpen() {
    const res = await ctx.api('/api/v1/open-incidents', {query: {...filters, limit: 500}, raw: true});
    if (!ctx.current()) return;
    const rows = res.body;
    const total = Number(res.headers.get('X-Total-Count') || rows.length);
    const now = Date.now();
    replace(open, el('h2', {}, `In PROBLEM now (${total})`),
      total > rows.length ? message(`Showing the ${rows.length} most urgent of ${total}; narrow the filters.`) : null,
      table([
        {title: 'Priority', cell: r => priority(r.priority)},
        {title: 'Host', cell: r => el('a', {href: '#/host?endpoint=' + encodeURIComponent(r.endpoint)}, r.endpoint)},
        {title: 'Metric', cell: r => r.metric},
        {title: 'Rule', cell: r => ruleLink(r)},
        {title: 'Since', cell: r => el('span', {title: timeMs(r.openedAt)}, age((now - r.openedAt) / 1000))},
        {title: 'Step', cell: r => String(r.lastStep)},
        {title: 'State', cell: r => state(r)},
        {title: '', cell: r => canWrite ? actions(r) : ''},
      ], rows, {rowClass: r => 'incident' + (r.acknowledged ? ' acked' : ''), empty: 'Nothing is in PROBLEM.'}));
    open.querySelectorAll('tbody tr').forEach((tr, i) => { tr.dataset.eventId = rows[i].eventId; });
  }

  function ruleLink(r) {
    if (r.strategyId) return el('a', {href: '#/config?tab=strategies&id=' + r.strategyId}, 'strategy ' + r.strategyId);
    if (r.expressionId) return el('a', {href: '#/config?tab=expressions&id=' + r.expressionId}, 'expression ' + r.expressionId);
    return el('span', {class: 'muted', title: r.eventId}, r.eventId.split('_')[0] === 'm' ? 'nodata' : r.eventId);
  }

  function state(r) {
    if (r.acknowledged) {
      return el('span', {class: 'state ack', title: `${timeMs(r.acknowledgedAt)}: ${r.comment || ''}`},
        `acknowledged by ${r.acknowledgedBy}` + (r.comment ? ` — ${r.comment}` : ''));
    }
    if (r.silenced) return el('span', {class: 'state silenced', title: r.silence}, 'silenced');
    return el('span', {class: 'state problem'}, 'PROBLEM');
  }

  function actions(r) {
    const cell = el('span', {class: 'row-actions'});
    const silence = el('button', {class: 'link', onclick: () => silences.prefill(r)}, 'Silence');
    if (r.acknowledged) { cell.append(silence); return cell; }
    const ack = el('button', {class: 'ack', onclick: () => replace(cell, ackForm(r, cell))}, 'Acknowledge');
    cell.append(ack, ' ', silence);
    return cell;
  }

  function ackForm(r, cell) {
    const comment = el('input', {class: 'ack-comment', placeholder: 'comment (what you are doing)', maxlength: 1024, size: 30});
    const form = el('form', {class: 'inline ack-form', onsubmit: async e => {
      e.preventDefault();
      try {
        await ctx.api(senderPath('incidents/' + encodeURIComponent(r.eventId) + '/ack'),
          {method: 'POST', body: {by: ctx.user.name, comment: comment.value.trim()}});
        toast(`Acknowledged ${r.endpoint} ${r.metric}: its repeats stop, its recovery is still sent.`);
        refresh();
      } catch (err) {
        toast(`Not acknowledged: ${err.message}`, 'error');
      }
    }}, comment, el('button', {type: 'submit', class: 'primary'}, 'Acknowledge'),
    el('button', {type: 'button', onclick: () => replace(cell, actions(r))}, 'Cancel'));
    setTimeout(() => comment.focus(), 0);
    return form;
  }

  async function loadRecent() {
    const res = await ctx.api('/api/v1/incident-events', {raw: true, query: {
      kind: EVENT_KINDS, endpoint: filters.endpoint, metric: filters.metric, priority: filters.priority,
      limit: EVENTS_LIMIT, offset: eventsOffset}});
    if (!ctx.current()) return;
    const total = Number(res.headers.get('X-Total-Count') || res.body.length);
    replace(recent, el('h2', {}, 'Recent events'), table([
      {title: 'When', cell: r => timeMs(r.at)},
      {title: 'What', cell: r => el('span', {class: 'state ' + kindClass(r.kind)}, r.kind)},
      {title: 'Priority', cell: r => priority(r.priority)},
      {title: 'Host', cell: r => r.endpoint},
      {title: 'Metric', cell: r => r.metric},
      {title: 'Who / detail', class: 'wrap', cell: r => [r.receiver, r.detail].filter(Boolean).join(': ')},
      {title: 'Event', cell: r => el('code', {}, r.eventId)},
    ], res.body, {empty: 'No events recorded (the senders write them to hbs).',
      paging: {offset: eventsOffset, limit: EVENTS_LIMIT, total, onPage: o => { eventsOffset = o; loadRecent(); }}}));
  }

  const silences = silencesSection(ctx);
  const maintenance = maintenanceSection(ctx);
  root.append(silences.node, maintenance.node);
  if (!canWrite) {
    root.append(el('p', {class: 'readonly-note'}, `You are ${ctx.user.role}: acknowledging, silences and maintenance need the editor role.`));
  }

  async function refresh() {
    try {
      await Promise.all([loadOpen(), loadRecent(), silences.load()]);
    } catch (e) {
      if (e.status !== 401 && ctx.current()) toast(`Alerts: ${e.message}`, 'error');
    }
  }

  await Promise.all([loadOpen(), loadRecent(), silences.load(), maintenance.load()]);
  const timer = setInterval(() => { if (ctx.current()) refresh(); }, REFRESH_MS);
  ctx.onLeave(() => clearInterval(timer));
}

function kindClass(kind) {
  return {opened: 'problem', recovered: 'ok', acknowledged: 'ack', silenced: 'silenced'}[kind] || '';
}
