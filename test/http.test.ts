import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { capturedLogs, createTestApp, logIn, signUp, type TestApp } from './support/index.js';

const HSTS = 'max-age=63072000; includeSubDomains';

type Injected = Awaited<ReturnType<TestApp['app']['inject']>>;

function expectSecurityHeaders(response: Injected, referrerPolicy = 'strict-origin-when-cross-origin') {
  expect(response.headers['x-frame-options']).toBe('SAMEORIGIN');
  expect(response.headers['x-content-type-options']).toBe('nosniff');
  expect(response.headers['referrer-policy']).toBe(referrerPolicy);
  const csp = String(response.headers['content-security-policy'] ?? '');
  expect(csp).toContain("script-src 'self'");
  const scriptSrc = csp
    .split(';')
    .map((directive) => directive.trim())
    .find((directive) => directive.startsWith('script-src '));
  expect(scriptSrc).toBeDefined();
  expect(scriptSrc).not.toContain("'unsafe-inline'");
  expect(scriptSrc).not.toContain("'unsafe-eval'");
}

/**
 * Closes a test app whose database was closed by the test: `app.close()` then fails, so the helper's
 * own cleanup (dropping the PostgreSQL database, removing the data folder) is done here.
 */
let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());
beforeEach(() => t.reset());

describe('security headers', () => {
  it('are on API answers, API errors, HTML errors and the documentation', async () => {
    const user = await signUp(t.app);
    const responses: [string, Injected][] = [
      ['API 200', await t.app.inject('/api/posts')],
      [
        'API 201',
        await t.app.inject({
          method: 'POST',
          url: '/api/posts',
          headers: user.headers,
          payload: { content: 'x' },
        }),
      ],
      ['API 401', await t.app.inject({ method: 'POST', url: '/api/posts', payload: { content: 'x' } })],
      ['API 404', await t.app.inject('/api/nothing-here')],
      ['API 404 post', await t.app.inject('/api/posts/999')],
      ['API 422', await t.app.inject('/api/posts?limit=0')],
      ['HTML 404', await t.app.inject('/no-such-page')],
      ['health', await t.app.inject('/health')],
      ['docs', await t.app.inject('/docs')],
      ['docs/', await t.app.inject('/docs/')],
      ['redoc', await t.app.inject('/redoc')],
      ['openapi.json', await t.app.inject('/openapi.json')],
    ];
    for (const [name, response] of responses) {
      expect(response.statusCode, name).toBeLessThan(500);
      expectSecurityHeaders(response);
    }
    expect(responses.map(([, response]) => response.statusCode)).toEqual([
      200, 201, 401, 404, 404, 422, 404, 200, 200, 200, 200, 200,
    ]);
  });

  it('never send Strict-Transport-Security over plain HTTP, even with a spoofed X-Forwarded-Proto', async () => {
    const plain = await t.app.inject('/api/posts');
    expect(plain.headers['strict-transport-security']).toBeUndefined();
    const spoofed = await t.app.inject({ url: '/api/posts', headers: { 'x-forwarded-proto': 'https' } });
    expect(spoofed.statusCode).toBe(200);
    expect(spoofed.headers['strict-transport-security']).toBeUndefined();
    const spoofedPage = await t.app.inject({
      url: '/no-such-page',
      headers: { 'x-forwarded-proto': 'https' },
    });
    expect(spoofedPage.headers['strict-transport-security']).toBeUndefined();
  });

  it('send Strict-Transport-Security when a trusted proxy says the request came over HTTPS', async () => {
    const proxied = await createTestApp({ TRUST_PROXY: '127.0.0.1' });
    try {
      const https = await proxied.app.inject({
        url: '/api/posts',
        headers: { 'x-forwarded-proto': 'https' },
      });
      expect(https.statusCode).toBe(200);
      expect(https.headers['strict-transport-security']).toBe(HSTS);
      const httpsError = await proxied.app.inject({
        url: '/api/nothing',
        headers: { 'x-forwarded-proto': 'https' },
      });
      expect(httpsError.statusCode).toBe(404);
      expect(httpsError.headers['strict-transport-security']).toBe(HSTS);
      const http = await proxied.app.inject({ url: '/api/posts', headers: { 'x-forwarded-proto': 'http' } });
      expect(http.headers['strict-transport-security']).toBeUndefined();
      const direct = await proxied.app.inject('/api/posts');
      expect(direct.headers['strict-transport-security']).toBeUndefined();
    } finally {
      await proxied.close();
    }
  });

  it('use Referrer-Policy no-referrer on the reset page', async () => {
    const reset = await t.app.inject('/reset-password?token=abc');
    expectSecurityHeaders(reset, 'no-referrer');
    const bare = await t.app.inject('/reset-password');
    expect(bare.headers['referrer-policy']).toBe('no-referrer');
    const other = await t.app.inject('/reset-password-not?token=abc');
    expect(other.headers['referrer-policy']).toBe('strict-origin-when-cross-origin');
  });
});

