// The client's copy of hbs's strategy rules (hbs admin StrategyRules and StrategiesApi.StrategyBody), so the editor
// refuses what hbs would refuse before anything is sent. hbs checks again on save and its errors are shown as well.

export const OPERATORS = ['==', '=', '!=', '<', '<=', '>', '>='];
export const MAX_POINTS = 1000;
const MAX_NAME = 255;
const MAX_METRIC_AND_TAGS = 510;
const MAX_TAGS = 32;
const MAX_NOTE = 1024;
const MAX_EXPRESSION = 1024;
const ONE_ARG = /^(all|max|min|sum|avg|diff|pdiff|stddev)\(#(\d{1,6})\)$/;
const TWO_ARGS = /^(lookup|kdiff|kpdiff)\(#(\d{1,6}),(\d{1,6})\)$/;
const NODATA = /^nodata\((#\d{1,6}|\d{1,6}[smh])\)$/;
const HH_MM = /^([01]\d|2[0-3]):[0-5]\d$/;
const SELECTOR = /^each\((.+)\)$/;
const CALC = /^calc\(([\s\S]*[A-Za-z"][\s\S]*)\)$/;
const CONTROL = /[\u0000-\u001f\u007f]/;

/** The function as hbs stores it (no spaces; empty = all(#1)), or an error text. */
export function checkFunc(value) {
  const f = !value ? 'all(#1)' : value.replace(/ /g, '');
  const one = ONE_ARG.exec(f);
  if (one) return points(+one[2]) || {value: f};
  if (NODATA.test(f)) return {value: f};
  const two = TWO_ARGS.exec(f);
  if (two) {
    const k = +two[2], n = +two[3];
    const bad = points(k) || points(n);
    if (bad) return bad;
    if (two[1] === 'lookup' && k > n) return {error: `lookup(#k,n) needs k <= n, got '${f}'`};
    return {value: f};
  }
  return {error: `must be one of all|max|min|sum|avg|diff|pdiff|stddev(#n), lookup|kdiff|kpdiff(#k,n) or nodata(#n)|nodata(<n>s|m|h), got '${f}'`};
}

function points(n) {
  return n < 1 || n > MAX_POINTS ? {error: `counts points from 1 to ${MAX_POINTS}, got ${n}`} : null;
}

/** A finite number from a number or numeric text (hbs takes numeric strings for rightValue), or null. */
export function number(text) {
  if (typeof text === 'number') return Number.isFinite(text) ? text : null;
  const s = String(text ?? '').trim();
  if (!s || !/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(s)) return null;
  const v = Number(s);
  return Number.isFinite(v) ? v : null;
}

/** Canonical tags (k=v,k2=v2 sorted by key), or an error text; the same rules as samples' tags. */
export function canonicalTags(raw) {
  const text = (raw || '').trim();
  if (!text) return {value: ''};
  const items = text.split(',').map(s => s.trim()).filter(s => s.length);
  if (items.length > MAX_TAGS) return {error: `at most ${MAX_TAGS} tags, got ${items.length}`};
  const seen = new Map();
  for (const item of items) {
    const eq = item.indexOf('=');
    if (eq <= 0) return {error: `'${item}' is not k=v with a non-empty key`};
    const k = item.slice(0, eq).trim(), v = item.slice(eq + 1).trim();
    if (v.includes('=') || CONTROL.test(k) || CONTROL.test(v)) return {error: `'${item}': keys and values hold no '=', ',' or control characters`};
    if (seen.has(k)) return {error: `duplicate tag key '${k}'`};
    seen.set(k, v);
  }
  return {value: [...seen.keys()].sort().map(k => `${k}=${seen.get(k)}`).join(',')};
}

function whole(value, min, max, field, errors, required) {
  if (value === '' || value === null || value === undefined) {
    if (required) errors.push({field, error: 'is required'});
    return undefined;
  }
  const n = number(value);
  if (n === null || !Number.isInteger(n)) { errors.push({field, error: `must be a whole number, got '${value}'`}); return undefined; }
  if (n < min || n > max) { errors.push({field, error: `must be between ${min} and ${max}`}); return undefined; }
  return n;
}

/** Shared by strategies and expressions: func, operator, rightValue, priority, maxStep, note. */
function checkRule(form, errors, body) {
  const func = checkFunc(form.func);
  if (func.error) errors.push({field: 'func', error: func.error}); else body.func = func.value;
  if (!form.operator) errors.push({field: 'operator', error: 'is required'});
  else if (!OPERATORS.includes(form.operator)) errors.push({field: 'operator', error: `must be one of == = != < <= > >=, got '${form.operator}'`});
  else body.operator = form.operator;
  if (String(form.rightValue ?? '').trim() === '') errors.push({field: 'rightValue', error: 'is required: the threshold to compare with'});
  else {
    const v = number(form.rightValue);
    if (v === null) errors.push({field: 'rightValue', error: `must be a finite number (the threshold), got '${form.rightValue}'`});
    else body.rightValue = v;
  }
  body.priority = whole(form.priority, 0, 6, 'priority', errors, true);
  body.maxStep = whole(form.maxStep, 0, 1000000, 'maxStep', errors, false);
  if ((form.note || '').length > MAX_NOTE) errors.push({field: 'note', error: `at most ${MAX_NOTE} characters`});
  body.note = form.note || '';
}

/**
 * Checks a strategy form ({templateId, metric, tags, func, operator, rightValue, maxStep, priority, note, runBegin,
 * runEnd}, values as typed) and answers {body, errors}: the body to send, or the errors in hbs's shape.
 */
export function checkStrategy(form) {
  const errors = [];
  const body = {};
  body.templateId = whole(form.templateId, 1, Number.MAX_SAFE_INTEGER, 'templateId', errors, true);
  const metric = (form.metric || '').trim();
  if (!metric) errors.push({field: 'metric', error: 'is required'});
  else if (/\s/.test(metric)) errors.push({field: 'metric', error: `must not contain spaces, got '${metric}'`});
  else if (metric.length > MAX_NAME) errors.push({field: 'metric', error: `at most ${MAX_NAME} characters`});
  body.metric = metric;
  const tags = canonicalTags(form.tags);
  if (tags.error) errors.push({field: 'tags', error: tags.error});
  else if (metric.length + tags.value.length > MAX_METRIC_AND_TAGS) errors.push({field: 'tags', error: `with the metric is longer than ${MAX_METRIC_AND_TAGS} characters`});
  else body.tags = tags.value;
  checkRule(form, errors, body);
  const b = (form.runBegin || '').trim(), e = (form.runEnd || '').trim();
  if (!b !== !e) errors.push({field: b ? 'runEnd' : 'runBegin', error: 'must be set together with the other end of the run window'});
  if (b && !HH_MM.test(b)) errors.push({field: 'runBegin', error: `must be HH:MM (00:00..23:59), got '${b}'`});
  if (e && !HH_MM.test(e)) errors.push({field: 'runEnd', error: `must be HH:MM (00:00..23:59), got '${e}'`});
  body.runBegin = b; body.runEnd = e;
  return {body, errors};
}

/** Checks an expression form ({expression, func, operator, rightValue, priority, maxStep, note, actionId, pause}). */
export function checkExpression(form) {
  const errors = [];
  const body = {};
  const x = (form.expression || '').trim();
  if (!x) errors.push({field: 'expression', error: 'is required'});
  else if (x.length > MAX_EXPRESSION) errors.push({field: 'expression', error: `at most ${MAX_EXPRESSION} characters`});
  else if (x.startsWith('calc')) {
    if (!CALC.test(x)) errors.push({field: 'expression', error: `must look like calc(mem.memused / mem.memtotal * 100), got '${x}'`});
  } else {
    const m = SELECTOR.exec(x);
    if (!m) errors.push({field: 'expression', error: `must look like each(metric=qps service=api) or calc(<expression>), got '${x}'`});
    else {
      const pairs = m[1].trim().split(/\s+/);
      const bad = pairs.find(p => { const eq = p.indexOf('='); return eq <= 0 || eq === p.length - 1; });
      if (bad) errors.push({field: 'expression', error: `has '${bad}' where k=v was expected`});
      else if (!pairs.some(p => p.split('=')[0] === 'metric')) errors.push({field: 'expression', error: 'must name a metric, e.g. each(metric=qps service=api)'});
    }
  }
  body.expression = x;
  checkRule(form, errors, body);
  body.actionId = whole(form.actionId, 0, Number.MAX_SAFE_INTEGER, 'actionId', errors, false) ?? 0;
  body.pause = !!form.pause;
  return {body, errors};
}
