// The console's one way to the server: JSON in and out, the CSRF header on writes, 401 -> the login view.
let csrf = sessionStorage.getItem('peregrine.csrf') || '';
let onUnauthorized = () => {};

export function setCsrf(token) {
  csrf = token || '';
  if (csrf) sessionStorage.setItem('peregrine.csrf', csrf); else sessionStorage.removeItem('peregrine.csrf');
}

export function setOnUnauthorized(fn) { onUnauthorized = fn; }

/** An error from the server: its message, HTTP status and parsed body. */
export class ApiError extends Error {
  constructor(message, status, body) { super(message); this.status = status; this.body = body; }
}

/**
 * Calls path (absolute, e.g. '/api/v1/hosts' or '/console/api/graph/api/v1/counters') and answers the parsed JSON
 * (null for an empty body). query: an object of parameters (undefined/null/'' left out). Throws ApiError with the
 * server's message on a non-2xx answer; on 401 also sends the user to the login view.
 */
export async function api(path, {method = 'GET', body, query, raw = false} = {}) {
  let url = path;
  if (query) {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') q.append(k, v);
    const s = q.toString();
    if (s) url += (url.includes('?') ? '&' : '?') + s;
  }
  const headers = {'Accept': 'application/json'};
  if (method !== 'GET' && method !== 'HEAD') headers['X-Peregrine-CSRF'] = csrf;
  let payload;
  if (body !== undefined) { headers['Content-Type'] = 'application/json'; payload = JSON.stringify(body); }
  const res = await fetch(url, {method, headers, body: payload, credentials: 'same-origin'});
  const text = await res.text();
  let parsed = null;
  try { parsed = text ? JSON.parse(text) : null; } catch (e) { parsed = text; }
  if (!res.ok) {
    const message = (parsed && parsed.error) || (typeof parsed === 'string' && parsed) || `${method} ${path}: HTTP ${res.status}`;
    if (res.status === 401 && !path.endsWith('/console/api/login')) onUnauthorized(message);
    throw new ApiError(message, res.status, parsed);
  }
  if (raw) return {body: parsed, headers: res.headers, status: res.status};
  return parsed;
}

/** Shorthand for graph's API through hbs's console proxy. */
export const graphPath = p => '/console/api/graph/api/v1/' + p;
