import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { PoolStats } from '../database/database.js';

/**
 * Prometheus metrics at `/metrics` (on only with METRICS_ENABLED=true): request durations by route and
 * status, database pool usage, and Node's own (event-loop delay, memory, GC). Routes are labelled by
 * their pattern (`/api/posts/:post_id`), never by the raw URL, so the label set stays small.
 */
export default fp(
  async function metrics(
    app: FastifyInstance,
    options: {
      poolStats: (() => PoolStats) | undefined;
      /** Reads served by the primary and by each replica (platform/database/read-routing.ts). */
      readsServed: { primary: number; replicas: number[] };
    },
  ) {
    const registry = new Registry();
    collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 10 });

    const durations = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'Time to answer an HTTP request',
      labelNames: ['method', 'route', 'status_code'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    });

    const { poolStats } = options;
    if (poolStats) {
      new Gauge({
        name: 'db_pool_connections',
        help: 'Database pool connections by state',
        labelNames: ['state'],
        registers: [registry],
        collect() {
          const stats = poolStats();
          this.set({ state: 'total' }, stats.total);
          this.set({ state: 'idle' }, stats.idle);
          this.set({ state: 'waiting' }, stats.waiting);
        },
      });
    }

    const { readsServed } = options;
    new Gauge({
      name: 'db_reads_served',
      help: 'Reads of the prepared hot statements, by the server that answered them',
      labelNames: ['server'],
      registers: [registry],
      collect() {
        this.set({ server: 'primary' }, readsServed.primary);
        readsServed.replicas.forEach((count, index) => this.set({ server: `replica${index}` }, count));
      },
    });

    app.addHook('onResponse', async (request, reply) => {
      durations.observe(
        {
          method: request.method,
          route: request.routeOptions.url ?? 'not-found',
          status_code: String(reply.statusCode),
        },
        reply.elapsedTime / 1000,
      );
    });

    app.get('/metrics', { schema: { hide: true } }, async (_request, reply) =>
      reply.type(registry.contentType).send(await registry.metrics()),
    );
  },
  { name: 'metrics' },
);
