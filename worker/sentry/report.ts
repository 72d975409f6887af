/**
 * Error reporting to Sentry, on only when SENTRY_DSN is set. The SDK's own wrappers do the work
 * (`withSentry` for fetch, queue and scheduled; `instrumentDurableObjectWithSentry` for the
 * objects: capture, scope per invocation, flush through waitUntil); without a DSN each
 * invocation costs one check and runs the plain handler, and nothing is sent.
 */
import { captureException, instrumentDurableObjectWithSentry, withScope, withSentry } from '@sentry/cloudflare';
import type { DurableObject } from 'cloudflare:workers';
import type { Context } from 'hono';
import { matchedRoutes } from 'hono/route';
import { sentryOptions } from './options.ts';

type Handlers<B, C> = {
  fetch(request: Request, env: Env, ctx: ExecutionContext): Response | Promise<Response>;
  queue(batch: B, env: Env, ctx?: ExecutionContext): Promise<void>;
  scheduled(controller: C, env: Env, ctx?: ExecutionContext): Promise<void>;
};

/** The Worker's handlers, reported through `withSentry` when SENTRY_DSN is set. */
export function reportedHandlers<B extends MessageBatch<unknown>, C extends ScheduledController>(
  handlers: Handlers<B, C>,
): Handlers<B, C> {
  // withSentry instruments the object it is given in place: give it a copy, keep the plain one.
  const reported = withSentry((env: Env) => sentryOptions(env), { ...handlers } as ExportedHandler<Env>);
  const plain = handlers as ExportedHandler<Env>;
  const pick = (env: Env) => (env.SENTRY_DSN ? reported : plain);
  return {
    fetch: (request, env, ctx) => pick(env).fetch!(request as never, env, ctx),
    queue: async (batch, env, ctx) => pick(env).queue!(batch, env, ctx!),
    scheduled: async (controller, env, ctx) => pick(env).scheduled!(controller, env, ctx!),
  };
}

/** A Durable Object class whose instances are instrumented when SENTRY_DSN is set (decided once per instance). */
export function reportedObject<C extends new (ctx: DurableObjectState, env: Env) => DurableObject<Env>>(
  name: string,
  ObjectClass: C,
): C {
  const Reported = instrumentDurableObjectWithSentry(
    (env: Env) => sentryOptions(env, { durable_object: name }),
    ObjectClass,
  );
  return new Proxy(ObjectClass, {
    construct(target, args: [DurableObjectState, Env], newTarget) {
      return Reflect.construct(args[1].SENTRY_DSN ? Reported : target, args, newTarget);
    },
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
