import type { CloudflareOptions, ErrorEvent, EventHint } from '@sentry/cloudflare';
import { HTTPException } from 'hono/http-exception';
import { AppError } from '../errors.ts';
import { isDatabaseUnavailable } from '../db/errors.ts';
import { VERSION } from '../version.ts';
import { scrubBreadcrumb, scrubEvent } from './scrub.ts';

/**
 * Whether an error is worth an event: not a refusal the caller can act on (a domain error or a
 * Hono HTTP error below 500), nor Postgres being away (answered 503, logged, and loud enough in
 * the logs without an event per request during an outage).
 */
export function isReportable(error: unknown): boolean {
  if (error instanceof AppError) return error.status >= 500;
  if (error instanceof HTTPException) return error.status >= 500;
  return !isDatabaseUnavailable(error);
}

function beforeSend(event: ErrorEvent, hint: EventHint): ErrorEvent | null {
  return isReportable(hint.originalException) ? scrubEvent(event) : null;
}

/**
 * The SDK's options, from the Worker's bindings. `dataCollection` (which replaced
 * `sendDefaultPii` in SDK 11) turns off everything about people and payloads; the HttpServer
 * integration, which would read request bodies, is left out; no tracing. `beforeSend` and
 * `beforeBreadcrumb` scrub what remains (scrub.ts).
 */
export function sentryOptions(env: Env, tags: Record<string, string> = {}): CloudflareOptions {
  return {
    dsn: env.SENTRY_DSN,
    release: VERSION,
    dataCollection: {
      userInfo: false,
      cookies: false,
      httpHeaders: { request: { allow: ['content-type', 'content-length', 'user-agent'] }, response: false },
      httpBodies: [],
      urlQueryParams: false,
      databaseQueryData: false,
      queues: false,
      genAI: { inputs: false, outputs: false },
      stackFrameVariables: false,
    },
    integrations: (defaults) => defaults.filter((integration) => integration.name !== 'HttpServer'),
    beforeSend,
    beforeBreadcrumb: scrubBreadcrumb,
    initialScope: { tags },
  };
}
