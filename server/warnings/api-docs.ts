/**
 * OpenAPI for the whole /api, generated from the routes' TypeBox schemas (@fastify/swagger), with
 * Swagger UI at /api/docs. The UI's files are served from the installed package, so the page
 * works without network access (no CDN).
 */
import type { FastifyInstance } from 'fastify';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';

export async function registerApiDocs(app: FastifyInstance): Promise<void> {
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'caijian API — 人大财经联网监督平台',
        description: "Finance networked-oversight platform for People's Congresses. Money and ratios are exact decimal strings.",
        version: '0.1.0',
      },
    },
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/api/docs', uiConfig: { docExpansion: 'list', deepLinking: false } });
}
