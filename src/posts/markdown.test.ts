// The Markdown of posts (SPEC section 12): what it renders, and the classes of the OWASP XSS filter
// evasion cheat sheet that apply to Markdown, none of which may reach the page as markup or script.
import { describe, expect, it } from 'vitest';
import { createMarkdownRenderer, excerptOf, readingMinutes, slugOf } from './markdown.js';
import { expectHarmless, hostileMarkdown } from './posts.fixtures.js';

const { render } = createMarkdownRenderer({ ownMediaPrefix: '/media/posts/' });
const html = (markdown: string) => render(markdown).html;

describe('Markdown', () => {
  it('renders CommonMark and GFM: emphasis, lists, quotes, tables, strikethrough, autolinks, task lists', () => {
    const out = html(
      [
        '# Title',
        '',
        'Some *emphasis*, **strong** and ~~struck~~ text, and `code`.',
        '',
        '> A quote',
        '',
        '1. one',
        '2. two',
        '',
        '- [ ] to do',
        '- [x] done',
        '',
        '| Left | Right |',
        '| :--- | ----: |',
        '| a | 1 |',
        '',
        'Visit https://example.com today.',
      ].join('\n'),
    );
    expect(out).toContain('<h2 id="heading-title">Title</h2>');
    expect(out).toContain('<em>emphasis</em>');
    expect(out).toContain('<strong>strong</strong>');
    expect(out).toContain('<s>struck</s>');
    expect(out).toContain('<code>code</code>');
    expect(out).toContain('<blockquote>');
    expect(out).toContain('<ol>');
    expect(out).toMatch(/<li class="task-list-item"><input type="checkbox" disabled \/> to do<\/li>/);
    expect(out).toMatch(/<li class="task-list-item"><input type="checkbox" disabled checked \/> done<\/li>/);
    expect(out).toContain('<th class="align-left">Left</th>');
    expect(out).toContain('<td class="align-right">1</td>');
    expect(out).toContain(
      '<a href="https://example.com" rel="nofollow ugc noopener">https://example.com</a>',
    );
  });

  it('keeps single newlines as line breaks, as the plain-text posts of the original showed them', () => {
    expect(html('first line\nsecond line')).toBe('<p>first line<br />\nsecond line</p>\n');
  });

  it('highlights fenced code once, on the server', () => {
    const out = html('```js\nconst answer = 42;\n```');
    expect(out).toContain('<pre><code class="language-js">');
    expect(out).toContain('<span class="hljs-keyword">const</span>');
  });

  it('puts headings one level under the title and gives them ids', () => {
    const out = html('## Second\n\n###### Deepest');
    expect(out).toContain('<h3 id="heading-second">Second</h3>');
    expect(out).toContain('<h6 id="heading-deepest">Deepest</h6>');
  });

  it('shows images from https and from the site’s media, lazily, with sizes and a narrower copy', () => {
    expect(html('![A cat](https://example.com/cat.jpg)')).toContain(
      '<img src="https://example.com/cat.jpg" alt="A cat" loading="lazy" />',
    );
    const own = html('![Mine](/media/posts/0f7a-1600x900.webp)');
    expect(own).toContain('src="/media/posts/0f7a-1600x900.webp"');
    expect(own).toContain('width="1600" height="900"');
    expect(own).toContain(
      'srcset="/media/posts/0f7a-1600x900-800.webp 800w, /media/posts/0f7a-1600x900.webp 1600w"',
    );
  });

  it('makes an excerpt on a word, a reading time and a slug', () => {
    const text = render('word '.repeat(500)).text;
    const excerpt = excerptOf(text);
    expect(excerpt.length).toBeLessThanOrEqual(201);
    expect(excerpt.endsWith('word…')).toBe(true);
    expect(readingMinutes(text)).toBe(2);
    expect(slugOf('Héllo, Wörld! Ça va?', '')).toBe('hello-woerld-ca-va');
    expect(slugOf(null, 'No title here, so the first eight words make the slug of this post')).toBe(
      'no-title-here-so-the-first-eight-words',
    );
    expect(slugOf('x'.repeat(79) + ' tail', '')).toBe('x'.repeat(79));
    expect(slugOf('!!!', '???')).toBe('post');
  });
});

describe('hostile Markdown (OWASP XSS filter evasion classes)', () => {
  const harmless = (markdown: string) => {
    const out = html(markdown);
    expectHarmless(out, markdown);
    return out;
  };

  it.each(hostileMarkdown.rawHtml)('shows raw HTML as text: %s', (_kind, markdown) => {
    expect(harmless(markdown)).toContain('&lt;');
  });

  it.each(hostileMarkdown.links)('refuses a dangerous link: %s', (_kind, markdown) => {
    harmless(markdown);
  });

  it.each(hostileMarkdown.images)('refuses a dangerous image: %s', (_kind, markdown) => {
    expect(harmless(markdown)).not.toMatch(/<img[^>]+src="(?!https:\/\/)/);
  });

  it('escapes code, and a link inside a link text stays text', () => {
    const out = harmless(
      '`<script>alert(1)</script>`\n\n[<img src=x onerror=alert(1)>](https://example.com)',
    );
    expect(out).toContain('<code>&lt;script&gt;alert(1)&lt;/script&gt;</code>');
  });

  it('puts rel="nofollow ugc noopener" on every link', () => {
    const out = html('[a](https://a.example) [b](/posts/2) [c](mailto:x@example.com)');
    expect(out.match(/<a /g)).toHaveLength(3);
    expect(out.match(/rel="nofollow ugc noopener"/g)).toHaveLength(3);
  });
});
