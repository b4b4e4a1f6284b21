import { escapeHtml } from '@kitajs/html';

/**
 * A whole HTML document from a JSX tree. Templates here have no async components, so the tree is
 * already a string; an async one slipping in is a programming error, caught at once.
 */
export function renderDocument(root: JSX.Element): string {
  if (typeof root !== 'string') throw new TypeError('renderDocument() got an async template');
  return '<!doctype html>' + root;
}

/**
 * Text for an attribute value. Kitajs escapes only `"` in attributes, so a title holding `&amp;` or
 * `&lt;` would reach the browser as `&` or `<`; every special character is escaped here instead (which
 * leaves kitajs no `"` to escape again).
 */
export function attributeText(value: string): string {
  return escapeHtml(value);
}
