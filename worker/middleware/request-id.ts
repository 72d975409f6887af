import { createMiddleware } from 'hono/factory';
import { requestId } from 'hono/request-id';
import type { AppEnv } from '../env.ts';
import { withLogContext } from '../log.ts';

// A caller's X-Request-Id is theirs to correlate with: logged beside ours, never used as ours
// (a chosen id could collide with another request's or forge lines in the log).
const CLIENT_ID = /^[\w.:-]{1,64}$/;

// headerName '' makes hono's requestId generate every id and never read the request's header.
const serverId = requestId({ headerName: '', generator: () => crypto.randomUUID() });

/** Every request gets an id generated here, answered as X-Request-Id; a caller's own, if sane, is kept as `clientRequestId`. */
export const requestIds = createMiddleware<AppEnv>(async (c, next) => {
  const caller = c.req.header('x-request-id');
  if (caller && CLIENT_ID.test(caller)) c.set('clientRequestId', caller);
  return serverId(c, async () => {
    c.header('X-Request-Id', c.var.requestId);
    // Every line logged while this request is served carries its ids (worker/log.ts).
    // `cf` is absent in some local runs and tests: no colo then.
    const colo = (c.req.raw.cf as { colo?: unknown } | undefined)?.colo;
    await withLogContext(
      {
        requestId: c.var.requestId,
        clientRequestId: c.var.clientRequestId,
        ...(typeof colo === 'string' ? { colo } : {}),
      },
      next,
    );
  });
});
