/**
 * Error reporting to Sentry, on only when SENTRY_DSN is set. Each invocation (a request, a queue
 * batch, a cron, a call into a Durable Object) runs in its own isolation scope with the SDK's
 * Cloudflare client, one per isolate as the SDK keeps it; what it throws is captured as unhandled
 * under the SDK's own mechanism names, and the events are flushed through waitUntil. Without a
 * DSN each invocation costs one check and runs the plain handler, and nothing is sent. The SDK's
 * pieces, not its wrappers: see sentry-sdk.ts.
 */
import type { DurableObject } from 'cloudflare:workers';
import type { Context } from 'hono';
import { matchedRoutes } from 'hono/route';
import { sentryOptions } from './options.ts';
import {
  CloudflareClient,
  addCloudResourceContext,
  addCultureContext,
  addRequest,
  captureException,
  consoleIntegration,
  conversationIdIntegration,
  dedupeIntegration,
  defaultStackParser,
  eventFiltersIntegration,
  fetchIntegration,
  functionToStringIntegration,
  getDefaultIsolationScope,
  getCurrentScope,
  getFinalOptions,
  getIntegrationsToSetup,
  getIsolationScope,
  linkedErrorsIntegration,
  makeCloudflareTransport,
  requestDataIntegration,
  setAsyncLocalStorageAsyncContextStrategy,
  withIsolationScope,
  withScope,
} from './sentry-sdk.ts';

type Handlers<B, C> = {
  fetch(request: Request, env: Env, ctx: ExecutionContext): Response | Promise<Response>;
  queue(batch: B, env: Env, ctx?: ExecutionContext): Promise<void>;
  scheduled(controller: C, env: Env, ctx?: ExecutionContext): Promise<void>;
};

type Invocation = {
  env: Env;
  waitUntil: ((promise: Promise<unknown>) => void) | undefined;
  /** The SDK's mechanism type for what this kind of invocation throws. */
  mechanism: string;
  tags?: Record<string, string>;
  request?: Request;
};

let cached: { dsn: string | undefined; client: CloudflareClient } | undefined;

/**
 * The isolate's client, made as the SDK's init makes it: its default integrations (the
 * HttpServer one, which reads request bodies, is not among them), its stack parser and transport.
 */
function clientFor(options: ReturnType<typeof sentryOptions>): CloudflareClient {
  if (cached && cached.dsn === options.dsn) return cached.client;
  const defaultIntegrations = [
    dedupeIntegration(),
    eventFiltersIntegration(),
    functionToStringIntegration(),
    conversationIdIntegration(),
    linkedErrorsIntegration(),
    fetchIntegration(),
    requestDataIntegration(),
    consoleIntegration(),
  ];
  const client = new CloudflareClient({
    ...options,
    cacheClient: true,
    stackParser: defaultStackParser,
    transport: options.transport ?? makeCloudflareTransport,
    integrations: getIntegrationsToSetup({ ...options, defaultIntegrations }),
  } as ConstructorParameters<typeof CloudflareClient>[0]);
  client.init();
  cached = { dsn: options.dsn, client };
  return client;
}

/** Runs one invocation under its own scope; what it throws is captured, then thrown on. */
function reported<T>(invocation: Invocation, run: () => T): T {
  return withIsolationScope((isolationScope) => {
    const options = getFinalOptions(sentryOptions(invocation.env, invocation.tags), invocation.env);
    const client = clientFor(options);
    isolationScope.setClient(client);
    getCurrentScope().setClient(client);
    getCurrentScope().update(options.initialScope);
    addCloudResourceContext(isolationScope);
    if (invocation.request) {
      addRequest(isolationScope, invocation.request);
      if (invocation.request.cf) addCultureContext(isolationScope, invocation.request.cf);
    }
    const flush = () => invocation.waitUntil?.(client.flush(2000).catch(() => false));
    const fail = (error: unknown): never => {
      captureException(error, { mechanism: { type: invocation.mechanism, handled: false } });
      flush();
      throw error;
    };
    let result: T;
    try {
      result = run();
    } catch (error) {
      return fail(error);
    }
    if (result instanceof Promise) {
      return result.then((value) => {
        flush();
        return value;
      }, fail) as T;
    }
    flush();
    return result;
  });
}

