import { z } from 'zod';
import { createDocument, type ZodOpenApiPathsObject } from 'zod-openapi';
import { openApiOperation, openApiPath, type Route } from './routes';

/** The problem+json document, as described in OpenAPI. */
export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    instance: z.string().optional(),
    requestId: z.string().optional(),
    issues: z
      .array(z.object({ in: z.enum(['body', 'query', 'params', 'header']), path: z.string(), code: z.string(), message: z.string() }))
      .optional(),
  })
  .meta({ id: 'Problem', description: 'RFC 9457 problem details' });

export interface ServiceInfo {
  readonly name: string;
  readonly version: string;
  readonly description?: string;
}

/** OpenAPI 3.1 for `routes`, from the same zod schemas that validate them. */
export const createOpenApiDocument = (service: ServiceInfo, routes: readonly Route[]): ReturnType<typeof createDocument> => {
  const paths: ZodOpenApiPathsObject = {};
  for (const route of routes) {
    const item = (paths[openApiPath(route.path)] ??= {});
    item[route.method] = openApiOperation(route, ProblemSchema);
  }
  return createDocument({
    openapi: '3.1.0',
    info: { title: service.name, version: service.version, ...(service.description === undefined ? {} : { description: service.description }) },
    security: [{ bearer: [] }],
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    paths,
  });
};
