import { SerializerSelector } from '@fastify/fast-json-stringify-compiler';
import type { FastifyServerOptions } from 'fastify';

type CompilersFactory = NonNullable<
  NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']
>;

/**
 * Fastify's own response serializers (fast-json-stringify), each built on the first response of its
 * route and status instead of all of them at start: building the 300 or so took a quarter of a
 * second of every start. The same serializer writes the same bytes; only when it is built changes.
 * (A schema fast-json-stringify refuses then fails its route's first response rather than the start:
 * the OpenAPI and fuzz tests call every route.)
 */
export function lazySerializers(): Pick<CompilersFactory, 'buildSerializer'> {
  const buildSerializer = SerializerSelector();
  return {
    buildSerializer: (externalSchemas, options) => {
      const compile = buildSerializer(externalSchemas, options);
      return (route) => {
        let serialize: ((data: unknown) => string) | undefined;
        return (data: unknown) => (serialize ??= compile(route))(data);
      };
    },
  };
}
