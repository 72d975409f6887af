// The OpenAPI 3.1 document served at /api/openapi.json, generated from the mounted app: each route's
// description and the schemas its validators check (describe.ts), read back from app.routes.
import * as z from 'zod';
import type { ValidationTargets } from 'hono';
import type { RouterRoute } from 'hono/types';
import { findTargetHandler } from 'hono/utils/handler';
import type { ZodType } from 'zod';
import { errorSchema } from '../schemas/errors.ts';
import { VERSION } from '../version.ts';
import { partOf, type RouteDescription, type RoutePart } from './describe.ts';

const jsonSchema = (schema: ZodType, io: 'input' | 'output') => z.toJSONSchema(schema, { io, unrepresentable: 'any' });

const parameterIn: Partial<Record<keyof ValidationTargets, string>> = {
  param: 'path',
  query: 'query',
  header: 'header',
  cookie: 'cookie',
};
const bodyType: Partial<Record<keyof ValidationTargets, string>> = {
  json: 'application/json',
  form: 'multipart/form-data',
};

function parameters(where: string, schema: ZodType) {
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

function responses({ responses, errorSchema: errors }: RouteDescription) {
  const described: Record<string, object> = {};
  for (const [status, response] of Object.entries(responses)) {
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
    content: { 'application/json': { schema: jsonSchema(errors ?? errorSchema, 'output') } },
  };
  return described;
}

const schemeOf = { session: 'bearer', apiKey: 'apiKey', visitor: 'visitor' } as const;

/** Who may call: OpenAPI reads the list as alternatives. */
function security({ security: credentials }: RouteDescription) {
  return credentials ? { security: credentials.map((credential) => ({ [schemeOf[credential]]: [] })) } : {};
}

/** One operation, from what the handlers of its method and path tell: its description, and what it validates. */
function operation(path: string, description: RouteDescription, parts: RoutePart[]) {
  const request = parts.flatMap((part) => (part.kind === 'request' ? [part] : []));
  const validated = (targets: Partial<Record<keyof ValidationTargets, string>>) =>
    Object.entries(targets).flatMap(([target, where]) =>
      request.filter((part) => part.target === target).map((part) => ({ where, schema: part.schema })),
    );
  const checked = validated(parameterIn).flatMap(({ where, schema }) => parameters(where, schema));
  // A path parameter no validator checks is still a parameter: a string.
  const unchecked = [...path.matchAll(/\{(\w+)\}/g)]
    .map(([, name]) => name!)
    .filter((name) => !checked.some((p) => p.in === 'path' && p.name === name))
    .map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } }));
  const bodies = validated(bodyType);
  return {
    summary: description.summary,
    tags: [description.tag],
    ...security(description),
    parameters: [...unchecked, ...checked],
    ...(bodies.length > 0
      ? {
          requestBody: {
            required: !parts.some((part) => part.kind === 'optionalBody'),
            content: Object.fromEntries(
              bodies.map(({ where, schema }) => [where, { schema: jsonSchema(schema, 'input') }]),
            ),
          },
        }
      : {}),
    responses: responses(description),
  };
}

/** `/api/keys/:id` as OpenAPI writes it, `/api/keys/{id}`. */
const openApiPath = (path: string) => path.replace(/:(\w+)/g, '{$1}');

/**
 * The operations of a mounted app, by path and method. Hono lists each handler of a route (its
 * middleware included) as one entry for its method and path; each adds what it tells the document.
 * A route is an operation when one of its handlers describes it; middleware mounted with `use`
 * (method ALL) describes nothing.
 */
function operationsOf(routes: readonly RouterRoute[]) {
  const partsOf = new Map<string, RoutePart[]>();
  for (const route of routes) {
    const part = partOf(findTargetHandler(route.handler));
    if (!part || route.method === 'ALL') continue;
    const key = `${route.method.toLowerCase()} ${openApiPath(route.path)}`;
    (partsOf.get(key) ?? partsOf.set(key, []).get(key)!).push(part);
  }
  const paths: Record<string, Record<string, object>> = {};
  for (const [key, parts] of partsOf) {
    const [method, path] = key.split(' ') as [string, string];
    const described = parts.find((part) => part.kind === 'description');
    if (described) (paths[path] ??= {})[method] = operation(path, described.description, parts);
  }
  return paths;
}

/** The OpenAPI 3.1 document of the routes of an app, from their descriptions and the zod schemas they validate with. */
export function openApiDocument(routes: readonly RouterRoute[]) {
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
    paths: operationsOf(routes),
  };
}
