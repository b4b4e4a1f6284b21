import slugify from '@sindresorhus/slugify';
import hljs from 'highlight.js/lib/common';
import MarkdownIt from 'markdown-it';
import anchor from 'markdown-it-anchor';
import sanitizeHtml from 'sanitize-html';

/**
 * Bumped whenever the rendering below changes what it makes of the same Markdown: posts rendered by an
 * older version are rendered again (posts.service.ts).
 */
export const RENDERER_VERSION = 2;

export interface RenderedPost {
  /** Safe HTML: made by the rules below, then passed through an allowlist. */
  html: string;
  /** The text a reader reads, for the excerpt and the reading time. */
  text: string;
}

/**
 * A post's Markdown as the site shows it (SPEC section 12): CommonMark with GFM tables, strikethrough,
 * autolinks, task lists and fenced code (highlighted here, once, when the post is written), single
 * newlines kept as line breaks, raw HTML shown as text. Links go only to http(s), mailto and relative
 * addresses, and carry rel="nofollow ugc noopener"; images come only from https addresses and the
 * site's own media, and load lazily; headings start at h2 (the title is the page's h1) and get ids.
 */
export function createMarkdownRenderer(options: { ownMediaPrefix: string }) {
  const md = new MarkdownIt({
    html: false,
    linkify: true,
    breaks: true,
    typographer: false,
    highlight: (code, language) => {
      if (!language || !hljs.getLanguage(language)) return '';
      return hljs.highlight(code, { language, ignoreIllegals: true }).value;
    },
  });
  md.validateLink = (url) => isAllowedLink(url.trim());
  md.use(anchor, {
    slugify: (text: string) => `heading-${slugify(text) || 'section'}`,
    tabIndex: false,
  });
  md.use(taskLists);

  // The page's title is its h1: a post's headings go one level down.
  md.renderer.rules.heading_open = (tokens, index, settings, _env, self) => {
    const token = tokens[index]!;
    token.tag = `h${Math.min(6, Number(token.tag.slice(1)) + 1)}`;
    return self.renderToken(tokens, index, settings);
  };
  md.renderer.rules.heading_close = (tokens, index, settings, _env, self) => {
    const token = tokens[index]!;
    token.tag = `h${Math.min(6, Number(token.tag.slice(1)) + 1)}`;
    return self.renderToken(tokens, index, settings);
  };
  md.renderer.rules.link_open = (tokens, index, settings, _env, self) => {
    tokens[index]!.attrSet('rel', 'nofollow ugc noopener');
    return self.renderToken(tokens, index, settings);
  };
  // A wide table scrolls inside its own box, keeping the table's semantics and the page's width.
  md.renderer.rules.table_open = (tokens, index, settings, _env, self) =>
    `<div class="table-scroll">${self.renderToken(tokens, index, settings)}`;
  md.renderer.rules.table_close = (tokens, index, settings, _env, self) =>
    `${self.renderToken(tokens, index, settings)}</div>`;
  // Column alignment as a class: the site's Content-Security-Policy refuses inline styles.
  for (const cell of ['th_open', 'td_open'] as const) {
    md.renderer.rules[cell] = (tokens, index, settings, _env, self) => {
      const token = tokens[index]!;
      const align = /text-align:(left|right|center)/.exec(token.attrGet('style') ?? '')?.[1];
      if (token.attrs) token.attrs = token.attrs.filter(([name]) => name !== 'style');
      if (align) token.attrSet('class', `align-${align}`);
      return self.renderToken(tokens, index, settings);
    };
  }
  const defaultImage = md.renderer.rules.image!;
  md.renderer.rules.image = (tokens, index, settings, env, self) => {
    const token = tokens[index]!;
    const src = token.attrGet('src') ?? '';
    // An image from anywhere else is shown as its description, not loaded.
    if (!isAllowedImage(src, options.ownMediaPrefix)) return md.utils.escapeHtml(token.content);
    token.attrSet('loading', 'lazy');
    const own = ownMediaSizes(src, options.ownMediaPrefix);
    if (own) {
      token.attrSet('width', String(own.width));
      token.attrSet('height', String(own.height));
      if (own.smaller) {
        token.attrSet('srcset', `${own.smaller.src} ${own.smaller.width}w, ${src} ${own.width}w`);
        token.attrSet('sizes', `(max-width: ${own.smaller.width}px) 100vw, ${own.smaller.width}px`);
      }
    }
    return defaultImage(tokens, index, settings, env, self);
  };

  return {
    render: (markdown: string): RenderedPost => {
      const html = sanitize(md.render(markdown), options.ownMediaPrefix);
      return { html, text: plainText(html) };
    },
  };
}

export type MarkdownRenderer = ReturnType<typeof createMarkdownRenderer>;

function isAllowedLink(url: string): boolean {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase();
  // No scheme: a relative address (a path, a fragment, a query), unless it starts like `//host`.
  if (scheme === undefined) return !url.startsWith('//');
  return scheme === 'http' || scheme === 'https' || scheme === 'mailto';
}

function isAllowedImage(src: string, ownMediaPrefix: string): boolean {
  return /^https:\/\//i.test(src) || (src.startsWith(ownMediaPrefix) && !src.includes('..'));
}

/**
 * The sizes of an image stored by the media feature: its name carries them (`<uuid>-1600x900.webp`),
 * and the narrower copy made beside it (`<uuid>-1600x900-800.webp`) serves small screens.
 */
