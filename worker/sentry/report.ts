/**
 * Error reporting to Sentry, on only when SENTRY_DSN is set, through @sentry/cloudflare's own
 * wrappers: `withSentry` around the Worker's handlers and `instrumentDurableObjectWithSentry` around
 * each Durable Object class. They give every invocation its own scope and client, capture what it
 * throws as unhandled under the SDK's mechanism names, and flush through waitUntil. Without a DSN
 * an invocation costs one check and runs the plain handler or object (the wrappers would start a
 * client, a scope and a span for nothing). Options and scrubbing: options.ts, scrub.ts.
 */
import type { DurableObject } from 'cloudflare:workers';
import { captureException, instrumentDurableObjectWithSentry, withScope, withSentry } from '@sentry/cloudflare';
import type { Context } from 'hono';
import { matchedRoutes } from 'hono/route';
import { sentryOptions } from './options.ts';

// As ExportedHandler's, but the jobs run without a context too (tests and scripts call them so).
type Handlers = {
  fetch: ExportedHandlerFetchHandler<Env>;
  queue(batch: MessageBatch<unknown>, env: Env, ctx?: ExecutionContext): Promise<void>;
  scheduled(controller: ScheduledController, env: Env, ctx?: ExecutionContext): Promise<void>;
};

/** The Worker's handlers, reported through withSentry when SENTRY_DSN is set. */
export function reportedHandlers(handlers: Handlers): Handlers {
  // withSentry instruments the object it is given in place: it gets a copy.
  const reported = withSentry((env: Env) => sentryOptions(env), { ...handlers });
  const pick = (env: Env) => (env.SENTRY_DSN ? reported : handlers);
  return {
    fetch: (request, env, ctx) => pick(env).fetch(request, env, ctx),
    queue: (batch, env, ctx) => pick(env).queue(batch, env, ctx),
    scheduled: (controller, env, ctx) => pick(env).scheduled(controller, env, ctx),
  };
}

/**
 * A Durable Object class whose instances are reported through instrumentDurableObjectWithSentry
 * when SENTRY_DSN is set (decided per instance), tagged with the object's name. The SDK wraps the
 * class's methods on its prototype, so an instance made without a DSN shares them: its wrappers
 * find no Sentry state for it and call the plain method.
 */
export function reportedObject<C extends new (ctx: DurableObjectState, env: Env) => DurableObject<Env>>(
  name: string,
  ObjectClass: C,
): C {
  const reported = instrumentDurableObjectWithSentry(
    (env: Env) => sentryOptions(env, { durable_object: name }),
    ObjectClass,
  );
  return new Proxy(ObjectClass, {
    construct: (target, args: [DurableObjectState, Env], newTarget) =>
      Reflect.construct(args[1].SENTRY_DSN ? reported : target, args, newTarget),
  });
}

/**
 * Reports an error the app's onError turned into a 500, tagged with what finds it again: our
 * request id (the X-Request-Id answered), the matched route pattern, and the kind of caller.
 */
export function reportRequestError(c: Context, error: unknown) {
  if (!c.env.SENTRY_DSN) return;
  const subject = c.get('subject') as { type?: string } | undefined;
  withScope((scope) => {
    scope.setTags({
      request_id: c.get('requestId') as string,
      route: routePattern(c),
      subject_type: subject?.type ?? 'none',
    });
    // Unhandled as far as the caller is concerned: they got the generic 500.
    captureException(error, { mechanism: { type: 'auto.http.hono.on_error', handled: false } });
  });
}

/** The pattern of the route that handled the request (`/api/conversations/:id/messages`), not the URL. */
function routePattern(c: Context): string {
  const routes = matchedRoutes(c).filter((route) => route.method !== 'ALL');
  return routes.at(-1)?.path ?? 'unmatched';
}