/** The Worker's handlers, reported when SENTRY_DSN is set. */
export function reportedHandlers<B extends MessageBatch<unknown>, C extends ScheduledController>(
  handlers: Handlers<B, C>,
): Handlers<B, C> {
  setAsyncLocalStorageAsyncContextStrategy();
  const waitUntil = (ctx: ExecutionContext | undefined) => ctx?.waitUntil.bind(ctx);
  return {
    fetch: (request, env, ctx) =>
      env.SENTRY_DSN
        ? reported({ env, waitUntil: waitUntil(ctx), mechanism: 'auto.http.cloudflare', request }, () =>
            handlers.fetch(request, env, ctx),
          )
        : handlers.fetch(request, env, ctx),
    queue: (batch, env, ctx) =>
      env.SENTRY_DSN
        ? reported({ env, waitUntil: waitUntil(ctx), mechanism: 'auto.faas.cloudflare.queue' }, () =>
            handlers.queue(batch, env, ctx),
          )
        : handlers.queue(batch, env, ctx),
    scheduled: (controller, env, ctx) =>
      env.SENTRY_DSN
        ? reported({ env, waitUntil: waitUntil(ctx), mechanism: 'auto.faas.cloudflare.scheduled' }, () =>
            handlers.scheduled(controller, env, ctx),
          )
        : handlers.scheduled(controller, env, ctx),
  };
}

/** The reported instances (made while SENTRY_DSN was set), with what their invocations need. */
const reportedInstances = new WeakMap<object, { name: string; state: DurableObjectState; env: Env }>();

/**
 * A Durable Object class whose instances are reported when SENTRY_DSN is set (decided once per
 * instance). As the SDK does, the prototype's methods (RPC methods and the fetch, alarm and
 * WebSocket handlers) are wrapped in place, since the runtime calls them there; a wrapper runs
 * the plain method for an instance made without a DSN, and for a call made from inside an
 * invocation (one method calling another).
 */
export function reportedObject<C extends new (ctx: DurableObjectState, env: Env) => DurableObject<Env>>(
  name: string,
  ObjectClass: C,
): C {
  setAsyncLocalStorageAsyncContextStrategy();
  wrapMethods(ObjectClass.prototype);
  return new Proxy(ObjectClass, {
    construct(target, args: [DurableObjectState, Env], newTarget) {
      const instance = Reflect.construct(target, args, newTarget);
      if (args[1].SENTRY_DSN) reportedInstances.set(instance, { name, state: args[0], env: args[1] });
      return instance;
    },
  });
}

const wrappers = new WeakSet<object>();

function wrapMethods(prototype: object) {
  for (let proto = prototype; proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
    for (const key of Object.getOwnPropertyNames(proto)) {
      const descriptor = Object.getOwnPropertyDescriptor(proto, key);
      const method = descriptor?.value;
      if (key === 'constructor' || typeof method !== 'function' || wrappers.has(method)) continue;
      const wrapper = function (this: object, ...args: unknown[]) {
        const instance = reportedInstances.get(this);
        if (!instance || getIsolationScope() !== getDefaultIsolationScope()) return Reflect.apply(method, this, args);
        const { name, state, env } = instance;
        const invocation: Invocation = {
          env,
          waitUntil: state.waitUntil.bind(state),
          mechanism: 'auto.faas.cloudflare.durable_object',
          tags: { durable_object: name },
          ...(key === 'fetch' && args[0] instanceof Request ? { request: args[0] } : {}),
        };
        return reported(invocation, () => Reflect.apply(method, this, args));
      };
      Object.defineProperties(wrapper, {
        name: { value: method.name, configurable: true },
        length: { value: method.length, configurable: true },
      });
      wrappers.add(wrapper);
      Object.defineProperty(proto, key, { ...descriptor, value: wrapper });
    }
  }
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
