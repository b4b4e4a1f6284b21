import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, signUp, type TestApp } from './support/index.js';

describe('smoke', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());
  beforeEach(() => t.reset());

  it('answers health', async () => {
    const response = await t.app.inject('/health');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'healthy' });
  });

  it('signs up and reads me', async () => {
    const user = await signUp(t.app);
    const me = await t.app.inject({ url: '/api/users/me', headers: user.headers });
    expect(me.json()).toMatchObject({ id: user.id, email: user.email });
  });
});
