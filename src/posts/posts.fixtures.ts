import { expect } from 'vitest';
import { createPost, type App, type TestUser } from '../../test/support/index.js';

/** For the security tests: a `{post_id}` of the owner's. */
export const resourceFixtures = {
  post_id: (app: App, owner: TestUser) => createPost(app, owner, { title: 'mine', content: 'my own words' }),
};

const SAFE_TAGS = new Set(
  'h2 h3 h4 h5 h6 p br hr blockquote ul ol li strong em s del code pre a img table thead tbody tr th td input span'.split(
    ' ',
  ),
);

/**
 * Every element of rendered HTML is one of the allowed ones, with no event handler and no address but
 * http(s), mailto or a relative path; escaped text (`&lt;img onerror=…&gt;`) is text.
 */
export function expectHarmless(html: string, source: string): void {
  for (const [, name = '', attributes = ''] of html.matchAll(/<([a-zA-Z][\w-]*)((?:\s[^>]*)?)\/?>/g)) {
    expect(SAFE_TAGS.has(name.toLowerCase()), `<${name}> from ${source}`).toBe(true);
    for (const [, attribute = '', value = ''] of attributes.matchAll(/([^\s=/]+)(?:="([^"]*)")?/g)) {
      expect(attribute.toLowerCase().startsWith('on'), `${attribute} from ${source}`).toBe(false);
      if (attribute === 'href' || attribute === 'src') {
        // A scheme other than http(s) or mailto, or another host's `//address`: neither may pass.
        expect(value, `${attribute} from ${source}`).not.toMatch(
          /^\s*(?!https?:|mailto:)[a-z][a-z0-9+.-]*:|^\s*\/\//i,
        );
      }
    }
  }
}

/** The classes of the OWASP XSS filter evasion cheat sheet that apply to Markdown, by what they try. */
export const hostileMarkdown = {
  rawHtml: [
    ['a script tag', '<script>alert(1)</script>'],
    ['an entity-encoded script tag', '&lt;script&gt;alert(1)&lt;/script&gt;'],
    ['an image with an event handler', '<img src=x onerror=alert(1)>'],
    ['an SVG', '<svg onload=alert(1)>'],
    ['an iframe', '<iframe src="javascript:alert(1)"></iframe>'],
    ['a style tag', '<style>body{background:url("javascript:alert(1)")}</style>'],
    ['a broken-out attribute', '<a href="x" onmouseover="alert(1)">x</a>'],
    ['a body onload', '<body onload=alert(1)>'],
  ],
  links: [
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
  ],
  images: [
    ['javascript: image', '![x](javascript:alert(1))'],
    ['data: image', '![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)'],
    ['plain http image', '![x](http://tracker.example/pixel.gif)'],
    ['an image with a quote that breaks out', '![x](https://example.com/a.png"onerror="alert(1))'],
    ['an image title that breaks out', '![x](https://example.com/a.png "x\\" onerror=\\"alert(1)")'],
    ['a relative image outside the media', '![x](/api/users/me)'],
  ],
} satisfies Record<string, [kind: string, markdown: string][]>;
