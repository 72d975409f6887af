import * as z from 'zod';
import type { ZodObject, ZodType } from 'zod';
import { errorSchema } from '../schemas/errors.ts';
import { VERSION } from '../version.ts';
import { operations, type Operation } from './operations.ts';

const jsonSchema = (schema: ZodType, io: 'input' | 'output') => z.toJSONSchema(schema, { io, unrepresentable: 'any' });

function parameters(where: 'path' | 'query', schema: ZodObject | undefined) {
  if (!schema) return [];
  const object = jsonSchema(schema, 'input') as { properties?: Record<string, object>; required?: string[] };
  return Object.entries(object.properties ?? {}).map(([name, property]) => ({
    name,
    in: where,
    required: where === 'path' || (object.required ?? []).includes(name),
    schema: property,
  }));
}

/**
 * An event stream is a string to OpenAPI 3.1. When its events are JSON of a known shape, that
 * shape rides along as `x-event-data` (what OpenAPI 3.2 calls `itemSchema`).
 */
function eventStream(events: true | ZodType) {
  if (events === true) return { schema: { type: 'string' } };
  return {
    schema: {
      type: 'string',
      description: 'Server-sent events: each `data:` holds one JSON object as in x-event-data',
    },
    'x-event-data': jsonSchema(events, 'output'),
  };
}

function responses(op: Operation) {
  const described: Record<string, object> = {};
  for (const [status, response] of Object.entries(op.responses)) {
    const content = {
      ...(response.schema ? { 'application/json': { schema: jsonSchema(response.schema, 'output') } } : {}),
      ...(response.eventStream ? { 'text/event-stream': eventStream(response.eventStream) } : {}),
    };
    const headers = Object.entries(response.headers ?? {}).map(([name, description]) => [
      name,
      { description, schema: { type: 'string' } },
    ]);
    described[status] = {
      description: response.description,
      ...(headers.length > 0 ? { headers: Object.fromEntries(headers) } : {}),
      ...(Object.keys(content).length > 0 ? { content } : {}),
    };
  }
  described.default = {
    description: 'Error',
    content: { 'application/json': { schema: jsonSchema(op.errorSchema ?? errorSchema, 'output') } },
  };
  return described;
}

/** Who may call: a signed-in session, an API key, or either (OpenAPI reads a list of alternatives). */
function security(op: Operation) {
  if (!op.auth) return {};
  const schemes =
    op.credentials === undefined
      ? ['bearer', 'apiKey']
      : [{ session: 'bearer', apiKey: 'apiKey', visitor: 'visitor' }[op.credentials]];
  return { security: schemes.map((scheme) => ({ [scheme]: [] })) };
}

function operation(op: Operation) {
  return {
    summary: op.summary,
    tags: [op.tag],
    ...security(op),
    parameters: [...parameters('path', op.params), ...parameters('query', op.query)],
    ...(op.body
      ? {
          requestBody: {
            required: !op.bodyOptional,
            content: { 'application/json': { schema: jsonSchema(op.body, 'input') } },
          },
        }
      : {}),
    responses: responses(op),
  };
}

/** The OpenAPI 3.1 document, generated from the same zod schemas the routes validate with. */
export function openApiDocument() {
  const paths: Record<string, Record<string, object>> = {};
  for (const op of operations) (paths[op.path] ??= {})[op.method] = operation(op);
  return {
    openapi: '3.1.0',
    info: {
      title: 'Parley API',
      version: VERSION,
      description:
        'Multi-model AI chat. Errors under /api are {"error": {"code", "message"}}; the OpenAI-compatible API under /v1 answers in OpenAI\'s shape, {"error": {"message", "type", "param", "code"}}.',
    },
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'Supabase access token (a signed-in session)' },
        apiKey: {
          type: 'http',
          scheme: 'bearer',
          description: 'Parley API key sk-parley-…, created at POST /api/keys',
        },
        visitor: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: 'Widget visitor token from POST /api/widget/session, used from the origin it was issued to',
        },
      },
    },
    paths,
  };
}
