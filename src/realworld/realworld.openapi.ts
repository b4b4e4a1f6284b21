import type { RouteOptions } from 'fastify';
import type { Access } from '../platform/http/access.js';
import { ErrorResponse } from './realworld.schemas.js';

interface RouteSchema {
  tags?: string[];
  summary?: string;
  description?: string;
  params?: { properties?: Record<string, unknown>; required?: string[] };
  querystring?: { properties?: Record<string, unknown>; required?: string[] };
  body?: unknown;
  response?: Record<string, unknown>;
}

const json = (schema: unknown) => ({ 'application/json': { schema } });
const errorAnswer = (description: string) => ({ description, content: json(ErrorResponse) });

/** The errors every route may answer, by what it declares: its access, a body, a path. */
function errorAnswers(schema: RouteSchema, access: Access): Record<string, unknown> {
  const answers: Record<string, unknown> = {};
  if (schema.body || schema.querystring || schema.params) answers['422'] = errorAnswer('Validation error');
  if (access !== 'public') answers['401'] = errorAnswer('Missing, invalid or revoked token');
  if (access === 'owner') answers['403'] = errorAnswer('Not theirs');
  if (schema.params) answers['404'] = errorAnswer('Not found');
  return answers;
}

function parameters(where: 'path' | 'query', schema: RouteSchema['params']) {
  return Object.entries(schema?.properties ?? {}).map(([name, property]) => ({
    name,
    in: where,
    required: where === 'path' || (schema?.required ?? []).includes(name),
    schema: property,
  }));
}

/**
 * The RealWorld API's own OpenAPI document, made from the schemas its routes validate and answer
 * with (the routes are hidden from the blog's document, whose error shape they do not share).
 */
export function realWorldDocument(routes: RouteOptions[]) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const schema = (route.schema ?? {}) as RouteSchema;
    if (!schema.tags) continue; // the document itself, the CORS preflight
    const access = route.config?.access ?? 'public';
    const path = route.url.replace(/:(\w+)/g, '{$1}');
    const secured =
      access === 'public'
        ? {}
        : { security: access === 'optional-auth' ? [{}, { Token: [] }] : [{ Token: [] }] };
    const responses: Record<string, unknown> = {};
    for (const [status, answer] of Object.entries(schema.response ?? {})) {
      responses[status] =
        status === '204' ? { description: 'No content' } : { description: 'OK', content: json(answer) };
    }
    for (const method of [route.method].flat()) {
      if (method === 'HEAD' || method === 'OPTIONS') continue;
      (paths[path] ??= {})[method.toLowerCase()] = {
        tags: schema.tags,
        summary: schema.summary,
        ...(schema.description && { description: schema.description }),
        parameters: [...parameters('path', schema.params), ...parameters('query', schema.querystring)],
        ...(schema.body !== undefined && { requestBody: { required: true, content: json(schema.body) } }),
        responses: { ...responses, ...errorAnswers(schema, access) },
        ...secured,
        'x-access': access,
      };
    }
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'RealWorld (Conduit) API',
      version: '1.0.0',
      description:
        'The RealWorld API (https://realworld-docs.netlify.app/) over the blog: articles are posts, favorites are likes. ' +
        'Send the token as `Authorization: Token <jwt>` (or `Bearer`).',
    },
    servers: [{ url: '/' }],
    tags: ['User and Authentication', 'Profile', 'Articles', 'Favorites', 'Comments', 'Tags'].map((name) => ({
      name,
    })),
    components: {
      securitySchemes: {
        Token: { type: 'apiKey', in: 'header', name: 'Authorization', description: '`Token <jwt>`' },
      },
    },
    paths,
  };
}
