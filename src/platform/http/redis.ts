import { Redis } from 'ioredis';

/**
 * The shared store of several instances (rate-limit counters). Tuned to fail fast: when Redis is away,
 * a limit is skipped rather than a request held up.
 */
export function createRedis(url: string): Redis {
  return new Redis(url, {
    connectTimeout: 2_000,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    lazyConnect: false,
  });
}
