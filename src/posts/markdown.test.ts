// The Markdown of posts (SPEC section 12): what it renders, and the classes of the OWASP XSS filter
// evasion cheat sheet that apply to Markdown, none of which may reach the page as markup or script.
import { describe, expect, it } from 'vitest';
import { createMarkdownRenderer, excerptOf, readingMinutes, slugOf } from './markdown.js';

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
    expect(out).toContain('<th style="text-align:left">Left</th>');
    expect(out).toContain('<td style="text-align:right">1</td>');
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
  const SAFE_TAGS = new Set(
    'h2 h3 h4 h5 h6 p br hr blockquote ul ol li strong em s del code pre a img table thead tbody tr th td input span'.split(
      ' ',
    ),
  );

  /**
   * Every element of the rendered HTML is one of the allowed ones, with no event handler and no
   * address but http(s), mailto or a relative path; escaped text (`&lt;img onerror=…&gt;`) is text.
   */
  function expectHarmless(markdown: string) {
    const out = html(markdown);
    for (const [, name = '', attributes = ''] of out.matchAll(/<([a-zA-Z][\w-]*)((?:\s[^>]*)?)\/?>/g)) {
      expect(SAFE_TAGS.has(name.toLowerCase()), `<${name}> from ${markdown}`).toBe(true);
      for (const [, attribute = '', value = ''] of attributes.matchAll(/([^\s=/]+)(?:="([^"]*)")?/g)) {
        expect(attribute.toLowerCase().startsWith('on'), `${attribute} from ${markdown}`).toBe(false);
        if (attribute === 'href' || attribute === 'src') {
          // A scheme other than http(s) or mailto, or another host's `//address`: neither may pass.
          expect(value, `${attribute} from ${markdown}`).not.toMatch(
            /^\s*(?!https?:|mailto:)[a-z][a-z0-9+.-]*:|^\s*\/\//i,
          );
        }
      }
    }
    return out;
  }

  it.each([
    ['a script tag', '<script>alert(1)</script>'],
    ['an entity-encoded script tag', '&lt;script&gt;alert(1)&lt;/script&gt;'],
    ['an image with an event handler', '<img src=x onerror=alert(1)>'],
    ['an SVG', '<svg onload=alert(1)>'],
    ['an iframe', '<iframe src="javascript:alert(1)"></iframe>'],
    ['a style tag', '<style>body{background:url("javascript:alert(1)")}</style>'],
    ['a broken-out attribute', '<a href="x" onmouseover="alert(1)">x</a>'],
    ['a body onload', '<body onload=alert(1)>'],
  ])('shows raw HTML as text: %s', (_kind, markdown) => {
    const out = expectHarmless(markdown);
    expect(out).toContain('&lt;');
  });

  it.each([
    ['javascript:', '[x](javascript:alert(1))'],
    ['JaVaScRiPt: in mixed case', '[x](JaVaScRiPt:alert(1))'],
    ['javascript: with a tab inside', '[x](jav\tascript:alert(1))'],
    ['javascript: with leading spaces', '[x]( javascript:alert(1))'],
    ['entity-encoded scheme', '[x](&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1))'],
    ['hex entity-encoded scheme', '[x](&#x6A;&#x61;&#x76;&#x61;script:alert(1))'],
    ['URL-encoded scheme', '[x](javascript%3Aalert(1))'],
    ['vbscript:', '[x](vbscript:msgbox(1))'],
    ['data: HTML', '[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)'],
    ['file:', '[x](file:///etc/passwd)'],
    ['a protocol-relative address', '[x](//evil.example/x)'],
    ['a reference link', '[x][evil]\n\n[evil]: javascript:alert(1)'],
    ['an autolink', '<javascript:alert(1)>'],
  ])('refuses a dangerous link: %s', (_kind, markdown) => {
    expectHarmless(markdown);
  });

  it.each([
    ['javascript: image', '![x](javascript:alert(1))'],
    ['data: image', '![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)'],
    ['plain http image', '![x](http://tracker.example/pixel.gif)'],
    ['an image with a quote that breaks out', '![x](https://example.com/a.png"onerror="alert(1))'],
    ['an image title that breaks out', '![x](https://example.com/a.png "x\\" onerror=\\"alert(1)")'],
    ['a relative image outside the media', '![x](/api/users/me)'],
  ])('refuses a dangerous image: %s', (_kind, markdown) => {
    const out = expectHarmless(markdown);
    expect(out).not.toMatch(/<img[^>]+src="(?!https:\/\/)/);
  });

  it('escapes code, and a link inside a link text stays text', () => {
    const out = expectHarmless(
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
