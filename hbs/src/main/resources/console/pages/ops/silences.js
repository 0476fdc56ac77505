// The Alerts page's silences: the ones not yet ended (or all), a form to create one, expiring one.
// hbs checks every rule (docs/ALERTING.md, "Silences"); the form checks the same ones first and shows hbs's errors.
import {el, replace, toast, table} from '../../ui.js';
import {field, formError, showErrors, clearErrors, clientError, timeMs, localInput, fromLocalInput} from './common.js';

const NAMES = ['endpoint', 'metric', 'strategyId', 'expressionId', 'priority'];
const MAX_MATCHERS = 16;
const MAX_VALUE = 255;
const MAX_COMMENT = 1024;
const MAX_DAYS = 366;
const TAG_KEY = /^[^\s=,]{1,128}$/;

/** The client's copy of hbs's silence rules; answers [{field, error}] (empty when the body may be sent). */
export function checkSilence(body) {
  const errors = [];
  if (!body.matchers.length) errors.push({field: 'matchers', error: 'give at least one matcher'});
  if (body.matchers.length > MAX_MATCHERS) errors.push({field: 'matchers', error: `at most ${MAX_MATCHERS} matchers`});
  body.matchers.forEach((m, i) => {
    const f = `matchers[${i}]`;
    if (!(NAMES.includes(m.name) || (m.name.startsWith('tags.') && TAG_KEY.test(m.name.slice(5))))) {
      errors.push({field: f + '.name', error: `must be ${NAMES.join(', ')} or tags.<key>, got '${m.name}'`});
    }
    if (m.value.length > MAX_VALUE) errors.push({field: f + '.value', error: `at most ${MAX_VALUE} characters`});
    if (m.regex) {
      try { new RegExp(m.value); } catch (e) { errors.push({field: f + '.value', error: 'not a regular expression: ' + e.message}); }
    }
    if (!m.regex && m.name === 'priority' && m.value !== '' && !/^[0-6]$/.test(m.value)) {
      errors.push({field: f + '.value', error: 'a priority is one digit 0..6'});
    }
  });
  if (body.matchers.length && body.matchers.every(m => m.regex ? new RegExpSafe(m.value).matchesEmpty() : m.value === '')) {
    errors.push({field: 'matchers', error: 'these matchers all match the empty text: they would silence nearly everything'});
  }
  if (!Number.isFinite(body.endsAt)) errors.push({field: 'endsAt', error: 'is required'});
  else if (body.endsAt <= body.startsAt) errors.push({field: 'endsAt', error: 'must be after the start'});
  else if (body.endsAt - body.startsAt > MAX_DAYS * 86400) errors.push({field: 'endsAt', error: `at most ${MAX_DAYS} days after the start`});
  if (body.comment.length > MAX_COMMENT) errors.push({field: 'comment', error: `at most ${MAX_COMMENT} characters`});
  return errors;
}

class RegExpSafe {
  constructor(source) { try { this.re = new RegExp('^(?:' + source + ')$'); } catch (e) { this.re = null; } }
  matchesEmpty() { return !!this.re && this.re.test(''); }
}

