import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, signUp, type App, type TestApp } from './support/index.js';

// Needs a Redis server: CI sets TEST_REDIS_URL (the machine's own Redis); without it these tests are
// not collected, so `npm test` needs nothing but Node.
const redisUrl = process.env.TEST_REDIS_URL;

describe.runIf(redisUrl)('rate limits shared through Redis (REDIS_URL)', () => {
  let first: TestApp;
  let second: TestApp;
  let redis: Redis;
  const prefix = `t${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    redis = new Redis(redisUrl ?? '');
    // Two instances of the app on one Redis, as behind a load balancer. Each test app has its own
    // database, so the account lives in the first one; the counters are what is shared.
    const env = {
      RATE_LIMIT: 'true',
      REDIS_URL: redisUrl ?? '',
      RATE_LIMIT_LOGIN: '6/1m',
      RATE_LIMIT_LOGIN_FAILURES: '3/15m',
    };
    [first, second] = await Promise.all([createTestApp(env), createTestApp(env)]);
  });

  afterAll(async () => {
    await Promise.all([first.close(), second.close()]);
    // The counters of these tests: the address key and the account keys.
    const keys = await redis.keys('blog:*');
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });

  const login = (app: App, email: string, password: string) =>
    app.inject({
      method: 'POST',
      url: '/api/users/token',
      payload: new URLSearchParams({ username: email, password }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });

  it('locks an account after failures spread over both instances', async () => {
    const user = await signUp(first.app, { email: `${prefix}-victim@example.com` });
    expect((await login(first.app, user.email, 'wrong-1')).statusCode).toBe(401);
    expect((await login(second.app, user.email, 'wrong-2')).statusCode).toBe(401);
    expect((await login(first.app, user.email, 'wrong-3')).statusCode).toBe(401);
    const locked = await login(first.app, user.email, user.password);
    expect(locked.statusCode).toBe(429);
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
    expect((await login(second.app, user.email, 'anything')).statusCode).toBe(429);
  });

  it('counts logins per address across both instances', async () => {
    await redis.del(...(await redis.keys('blog:rate-limit:*')));
    const statuses: number[] = [];
    for (let i = 0; i < 8; i += 1) {
      const t = i % 2 === 0 ? first : second;
      statuses.push((await login(t.app, `${prefix}-nobody${i}@example.com`, 'x')).statusCode);
    }
    // Six attempts pass the address limit (each a 401), whichever instance took them; then 429.
    expect(statuses).toEqual([401, 401, 401, 401, 401, 401, 429, 429]);
  });
});

describe('metrics', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ METRICS_ENABLED: 'true' });
  });
  afterAll(() => t.close());

  it('exposes request durations by route pattern and Node metrics', async () => {
    await t.app.inject('/api/posts/12345');
    const response = await t.app.inject('/metrics');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('text/plain');
    expect(response.body).toMatch(
      /http_request_duration_seconds_count\{method="GET",route="\/api\/posts\/:post_id",status_code="404"\} 1/,
    );
    expect(response.body).toContain('nodejs_eventloop_lag_p99_seconds');
  });

  it('is off unless METRICS_ENABLED=true', async () => {
    const plain = await createTestApp();
    try {
      expect((await plain.app.inject('/metrics')).statusCode).toBe(404);
    } finally {
      await plain.close();
    }
  });
});
