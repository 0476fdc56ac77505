import {el, replace, message} from '../ui.js';
export async function render(root, params, ctx) {
  replace(root, el('h1', {}, 'Dashboards'), message('Dashboards are being built.'));
}
