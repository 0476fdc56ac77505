// Helpers shared by the Alerts, Configuration and Dead letters pages (console/ops.css holds their styles).
import {el} from '../../ui.js';

/** Adds console/ops.css to the document once (a module cannot import a stylesheet in every browser). */
export function useOpsStyles() {
  if (document.getElementById('ops-css')) return;
  document.head.append(el('link', {id: 'ops-css', rel: 'stylesheet', href: 'ops.css'}));
}

/** The sender's HTTP API through hbs's console proxy. */
export const senderPath = p => '/console/api/sender/api/v1/' + p;
/** The judge's HTTP API through hbs's console proxy. */
export const judgePath = p => '/console/api/judge/api/v1/' + p;

/** P0 (most urgent) .. P6 as a coloured badge. */
export function priority(p) {
  return el('span', {class: 'prio p' + p, title: 'priority ' + p}, 'P' + p);
}

/** Unix ms -> local 'YYYY-MM-DD HH:MM:SS'. */
export function timeMs(ms) {
  if (!ms) return '—';
  const d = new Date(ms);
  const p = n => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/** A value for <input type="datetime-local"> from unix seconds, in the browser's zone. */
export function localInput(unixSeconds) {
  const d = new Date(unixSeconds * 1000);
  const p = n => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** Unix seconds from an <input type="datetime-local"> value, or NaN. */
export function fromLocalInput(value) {
  return value ? Math.floor(new Date(value).getTime() / 1000) : NaN;
}

/**
 * Shows an error in a form: the message in the form's .form-error box, and each field named (the server's
 * {errors: [{field, error}]}, or the client's own checks in the same shape) next to the input with that data-field.
 */
export function showErrors(form, error) {
  clearErrors(form);
  const box = form.querySelector('.form-error');
  const body = error.body || {};
  const list = Array.isArray(body.errors) && body.errors.length ? body.errors
    : (body.field ? [{field: body.field, error: body.error}] : []);
  if (box) { box.hidden = false; box.textContent = error.message; }
  for (const item of list) {
    const input = form.querySelector(`[data-field="${CSS.escape(item.field)}"]`);
    if (input) {
      input.classList.add('invalid');
      input.after(el('span', {class: 'field-error'}, item.error));
    }
  }
}

export function clearErrors(form) {
  form.querySelectorAll('.field-error').forEach(n => n.remove());
  form.querySelectorAll('.invalid').forEach(n => n.classList.remove('invalid'));
  const box = form.querySelector('.form-error');
  if (box) { box.hidden = true; box.textContent = ''; }
}

/** An error raised by a client-side check, shaped like the server's 400 so showErrors shows both alike. */
export function clientError(errors) {
  const e = new Error(errors.map(x => `${x.field}: ${x.error}`).join('; '));
  e.body = {errors};
  return e;
}

/** A labelled form row. */
export function field(label, input, hint) {
  return el('label', {class: 'row'}, el('span', {class: 'label'}, label), input,
    hint ? el('small', {class: 'muted'}, hint) : null);
}

/** An element for a form's overall error, hidden until showErrors fills it. */
export const formError = () => el('p', {class: 'message error form-error', hidden: true});
