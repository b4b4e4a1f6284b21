// Access tokens: a good token is remembered after its first check, but never past its expiry, and
// nothing that fails the check is ever taken.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createAccessTokens } from './tokens.js';

const options = { secretKey: 'a-secret-of-the-tests-0123456789', algorithm: 'HS256' as const };

afterEach(() => {
  vi.useRealTimers();
});

describe('access tokens', () => {
  it('accepts a good token again and again, and refuses it once expired, checked before or not', async () => {
    vi.useFakeTimers({ now: new Date('2026-12-02T12:00:00Z'), toFake: ['Date'] });
    const tokens = createAccessTokens({ ...options, expireMinutes: 1 });
    const used = await tokens.issue({ id: 7, tokenVersion: 3 });
    const unused = await tokens.issue({ id: 8, tokenVersion: 0 });
    expect(await tokens.verify(used)).toEqual({ id: 7, tokenVersion: 3 });
    expect(await tokens.verify(used)).toEqual({ id: 7, tokenVersion: 3 });

    vi.setSystemTime(new Date('2026-12-02T12:01:01Z'));
    expect(await tokens.verify(used)).toBeNull();
    expect(await tokens.verify(unused)).toBeNull();
  });

  it('refuses a token signed with another key or changed, even after the good one was taken', async () => {
    const tokens = createAccessTokens({ ...options, expireMinutes: 5 });
    const other = createAccessTokens({
      ...options,
      secretKey: 'another-secret-0123456789abcdef',
      expireMinutes: 5,
    });
    const good = await tokens.issue({ id: 7, tokenVersion: 0 });
    expect(await tokens.verify(good)).toEqual({ id: 7, tokenVersion: 0 });
    expect(await tokens.verify(await other.issue({ id: 7, tokenVersion: 0 }))).toBeNull();
    const [header, payload, signature] = good.split('.');
    const raised = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(payload!, 'base64url').toString()), sub: '1' }),
    ).toString('base64url');
    expect(await tokens.verify(`${header}.${raised}.${signature}`)).toBeNull();
    expect(await tokens.verify(`${good}x`)).toBeNull();
  });
});
