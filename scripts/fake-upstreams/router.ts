// Maps a URL prefix to a vendor protocol (the SDK's base URL is the prefix) or to /__control.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { anthropic } from './anthropic.ts';
import { handleControl } from './control.ts';
import type { FakeState } from './control.ts';
import { gemini } from './gemini.ts';
import { handleChat } from './generate.ts';
import { sendJson } from './http.ts';
import { compat, openai } from './openai.ts';
import { createFakeResend } from '../fake-resend.ts';
import { createFakeTurnstile } from '../fake-turnstile.ts';
import { fakeStripe } from '../fake-stripe/index.ts';
import type { Vendor } from './types.ts';

const PREFIXES: [string, Vendor][] = [
  ['/anthropic', anthropic],
  ['/openai', openai],
  ['/compat', compat],
  ['/gemini', gemini],
];

export function createHandler(state: FakeState) {
  const resend = createFakeResend();
  const turnstile = createFakeTurnstile();
  return (req: IncomingMessage, res: ServerResponse): void => {
    route(state, resend, turnstile, req, res).catch((error: unknown) => {
      console.error('fake-upstreams: request failed', error);
      if (!res.headersSent) sendJson(res, 500, { error: String(error) });
      else res.destroy();
    });
  };
}

async function route(
  state: FakeState,
  resend: ReturnType<typeof createFakeResend>,
  turnstile: ReturnType<typeof createFakeTurnstile>,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://fake.invalid');
  if (url.pathname.startsWith('/__control/')) return handleControl(state, req, res, url);
  // Email, not a model vendor: scripts/fake-resend.ts.
  if (url.pathname.startsWith('/resend/'))
    return resend(req, res, url.pathname.slice('/resend'.length), url.searchParams);
  // Cloudflare Turnstile for widget sites, at challenges.cloudflare.com's paths: scripts/fake-turnstile.ts.
  if (url.pathname.startsWith('/turnstile/'))
    return turnstile(req, res, url.pathname.slice('/turnstile'.length), url.searchParams);
  // Billing, not a model vendor: scripts/fake-stripe/ (the SDK's STRIPE_API_BASE is `<this server>/stripe`).
  if (url.pathname.startsWith('/stripe/'))
    return fakeStripe.handle(req, res, url.pathname.slice('/stripe'.length), url.searchParams);
  const logId = state.log.nextId();
  res.setHeader('x-fake-request-id', logId);

  for (const [prefix, vendor] of PREFIXES) {
    if (!url.pathname.startsWith(`${prefix}/`)) continue;
    const match = vendor.route(req.method ?? 'GET', url.pathname.slice(prefix.length));
    if (match?.kind === 'chat') {
      return handleChat({
        vendor,
        route: match,
        req,
        res,
        query: url.searchParams,
        log: state.log,
        defaults: state.defaults,
        logId,
      });
    }
    if (match?.kind === 'models' && vendor.models) {
      if (!vendor.hasApiKey(req.headers, url.searchParams)) {
        const reply = vendor.missingKey();
        return sendJson(res, reply.status, reply.body, reply.headers);
      }
      return sendJson(res, 200, vendor.models());
    }
    const reply = vendor.error(404, `No route for ${req.method} ${url.pathname} on the fake ${vendor.name} upstream.`);
    return sendJson(res, 404, reply.body);
  }
  sendJson(res, 404, {
    error: `unknown path ${url.pathname}; use /anthropic, /openai/v1, /compat/v1, /gemini, /resend, /turnstile or /__control`,
  });
}
