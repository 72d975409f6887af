// What the OpenAPI document says of a route, kept on the middleware of the route itself: its
// description (`describe`, written beside the handler) and the request parts its validators check
// (validation.ts marks them). worker/openapi/document.ts reads them back from the mounted app's
// routes, so a route that is not described, or described apart from what it validates, shows.
import type { MiddlewareHandler, ValidationTargets } from 'hono';
import type { ZodType } from 'zod';

/** A credential a route accepts: a signed-in session, an API key, a widget visitor token. */
export type Credential = 'session' | 'apiKey' | 'visitor';

export type ResponseDescription = {
  description: string;
  /** The JSON body. */
  schema?: ZodType;
  /** Server-sent events; a schema describes the JSON in each event's `data:`. */
  eventStream?: true | ZodType;
  /** Response headers worth knowing, by name, with what they mean. */
  headers?: Record<string, string>;
};

export type RouteDescription = {
  summary: string;
  tag: string;
  /** Any one of these credentials is accepted; left out, the route is public. */
  security?: readonly Credential[];
  responses: Record<number, ResponseDescription>;
  /** The body of every error, when it is not Parley's envelope (the /v1 API answers in OpenAI's shape). */
  errorSchema?: ZodType;
};

/** What one middleware of a route tells the document. */
export type RoutePart =
  | { kind: 'description'; description: RouteDescription }
  | { kind: 'request'; target: keyof ValidationTargets; schema: ZodType }
  | { kind: 'optionalBody' };

/** By handler or middleware function. */
const parts = new WeakMap<object, RoutePart>();

/** Marks `handler` as telling the document `part`; returns it unchanged. */
export function documents<Handler extends object>(handler: Handler, part: RoutePart): Handler {
  parts.set(handler, part);
  return handler;
}

/** What `handler` tells the document, if anything. */
export const partOf = (handler: object): RoutePart | undefined => parts.get(handler);

/**
 * A route's OpenAPI description, as its first middleware: `.get('/', describe({…}), validate(…), handler)`.
 * It only passes the request on; the request's params, query and body are described by the
 * validators after it.
 */
export const describe = (description: RouteDescription): MiddlewareHandler =>
  documents((_c, next) => next(), { kind: 'description', description });