function ownMediaSizes(src: string, ownMediaPrefix: string) {
  if (!src.startsWith(ownMediaPrefix)) return undefined;
  const match = /-(\d{1,5})x(\d{1,5})\.(webp|jpg)$/.exec(src);
  if (!match) return undefined;
  const width = Number(match[1]);
  const height = Number(match[2]);
  const smallerWidth = 800;
  return {
    width,
    height,
    smaller:
      width > smallerWidth
        ? { src: src.replace(/\.(webp|jpg)$/, `-${smallerWidth}.$1`), width: smallerWidth }
        : undefined,
  };
}

/** `- [ ] a task` and `- [x] done` as disabled checkboxes. */
function taskLists(md: MarkdownIt): void {
  md.core.ruler.after('inline', 'task-lists', (state) => {
    const tokens = state.tokens;
    for (let i = 2; i < tokens.length; i += 1) {
      const inline = tokens[i]!;
      if (inline.type !== 'inline' || tokens[i - 1]!.type !== 'paragraph_open') continue;
      if (tokens[i - 2]!.type !== 'list_item_open') continue;
      const first = inline.children?.[0];
      const match = first?.type === 'text' ? /^\[([ xX])\] /.exec(first.content) : null;
      if (!first || !match) continue;
      first.content = first.content.slice(match[0].length);
      const box = new state.Token('html_inline', '', 0);
      box.content = `<input type="checkbox" disabled${match[1] === ' ' ? '' : ' checked'}> `;
      inline.children!.unshift(box);
      tokens[i - 2]!.attrJoin('class', 'task-list-item');
    }
  });
}

/** The allowlist every rendered post passes, whatever the renderer made: defence in depth. */
function sanitize(html: string, ownMediaPrefix: string): string {
  return sanitizeHtml(html, {
    allowedTags: [
      'h2',
      'h3',
      'h4',
      'h5',
      'h6',
      'p',
      'br',
      'hr',
      'blockquote',
      'ul',
      'ol',
      'li',
      'strong',
      'em',
      's',
      'del',
      'code',
      'pre',
      'a',
      'img',
      'div',
      'table',
      'thead',
      'tbody',
      'tr',
      'th',
      'td',
      'input',
      'span',
    ],
    allowedAttributes: {
      a: ['href', 'rel', 'title'],
      img: ['src', 'alt', 'title', 'loading', 'width', 'height', 'srcset', 'sizes'],
      h2: ['id'],
      h3: ['id'],
      h4: ['id'],
      h5: ['id'],
      h6: ['id'],
      code: ['class'],
      div: ['class'],
      span: ['class'],
      li: ['class'],
      ol: ['start'],
      th: ['class'],
      td: ['class'],
      input: ['type', 'checked', 'disabled'],
    },
    allowedClasses: {
      code: ['language-*'],
      div: ['table-scroll'],
      th: ['align-left', 'align-right', 'align-center'],
      td: ['align-left', 'align-right', 'align-center'],
      span: ['hljs-*'],
      li: ['task-list-item'],
    },
    allowedStyles: {},
    allowedSchemes: ['http', 'https', 'mailto'],
    allowedSchemesByTag: { img: ['https'] },
    allowProtocolRelative: false,
    exclusiveFilter: (frame) =>
      (frame.tag === 'input' && frame.attribs.type !== 'checkbox') ||
      (frame.tag === 'img' && !isAllowedImage(frame.attribs.src ?? '', ownMediaPrefix)),
    transformTags: {
      a: (tagName, attribs) => ({ tagName, attribs: { ...attribs, rel: 'nofollow ugc noopener' } }),
    },
  });
}

/** The text of safe HTML: tags dropped, entities decoded, whitespace folded. */
function plainText(html: string): string {
  const text = sanitizeHtml(html.replace(/<\/(p|li|h[2-6]|pre|blockquote|tr)>/g, '$& '), {
    allowedTags: [],
    allowedAttributes: {},
  });
  return decodeEntities(text).replace(/\s+/g, ' ').trim();
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", apos: "'" };

function decodeEntities(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|#39|apos);/g, (_all, name: string) => ENTITIES[name] ?? '');
}

/** The first `limit` characters of the text, ended at a word, with an ellipsis when cut. */
export function excerptOf(text: string, limit = 200): string {
  if (text.length <= limit) return text;
  const cut = text.slice(0, limit + 1);
  const lastSpace = cut.lastIndexOf(' ');
  return `${(lastSpace > limit * 0.6 ? cut.slice(0, lastSpace) : cut.slice(0, limit)).replace(/[\s,.;:!?—–-]+$/, '')}…`;
}

/** Minutes to read, at 220 words a minute; at least one. */
export function readingMinutes(text: string): number {
  const words = text.split(/\s+/).filter(Boolean).length;
  return Math.max(1, Math.round(words / 220));
}

/** The part of a post's URL after its id: from the title, or the first words; at most 80 characters. */
export function slugOf(title: string | null, text: string): string {
  const source = title?.trim() || text.split(/\s+/).slice(0, 8).join(' ');
  let slug = slugify(source).slice(0, 80);
  if (slug.length === 80 && slug.includes('-')) slug = slug.slice(0, slug.lastIndexOf('-'));
  return slug.replace(/-+$/, '') || 'post';
}
