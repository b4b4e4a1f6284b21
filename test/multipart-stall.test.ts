import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, signUp, type TestApp } from './helpers.js';

// A part without a Content-Disposition header, larger than a stream buffer, once made the multipart
// parser stop reading: the request hung until the server's request timeout. It now answers 400.
describe('multipart bodies that stop moving', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const body = '--bnd\r\nX: y\r\n\r\n' + 'a'.repeat(20_000) + '\r\n--bnd--\r\n';
  const headers = { 'content-type': 'multipart/form-data; boundary=bnd' };

  it('answers 400 on the login form and the picture upload within seconds', async () => {
    const user = await signUp(t.app);
    for (const request of [
      { method: 'POST' as const, url: '/api/users/token', headers },
      {
        method: 'PATCH' as const,
        url: `/api/users/${user.id}/picture`,
        headers: { ...headers, ...user.headers },
      },
    ]) {
      const started = Date.now();
      const response = await t.app.inject({ ...request, payload: body });
      expect(response.statusCode, request.url).toBe(400);
      expect(response.json(), request.url).toEqual({ detail: 'There was an error parsing the body' });
      expect(response.headers.connection).toBe('close');
      expect(Date.now() - started).toBeLessThan(9_000);
    }
  });

  it('answers 400 for a malformed multipart login form and accepts a good one', async () => {
    const bad = await t.app.inject({ method: 'POST', url: '/api/users/token', headers, payload: 'garbage' });
    expect(bad.statusCode).toBe(400);
    const user = await signUp(t.app);
    const form = new FormData();
    form.append('username', user.email);
    form.append('password', user.password);
    const encoded = new Request('http://x', { method: 'POST', body: form });
    const good = await t.app.inject({
      method: 'POST',
      url: '/api/users/token',
      headers: { 'content-type': encoded.headers.get('content-type') ?? '' },
      payload: Buffer.from(await encoded.arrayBuffer()),
    });
    expect(good.statusCode).toBe(200);
  });

  it('no longer takes multipart on the JSON routes next to the login form', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/users/forgot-password',
      headers,
      payload: '{}',
    });
    expect(response.statusCode).toBe(422);
  });
});