export function silencesSection(ctx) {
  const canWrite = ctx.can('editor');
  const node = el('section', {class: 'ops', id: 'silences'});
  const list = el('div', {id: 'silence-list'});
  let state = 'live';
  const stateSelect = el('select', {id: 'silence-state', onchange: e => { state = e.target.value; load(); }},
    ['live', 'active', 'pending', 'expired', ''].map(s => el('option', {value: s}, s || 'all')));
  const rows = el('div', {class: 'matchers'});
  const start = el('input', {type: 'datetime-local', id: 'silence-start', 'data-field': 'startsAt'});
  const end = el('input', {type: 'datetime-local', id: 'silence-end', 'data-field': 'endsAt'});
  const comment = el('input', {id: 'silence-comment', 'data-field': 'comment', maxlength: MAX_COMMENT, placeholder: 'why'});
  const form = el('form', {class: 'ops', id: 'silence-form', hidden: !canWrite, onsubmit: submit},
    el('h3', {}, 'New silence'),
    el('div', {'data-field': 'matchers'}, rows),
    el('div', {class: 'actions'}, el('button', {type: 'button', id: 'silence-add-matcher', onclick: () => addRow()}, '+ matcher')),
    field('Starts', start, 'empty: now'),
    field('Ends', end, el('span', {}, ['1h', '4h', '1d', '7d'].map(d => el('button', {type: 'button', class: 'link',
      onclick: () => { end.value = localInput(base() + durations[d]); }}, d + ' ')))),
    field('Comment', comment),
    formError(),
    el('div', {class: 'actions'}, el('button', {type: 'submit', class: 'primary', id: 'silence-submit'}, 'Create silence')));
  const durations = {'1h': 3600, '4h': 14400, '1d': 86400, '7d': 604800};
  const base = () => { const s = fromLocalInput(start.value); return Number.isFinite(s) ? s : Math.floor(Date.now() / 1000); };

  function addRow(name = 'endpoint', value = '', regex = false) {
    const i = rows.children.length;
    const nameInput = el('input', {class: 'matcher-name', list: 'silence-names', value: name, size: 14, 'data-field': `matchers[${i}].name`});
    const valueInput = el('input', {class: 'matcher-value', value, size: 28, 'data-field': `matchers[${i}].value`});
    const regexBox = el('input', {type: 'checkbox', class: 'matcher-regex'});
    regexBox.checked = regex;
    rows.append(el('div', {class: 'matcher'}, nameInput, el('span', {}, '='), valueInput,
      el('label', {}, regexBox, ' regex'), el('button', {type: 'button', class: 'link', onclick: e => e.target.parentNode.remove()}, 'remove')));
  }

  function body() {
    return {
      matchers: [...rows.querySelectorAll('.matcher')].map(r => ({
        name: r.querySelector('.matcher-name').value.trim(), value: r.querySelector('.matcher-value').value,
        regex: r.querySelector('.matcher-regex').checked})),
      startsAt: base(), endsAt: fromLocalInput(end.value), comment: comment.value.trim(),
    };
  }

  async function submit(e) {
    e.preventDefault();
    clearErrors(form);
    const b = body();
    const problems = checkSilence(b);
    if (problems.length) { showErrors(form, clientError(problems)); return; }
    try {
      const s = await ctx.api('/api/v1/silences', {method: 'POST', body: b});
      toast(`Silence ${s.id} created (${s.state}); senders apply it within their refresh (10 s).`);
      replace(rows); addRow(); comment.value = '';
      load();
    } catch (err) {
      showErrors(form, err);
    }
  }

  async function expire(s) {
    if (!confirm(`Expire silence ${s.id} now?`)) return;
    try {
      await ctx.api('/api/v1/silences/' + s.id, {method: 'DELETE'});
      toast(`Silence ${s.id} expired.`);
      load();
    } catch (err) {
      toast(`Not expired: ${err.message}`, 'error');
    }
  }

  async function load() {
    const items = await ctx.api('/api/v1/silences', {query: {state, sort: '-id', limit: 200}});
    if (!ctx.current()) return;
    replace(list, table([
      {title: 'Id', cell: s => String(s.id)},
      {title: 'Matchers', class: 'wrap', cell: s => s.matchers.map(m => el('span', {class: 'tag'}, `${m.name}${m.regex ? '=~' : '='}${m.value}`))},
      {title: 'State', cell: s => el('span', {class: 'state ' + s.state}, s.state)},
      {title: 'Starts', cell: s => timeMs(s.startsAt * 1000)},
      {title: 'Ends', cell: s => timeMs(s.endsAt * 1000)},
      {title: 'Author', cell: s => s.author},
      {title: 'Comment', class: 'wrap', cell: s => s.comment},
      {title: '', cell: s => canWrite && s.state !== 'expired' ? el('button', {class: 'expire', onclick: () => expire(s)}, 'Expire') : ''},
    ], items, {empty: 'No silences.'}));
  }

  /** Fills the form from an open incident: its host and metric. */
  function prefill(incident) {
    replace(rows);
    addRow('endpoint', incident.endpoint);
    addRow('metric', incident.metric);
    if (!end.value) end.value = localInput(Math.floor(Date.now() / 1000) + 3600);
    comment.focus();
    form.scrollIntoView({behavior: 'smooth'});
  }

  addRow();
  node.append(el('h2', {}, 'Silences'),
    el('datalist', {id: 'silence-names'}, [...NAMES, 'tags.'].map(n => el('option', {value: n}))),
    el('div', {class: 'toolbar'}, el('span', {}, 'Show'), stateSelect,
      el('span', {class: 'muted'}, 'A silence keeps the judge judging but stops the telling; the sender honours it.')),
    list, form);
  return {node, load, prefill};
}
