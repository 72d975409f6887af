import * as z from 'zod';
import type { ZodObject, ZodType } from 'zod';
import { errorSchema } from '../schemas/conversations.ts';
import { VERSION } from '../version.ts';
import { operations, type Operation } from './operations.ts';

const jsonSchema = (schema: ZodType, io: 'input' | 'output') => z.toJSONSchema(schema, { io, unrepresentable: 'any' });

function parameters(where: 'path' | 'query', schema: ZodObject | undefined) {
  if (!schema) return [];
  const object = jsonSchema(schema, 'input') as { properties?: Record<string, object>; required?: string[] };
  return Object.entries(object.properties ?? {}).map(([name, property]) => ({
    name, in: where, required: where === 'path' || (object.required ?? []).includes(name), schema: property,
  }));
}

function operation(op: Operation) {
  const responses: Record<string, object> = {};
  for (const [status, response] of Object.entries(op.responses)) {
    const content = response.eventStream
      ? { 'text/event-stream': { schema: { type: 'string' } } }
      : response.schema ? { 'application/json': { schema: jsonSchema(response.schema, 'output') } } : undefined;
    responses[status] = { description: response.description, ...(content ? { content } : {}) };
  }
  responses.default = { description: 'Error', content: { 'application/json': { schema: jsonSchema(errorSchema, 'output') } } };
  return {
    summary: op.summary,
    tags: [op.tag],
    ...(op.auth ? { security: [{ bearer: [] }] } : {}),
    parameters: [...parameters('path', op.params), ...parameters('query', op.query)],
    ...(op.body ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(op.body, 'input') } } } } : {}),
    responses,
  };
}

/** The OpenAPI 3.1 document, generated from the same zod schemas the routes validate with. */
export function openApiDocument() {
  const paths: Record<string, Record<string, object>> = {};
  for (const op of operations) (paths[op.path] ??= {})[op.method] = operation(op);
  return {
    openapi: '3.1.0',
    info: { title: 'Parley API', version: VERSION, description: 'Multi-model AI chat. Errors are always {"error": {"code", "message"}}.' },
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'Supabase access token' } } },
    paths,
  };
}
