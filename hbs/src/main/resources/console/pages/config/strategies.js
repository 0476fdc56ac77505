// Configuration › Strategies: the list (by template, by metric) and the editor. The editor checks function,
// operator, threshold and the other fields as hbs does (rules.js) before saving, shows hbs's own errors after, and
// runs the rule on sample input through the judge's POST /api/v1/rules/test (the `judge test` evaluator).
import {el, replace, toast, table} from '../../ui.js';
import {field, formError, showErrors, clearErrors, clientError, judgePath} from '../ops/common.js';
import {OPERATORS, checkStrategy} from './rules.js';

const LIMIT = 100;
const TEST_HOST = 'sample-host';

export async function render(box, params, ctx) {
  const canWrite = ctx.can('editor');
  const templates = await ctx.api('/api/v1/templates', {query: {limit: 10000, sort: 'name'}});
  const byId = new Map(templates.map(t => [t.id, t]));
  let templateFilter = params.get('templateId') || '';
  let metricFilter = params.get('metric') || '';
  let offset = 0;
  const list = el('div', {id: 'strategy-list'});
  const editor = el('div', {id: 'strategy-editor'});
  const templateSelect = el('select', {id: 'strategy-filter-template', onchange: e => { templateFilter = e.target.value; offset = 0; load(); }},
    el('option', {value: ''}, 'every template'),
    templates.map(t => el('option', {value: String(t.id), selected: String(t.id) === templateFilter}, t.name)));
  const metricInput = el('input', {id: 'strategy-filter-metric', placeholder: 'metric (exact)', value: metricFilter,
    onchange: e => { metricFilter = e.target.value.trim(); offset = 0; load(); }});
  box.append(el('div', {class: 'toolbar'}, templateSelect, metricInput,
    canWrite ? el('button', {id: 'strategy-new', class: 'primary', onclick: () => openEditor(null)}, 'New strategy') : null),
  el('div', {class: 'two'}, list, editor));

  async function load() {
    const res = await ctx.api('/api/v1/strategies', {raw: true, query: {templateId: templateFilter, metric: metricFilter, limit: LIMIT, offset}});
    if (!ctx.current()) return;
    const total = Number(res.headers.get('X-Total-Count') || res.body.length);
    replace(list, table([
      {title: 'Id', cell: s => String(s.id)},
      {title: 'Rule', cell: s => el('button', {class: 'link strategy-open', onclick: () => openEditor(s)},
        `${s.metric}${s.tags ? '{' + s.tags + '}' : ''} ${s.func} ${s.operator} ${s.rightValue}`)},
      {title: 'P', cell: s => 'P' + s.priority},
      {title: 'Template', cell: s => (byId.get(s.templateId) || {name: s.templateId}).name},
    ], res.body, {empty: 'No strategies.', paging: {offset, limit: LIMIT, total, onPage: o => { offset = o; load(); }}}));
  }

  function input(name, attrs = {}) {
    return el('input', {name, 'data-field': name, ...attrs});
  }

  function openEditor(s) {
    const v = s || {templateId: templateFilter ? Number(templateFilter) : (templates[0] || {}).id, metric: '', tags: '',
      func: 'all(#3)', operator: '>', rightValue: '', maxStep: 3, priority: 2, note: '', runBegin: '', runEnd: ''};
    const f = {
      templateId: el('select', {name: 'templateId', 'data-field': 'templateId'},
        templates.map(t => el('option', {value: String(t.id), selected: t.id === v.templateId}, t.name))),
      metric: input('metric', {value: v.metric, placeholder: 'cpu.idle'}),
      tags: input('tags', {value: v.tags, placeholder: 'mount=/data (optional)'}),
      func: input('func', {value: v.func, placeholder: 'all(#3)'}),
      operator: el('select', {name: 'operator', 'data-field': 'operator'}, OPERATORS.map(o => el('option', {value: o, selected: o === v.operator}, o))),
      rightValue: input('rightValue', {value: String(v.rightValue ?? ''), placeholder: '90'}),
      maxStep: input('maxStep', {value: String(v.maxStep ?? ''), size: 6}),
      priority: el('select', {name: 'priority', 'data-field': 'priority'}, [0, 1, 2, 3, 4, 5, 6].map(p => el('option', {value: String(p), selected: p === v.priority}, 'P' + p))),
      note: input('note', {value: v.note}),
      runBegin: input('runBegin', {value: v.runBegin, placeholder: 'HH:MM', size: 6}),
      runEnd: input('runEnd', {value: v.runEnd, placeholder: 'HH:MM', size: 6}),
    };
    const values = () => Object.fromEntries(Object.entries(f).map(([k, i]) => [k, i.value]));
    const samples = el('input', {id: 'rule-test-values', value: '50 95 96 97 20', size: 30});
    const step = el('input', {id: 'rule-test-step', value: '60', size: 5});
    const result = el('div', {class: 'test-result', id: 'rule-test-result'});
    const disabled = !canWrite;
    const form = el('form', {class: 'ops', id: 'strategy-form', onsubmit: e => { e.preventDefault(); save(); }},
      el('h3', {}, s ? `Strategy ${s.id}` : 'New strategy'),
      field('Template', f.templateId), field('Metric', f.metric), field('Tags', f.tags),
      field('Function', f.func, 'all|max|min|sum|avg|diff|pdiff|stddev(#n), lookup|kdiff|kpdiff(#k,n), nodata(#n)|nodata(10m)'),
      field('Operator', f.operator), field('Threshold', f.rightValue, 'the right value: a finite number'),
      field('Priority', f.priority), field('Max step', f.maxStep, 'PROBLEMs sent at most per incident; 0 = never sent'),
      field('Note', f.note), field('Runs from', el('span', {}, f.runBegin, ' to ', f.runEnd), 'empty: always'),
      formError(),
      el('div', {class: 'actions'},
        canWrite ? el('button', {type: 'submit', class: 'primary', id: 'strategy-save'}, 'Save') : el('span', {class: 'readonly-note', id: 'strategy-readonly'}, 'Read only: saving needs the editor role.'),
        canWrite && s ? el('button', {type: 'button', id: 'strategy-delete', onclick: () => remove()}, 'Delete') : null),
      el('h3', {}, 'Test on sample input'),
      field('Values', samples, 'one per step from the first: 5 4 _ 3 (gap), 10+5x6 (ramp), 7x3 (repeat)'),
      field('Step (s)', step),
      el('div', {class: 'actions'}, el('button', {type: 'button', id: 'rule-test-run', onclick: () => test()}, 'Run rule test')),
      result);
    if (disabled) Object.values(f).forEach(i => { i.disabled = true; });

    async function save() {
      clearErrors(form);
      const {body, errors} = checkStrategy(values());
      if (errors.length) { showErrors(form, clientError(errors)); return; }
      try {
        const saved = await ctx.api(s ? `/api/v1/strategies/${s.id}` : '/api/v1/strategies', {method: s ? 'PUT' : 'POST', body});
        toast(`Strategy ${saved.id} saved; judges pick it up at their next refresh (10 s).`);
        await load();
        openEditor(saved);
      } catch (err) {
        showErrors(form, err);
      }
    }

    async function remove() {
      if (!confirm(`Delete strategy ${s.id}?`)) return;
      try {
        await ctx.api(`/api/v1/strategies/${s.id}`, {method: 'DELETE'});
        toast(`Strategy ${s.id} deleted.`);
        replace(editor);
        load();
      } catch (err) {
        showErrors(form, err);
      }
    }

    async function test() {
      clearErrors(form);
      const {body, errors} = checkStrategy(values());
      if (errors.length) { showErrors(form, clientError(errors)); return; }
      const stepSeconds = Number(step.value) || 60;
      const request = {
        strategies: [{id: s ? s.id : 1, metric: body.metric, tags: body.tags, func: body.func, operator: body.operator,
          rightValue: body.rightValue, maxStep: body.maxStep ?? 1, priority: body.priority, note: body.note,
          runBegin: body.runBegin, runEnd: body.runEnd, templateId: body.templateId, hosts: [TEST_HOST]}],
        tests: [{name: 'sample input', series: [{endpoint: TEST_HOST, metric: body.metric, tags: body.tags,
          step: stepSeconds, values: samples.value}]}],
      };
      replace(result, el('p', {class: 'muted'}, 'Running…'));
      try {
        const r = await ctx.api(judgePath('rules/test'), {method: 'POST', body: request});
        // no events are expected in this request, so the runner lists each as "raised but not expected": not a problem here
        const problems = r.failures.filter(x => !x.includes('raised but not expected'));
        replace(result,
          problems.length ? el('p', {class: 'fail'}, 'The judge cannot run this rule on this input:') : el('p', {class: 'pass'},
            `${r.events.length} event${r.events.length === 1 ? '' : 's'} from ${samples.value.trim().split(/\s+/).length} values`),
          problems.length ? el('ul', {}, problems.map(p => el('li', {}, p.replace(/^request: /, '')))) : null,
          table([
            {title: 'After', cell: x => `${x.at} s`},
            {title: 'Status', cell: x => el('span', {class: 'state ' + (x.event.status === 'OK' ? 'ok' : 'problem')}, x.event.status)},
            {title: 'Step', cell: x => String(x.event.currentStep)},
            {title: 'Value', cell: x => String(x.event.leftValue)},
          ], r.events, {empty: 'Nothing fires on this input.'}));
      } catch (err) {
        replace(result, el('p', {class: 'message error'}, `Rule test failed: ${err.message}`));
      }
    }

    replace(editor, form);
  }

  await load();
  const wanted = Number(params.get('id'));
  if (wanted) {
    try { openEditor(await ctx.api('/api/v1/strategies/' + wanted)); } catch (e) { toast(e.message, 'error'); }
  } else if (params.get('new') && canWrite) {
    openEditor(null);
  }
}
