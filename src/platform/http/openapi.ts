import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

const require = createRequire(import.meta.url);
const redocBundle = require.resolve('redoc/bundles/redoc.standalone.js');

// ReDoc draws its vendor's logo from the vendor's site, which the page's CSP refuses (a console error
// and a failed request on every visit): the bundle is served with an empty picture in its place.
const REDOC_LOGO = 'https://cdn.redoc.ly/redoc/logo-mini.svg';
const EMPTY_PICTURE = "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' width='1' height='1'/%3E";
let redocSource: Promise<string> | undefined;
const redocWithoutLogo = () =>
  (redocSource ??= readFile(redocBundle, 'utf8').then((code) => code.replaceAll(REDOC_LOGO, EMPTY_PICTURE)));

const REDOC_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Blog API - ReDoc</title>
</head>
<body>
<redoc spec-url="/openapi.json" hide-download-button></redoc>
<script src="/redoc/redoc.standalone.js"></script>
</body>
</html>
`;

// The documentation pages draw with inline styles and ReDoc searches in a blob: worker; the
// site's own pages keep the strict policy.
const DOCS_CSP =
  "default-src 'self'; base-uri 'self'; connect-src 'self'; font-src 'self' data:; frame-ancestors 'self'; " +
  "img-src 'self' data:; object-src 'none'; script-src 'self'; script-src-attr 'none'; " +
  "style-src 'self' 'unsafe-inline'; worker-src 'self' blob:";

declare module 'fastify' {
  interface FastifyInstance {
    /** Describes a tag of the API document (features name the tags their routes use). */
    describeApiTag(name: string, description: string): void;
  }
}

interface OpenApiDocument {
  tags?: { name: string; description: string }[];
  paths: Record<
    string,
    Record<string, { parameters?: { in: string; required?: boolean; schema?: { default?: unknown } }[] }>
  >;
}

/**
 * A query parameter with a default may be left out, whatever the schema's `required` says (the
 * schema lists it so that handlers always see a value: validation fills the default in).
 */
function defaultsAreOptional(document: OpenApiDocument): void {
  for (const item of Object.values(document.paths)) {
    for (const operation of Object.values(item)) {
      for (const parameter of operation.parameters ?? []) {
        if (parameter.in === 'query' && parameter.schema?.default !== undefined) parameter.required = false;
      }
    }
  }
}

/** Another OpenAPI document the app serves, by its name in the `/docs` picker and its URL. */
export interface ApiDocument {
  name: string;
  url: string;
}

/** The OpenAPI document at `/openapi.json`, Swagger UI at `/docs` and ReDoc at `/redoc`, all served locally. */
export default fp(
  async function openApi(app: FastifyInstance, options: { documents: ApiDocument[] }) {
    const tags: { name: string; description: string }[] = [];
    app.decorate('describeApiTag', (name: string, description: string) => {
      tags.push({ name, description });
    });

    await app.register(swagger, {
      transformObject: (documentObject) => {
        const document = (documentObject as { openapiObject: OpenApiDocument }).openapiObject;
        document.tags = [...tags];
        defaultsAreOptional(document);
        return document;
      },
      openapi: {
        openapi: '3.1.0',
        info: {
          title: 'Blog API',
          version: '1.0.0',
          description: 'JSON API of the blog.',
        },
        components: {
          securitySchemes: {
            OAuth2PasswordBearer: {
              type: 'oauth2',
              flows: { password: { tokenUrl: '/api/users/token', scopes: {} } },
            },
          },
        },
      },
    });

    app.describeApiTag('health', 'Liveness for load balancers');

    await app.register(swaggerUi, {
      routePrefix: '/docs',
      staticCSP: DOCS_CSP,
      // With other documents, Swagger UI's top bar picks one; ours comes first.
      ...(options.documents.length > 0 && {
        uiConfig: { urls: [{ name: 'Blog API', url: '/openapi.json' }, ...options.documents] },
      }),
    });

    app.get('/openapi.json', { schema: { hide: true } }, () => app.swagger());

    app.get('/redoc', { schema: { hide: true } }, (_request, reply) =>
      reply.header('content-security-policy', DOCS_CSP).type('text/html; charset=utf-8').send(REDOC_PAGE),
    );
    app.get('/redoc/redoc.standalone.js', { schema: { hide: true } }, async (_request, reply) =>
      reply
        .type('text/javascript; charset=utf-8')
        .header('cache-control', 'public, max-age=86400')
        .send(await redocWithoutLogo()),
    );
  },
  { name: 'openapi' },
);
