import {el, replace, message} from '../ui.js';
export async function render(root, params, ctx) {
  replace(root, el('h1', {}, params.get('endpoint') || 'Host'), message('The host page is being built.'));
}
