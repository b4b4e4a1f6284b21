import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';

const Healthy = Type.Object({ status: Type.Literal('healthy') });
const Unhealthy = Type.Object({ status: Type.Literal('unhealthy'), detail: Type.String() });

const health: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/health',
    {
      schema: {
        tags: ['health'],
        summary: 'Liveness: answers 200 when the database answers',
        response: { 200: Healthy, 503: Unhealthy },
      },
    },
    async (request, reply) => {
      try {
        await app.database.ping();
        return { status: 'healthy' as const };
      } catch (error) {
        request.log.warn({ err: error }, 'health check: database unavailable');
        return reply.code(503).send({ status: 'unhealthy' as const, detail: 'Database unavailable' });
      }
    },
  );
};

export default health;