describe('JSON under /api, HTML elsewhere', () => {
  it('answers an unknown /api path with a JSON 404', async () => {
    for (const url of [
      '/api/nothing-here',
      '/api',
      '/api/',
      '/api/posts/1/nothing',
      '/api/users/1/nothing?x=1',
    ]) {
      const response = await t.app.inject(url);
      expect(response.statusCode, url).toBe(404);
      expect(response.headers['content-type'], url).toMatch(/^application\/json/);
      expect(response.json(), url).toEqual({ detail: 'Not Found' });
    }
    const post = await t.app.inject({ method: 'POST', url: '/api/nothing', payload: { a: 1 } });
    expect(post.statusCode).toBe(404);
    expect(post.json()).toEqual({ detail: 'Not Found' });
  });

  it('answers an unknown page with an HTML 404 page', async () => {
    for (const url of ['/no-such-page', '/apinope', '/posts/abc/nothing', '/no/such/page?q=1']) {
      const response = await t.app.inject(url);
      expect(response.statusCode, url).toBe(404);
      expect(response.headers['content-type'], url).toMatch(/^text\/html/);
      expect(response.body, url).toContain('404');
      expect(response.body, url).toMatch(/<html/i);
      expect(() => {
        JSON.parse(response.body);
      }, url).toThrow();
    }
    const post = await t.app.inject({ method: 'POST', url: '/no-such-page', payload: { a: 1 } });
    expect(post.statusCode).toBe(404);
    expect(post.headers['content-type']).toMatch(/^text\/html/);
  });

  it('never answers an API error with HTML', async () => {
    const user = await signUp(t.app);
    const responses = [
      await t.app.inject('/api/posts/abc'),
      await t.app.inject('/api/posts/999'),
      await t.app.inject({ method: 'POST', url: '/api/posts', payload: { content: 'x' } }),
      await t.app.inject({
        method: 'POST',
        url: '/api/posts',
        headers: user.headers,
        payload: { content: '' },
      }),
      await t.app.inject({
        method: 'POST',
        url: '/api/users',
        headers: { 'content-type': 'application/json' },
        payload: '{"username": ',
      }),
    ];
    expect(responses.map((response) => response.statusCode)).toEqual([422, 404, 401, 422, 422]);
    for (const response of responses) {
      expect(response.headers['content-type']).toMatch(/^application\/json/);
      expect(response.json()).toHaveProperty('detail');
      expect(response.body).not.toMatch(/<html/i);
    }
  });
});

describe('request bodies', () => {
  it('answers a text/plain body with 422, not 415', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/users',
      headers: { 'content-type': 'text/plain' },
      payload: JSON.stringify({
        username: 'plain',
        email: 'plain@example.com',
        password: 'long enough password',
      }),
    });
    expect(response.statusCode).toBe(422);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(Array.isArray(response.json<{ detail: unknown }>().detail)).toBe(true);
    const users = await t.app.inject('/api/users');
    expect(users.statusCode).toBe(404);
  });

  it('answers an empty JSON body with 422', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/users',
      headers: { 'content-type': 'application/json' },
      payload: '',
    });
    expect(response.statusCode).toBe(422);
    const detail = response.json<{ detail: { loc: unknown[]; type: string; msg: string }[] }>().detail;
    expect(Array.isArray(detail)).toBe(true);
    expect(detail[0]?.loc[0]).toBe('body');
  });

  it('answers invalid JSON with 422', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/users',
      headers: { 'content-type': 'application/json' },
      payload: '{"username": "x",',
    });
    expect(response.statusCode).toBe(422);
    const detail = response.json<{ detail: { loc: unknown[] }[] }>().detail;
    expect(detail[0]?.loc[0]).toBe('body');
  });

  it('answers a body larger than 1 MiB with 413 and a JSON detail', async () => {
    const payload = JSON.stringify({
      username: 'big',
      email: 'big@example.com',
      password: 'x'.repeat(1024 * 1024 + 10),
    });
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/users',
      headers: { 'content-type': 'application/json' },
      payload,
    });
    expect(response.statusCode).toBe(413);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    const body = response.json<{ detail: unknown }>();
    expect(typeof body.detail).toBe('string');
    expect(String(body.detail).length).toBeGreaterThan(0);
    expect((await t.app.inject('/api/users')).statusCode).toBe(404);
  });
});

