import type { FastifyBaseLogger } from 'fastify';
import type { Redis } from 'ioredis';
import { LRUCache } from 'lru-cache';
import type { RateLimit } from '../platform/config.js';

/**
 * Counts failed logins per account (by the email typed, whether or not it exists, so the lock itself
 * says nothing about existence) and locks the account after `max` failures within the window.
 */
export interface LoginThrottle {
  /** Seconds until the account may try again; 0 when it is not locked. */
  lockedFor(account: string): Promise<number>;
  recordFailure(account: string): Promise<void>;
  clear(account: string): Promise<void>;
}

/** One instance's counters in memory, bounded so that a flood of made-up emails cannot exhaust it. */
export class MemoryLoginThrottle implements LoginThrottle {
  private readonly failures: LRUCache<string, number>;

  constructor(private readonly limit: RateLimit) {
    // The window starts at the first failure and is not extended by later ones.
    this.failures = new LRUCache({ max: 100_000, ttl: limit.windowMs, noUpdateTTL: true });
  }

  async lockedFor(account: string): Promise<number> {
    const key = account.toLowerCase();
    if ((this.failures.get(key) ?? 0) < this.limit.max) return 0;
    return Math.max(1, Math.ceil(this.failures.getRemainingTTL(key) / 1000));
  }

  async recordFailure(account: string): Promise<void> {
    const key = account.toLowerCase();
    this.failures.set(key, (this.failures.get(key) ?? 0) + 1);
  }

  async clear(account: string): Promise<void> {
    this.failures.delete(account.toLowerCase());
  }
}

/** For `RATE_LIMIT=false`. */
export const noLoginThrottle: LoginThrottle = {
  lockedFor: async () => 0,
  recordFailure: async () => undefined,
  clear: async () => undefined,
};

/**
 * Counters in Redis, shared by every instance: one key per account, created with the window as its
 * lifetime on the first failure (`NX`), so later failures do not extend it. While Redis is away the
 * lock is not enforced (logged), as the address limits are not: logins keep working.
 */
export class RedisLoginThrottle implements LoginThrottle {
  constructor(
    private readonly redis: Redis,
    private readonly limit: RateLimit,
    private readonly log: FastifyBaseLogger,
    private readonly prefix = 'blog:login-failures:',
  ) {}

  async lockedFor(account: string): Promise<number> {
    const key = this.key(account);
    try {
      const [count, ttl] = await Promise.all([this.redis.get(key), this.redis.pttl(key)]);
      if (Number(count ?? 0) < this.limit.max) return 0;
      return Math.max(1, Math.ceil(ttl / 1000));
    } catch (error) {
      this.log.warn({ err: error }, 'login throttle: Redis unavailable, lock not checked');
      return 0;
    }
  }

  async recordFailure(account: string): Promise<void> {
    const key = this.key(account);
    try {
      await this.redis.multi().incr(key).pexpire(key, this.limit.windowMs, 'NX').exec();
    } catch (error) {
      this.log.warn({ err: error }, 'login throttle: Redis unavailable, failure not counted');
    }
  }

  async clear(account: string): Promise<void> {
    await this.redis.del(this.key(account)).catch((error: unknown) => {
      this.log.warn({ err: error }, 'login throttle: Redis unavailable, count not cleared');
    });
  }

  private key(account: string): string {
    return this.prefix + account.toLowerCase();
  }
}
