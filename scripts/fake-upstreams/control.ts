// `/__control/*`: how tests and benchmarks look inside the fakes and steer them process-wide.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { updateDefaults } from './directives.ts';
import type { Defaults } from './directives.ts';
import { readBody, sendJson } from './http.ts';
import type { RequestLog } from './request-log.ts';

export interface FakeState {
  log: RequestLog;
  defaults: Defaults;
}

export async function handleControl(
  state: FakeState,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<void> {
  const route = `${req.method} ${url.pathname}`;
  if (route === 'GET /__control/health') return sendJson(res, 200, { ok: true });
  if (route === 'GET /__control/requests') {
    return sendJson(
      res,
      200,
      state.log.list({ key: url.searchParams.get('key'), vendor: url.searchParams.get('vendor') }),
    );
  }
  if (route === 'DELETE /__control/requests') {
    state.log.clear();
    return sendJson(res, 200, { ok: true });
  }
  if (route === 'GET /__control/defaults') return sendJson(res, 200, state.defaults);
  if (route === 'POST /__control/defaults') {
    let patch: unknown;
    try {
      patch = JSON.parse((await readBody(req)) || '{}');
    } catch {
      return sendJson(res, 400, { error: 'body must be JSON like {"ttft":200,"tps":50,"tokens":120}' });
    }
    state.defaults = updateDefaults(state.defaults, patch);
    return sendJson(res, 200, state.defaults);
  }
  sendJson(res, 404, { error: `no control route ${route}` });
}