describe('API documentation', () => {
  const DOCUMENTED: [string, string][] = [
    ['post', '/api/users'],
    ['post', '/api/users/token'],
    ['get', '/api/users/me'],
    ['get', '/api/users'],
    ['get', '/api/users/{user_id}'],
    ['patch', '/api/users/{user_id}'],
    ['delete', '/api/users/{user_id}'],
    ['get', '/api/users/{user_id}/posts'],
    ['post', '/api/users/forgot-password'],
    ['post', '/api/users/reset-password'],
    ['patch', '/api/users/me/password'],
    ['get', '/api/posts'],
    ['get', '/api/posts/{post_id}'],
    ['post', '/api/posts'],
    ['put', '/api/posts/{post_id}'],
    ['patch', '/api/posts/{post_id}'],
    ['delete', '/api/posts/{post_id}'],
    ['post', '/api/posts/{post_id}/like'],
    ['delete', '/api/posts/{post_id}/like'],
    ['get', '/health'],
  ];

  interface OpenApiDocument {
    openapi: string;
    paths: Record<
      string,
      Record<string, { responses?: Record<string, unknown>; parameters?: unknown[]; requestBody?: unknown }>
    >;
  }

  async function openApi(): Promise<OpenApiDocument> {
    const response = await t.app.inject('/openapi.json');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    return JSON.parse(response.body) as OpenApiDocument;
  }

  it('is valid OpenAPI 3.1.0 JSON that lists every route of the API', async () => {
    const doc = await openApi();
    expect(doc.openapi).toBe('3.1.0');
    const listed = Object.entries(doc.paths).flatMap(([route, operations]) =>
      Object.keys(operations).map((method) => `${method.toUpperCase()} ${route}`),
    );
    const missing = DOCUMENTED.map(([method, route]) => `${method.toUpperCase()} ${route}`).filter(
      (route) => !listed.includes(route),
    );
    expect(missing).toEqual([]);
    // Path parameters are written {name}, never :name.
    expect(Object.keys(doc.paths).filter((route) => route.includes(':'))).toEqual([]);
  });

  it('documents the 422 answer of every route that takes input', async () => {
    const doc = await openApi();
    const without422: string[] = [];
    for (const [route, operations] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        const takesInput =
          route.includes('{') ||
          operation.requestBody !== undefined ||
          (operation.parameters ?? []).length > 0;
        if (takesInput && !Object.keys(operation.responses ?? {}).includes('422'))
          without422.push(`${method.toUpperCase()} ${route}`);
      }
    }
    expect(without422).toEqual([]);
    expect(Object.keys(doc.paths['/api/posts/{post_id}']?.put?.responses ?? {})).toEqual(
      expect.arrayContaining(['200', '401', '403', '404', '422']),
    );
  });

  it('serves Swagger UI and its assets from the app itself', async () => {
    for (const url of ['/docs', '/docs/']) {
      const page = await t.app.inject(url);
      expect(page.statusCode, url).toBe(200);
      expect(page.headers['content-type'], url).toMatch(/^text\/html/);
      expect(page.body, url).toMatch(/swagger/i);
      const sources = [
        ...page.body.matchAll(/<(?:script|link)\b[^>]*\b(?:src|href)\s*=\s*["']([^"']+)["']/gi),
      ].map((match) => match[1] ?? '');
      expect(
        sources.some((source) => source.endsWith('.js')),
        url,
      ).toBe(true);
      expect(
        sources.filter((source) => /^(?:https?:)?\/\//i.test(source)),
        url,
      ).toEqual([]);
      expect(page.body).not.toMatch(/<script\b[^>]*\bsrc\s*=\s*["']https?:\/\//i);
      expect(page.body).not.toMatch(/<link\b[^>]*\bhref\s*=\s*["']https?:\/\//i);
      for (const source of sources) {
        const resolved = new URL(source, `http://localhost${url}`).pathname;
        const asset = await t.app.inject(resolved);
        expect(asset.statusCode, resolved).toBe(200);
        if (resolved.endsWith('.js')) expect(asset.headers['content-type'], resolved).toMatch(/javascript/);
      }
    }
  });

  it('serves ReDoc and its bundle from the app itself', async () => {
    const page = await t.app.inject('/redoc');
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    const scripts = [...page.body.matchAll(/<script\b[^>]*\bsrc\s*=\s*["']([^"']+)["']/gi)].map(
      (match) => match[1] ?? '',
    );
    expect(scripts.length).toBeGreaterThan(0);
    for (const source of scripts) expect(source).toMatch(/^\/(?!\/)/);
    expect(page.body).not.toMatch(/(?:src|href)\s*=\s*["'](?:https?:)?\/\//i);
    expect(scripts).toContain('/redoc/redoc.standalone.js');

    const bundle = await t.app.inject('/redoc/redoc.standalone.js');
    expect(bundle.statusCode).toBe(200);
    expect(bundle.headers['content-type']).toMatch(/javascript/);
    expect(bundle.body.length).toBeGreaterThan(10_000);
  });
});

describe('GET /health', () => {
  it('answers healthy while the database answers', async () => {
    const response = await t.app.inject('/health');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(response.json()).toEqual({ status: 'healthy' });
  });

  it('answers 503 in JSON when the database is unavailable', async () => {
    const broken = await createTestApp();
    try {
      expect((await broken.app.inject('/health')).statusCode).toBe(200);
      await broken.app.database.close();
      const response = await broken.app.inject('/health');
      expect(response.statusCode).toBe(503);
      expect(response.headers['content-type']).toMatch(/^application\/json/);
      expect(response.json()).toEqual({ status: 'unhealthy', detail: 'Database unavailable' });
    } finally {
      // The app's close fails on the closed database; the test database is dropped all the same.
      await broken.close().catch(() => undefined);
    }
  });
});

describe('logs', () => {
  it('never contain passwords, tokens or reset tokens', async () => {
    const logs = capturedLogs('info');
    const logged = await createTestApp({ LOG_LEVEL: 'info' }, { logger: logs.logger });
    const app = logged.app;
    try {
      const password = 'Sup3r-Secret-Passw0rd!';
      const user = await signUp(app, { password });
      const token = await logIn(app, user.email, password);
      const me = await app.inject({ url: '/api/users/me', headers: { authorization: `Bearer ${token}` } });
      expect(me.statusCode).toBe(200);
      const wrongLogin = await app.inject({
        method: 'POST',
        url: '/api/users/token',
        payload: new URLSearchParams({ username: user.email, password: `${password}-wrong` }).toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      expect(wrongLogin.statusCode).toBe(401);
      const changed = await app.inject({
        method: 'PATCH',
        url: '/api/users/me/password',
        headers: { authorization: `Bearer ${token}` },
        payload: { current_password: password, new_password: `${password}-new` },
      });
      expect(changed.statusCode).toBe(200);
      const resetPage = await app.inject('/reset-password?token=SECRET123');
      expect(resetPage.statusCode).toBeGreaterThanOrEqual(200);
      const resetApi = await app.inject({
        method: 'POST',
        url: '/api/users/reset-password',
        payload: { token: 'SECRET456', new_password: 'whatever-password' },
      });
      expect(resetApi.statusCode).toBe(400);

      const log = logs.text();
      // The requests were logged at all, so the absence of secrets below means something.
      expect(log).toContain('/api/users/me');
      expect(log).toContain('/reset-password?token=');
      for (const secret of [
        password,
        token,
        user.token,
        'SECRET123',
        'SECRET456',
        changed.json<{ access_token: string }>().access_token,
      ]) {
        expect(log).not.toContain(secret);
      }
      expect(log).not.toMatch(/Bearer\s+ey/);
    } finally {
      await logged.close();
    }
  });
});
