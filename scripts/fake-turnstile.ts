// A fake Cloudflare Turnstile for tests and the offline `npm start`, on the fake upstreams' port at
// the paths challenges.cloudflare.com uses (so TURNSTILE_BASE_URL is `http://127.0.0.1:PORT`).
// It behaves as Cloudflare's documented test keys do
// (https://developers.cloudflare.com/turnstile/troubleshooting/testing/):
//
//   POST /turnstile/v0/siteverify   form (application/x-www-form-urlencoded) or JSON {secret, response,
//        remoteip?, idempotency_key?}; always 200 application/json, as Siteverify answers:
//        secret 1x0000000000000000000000000000000AA  passes the dummy token XXXX.DUMMY.TOKEN.XXXX
//                                                   (any other token: invalid-input-response)
//        secret 2x0000000000000000000000000000000AA  always fails (invalid-input-response)
//        secret 3x0000000000000000000000000000000AA  always fails (timeout-or-duplicate)
//        no secret: missing-input-secret; another secret: invalid-input-secret; no response:
//        missing-input-response; a body neither form nor JSON: bad-request
//   GET  /turnstile/v0/api.js       a script defining window.turnstile {render, reset, remove, getResponse}
//        as explicit rendering uses it: render(container, {sitekey, callback, 'error-callback'}) shows a
//        small box saying "Verifying you are human…", then "Success!" and calls callback with the dummy
//        token for the passing test site keys (1x…AA, 1x…BB, 3x…FF), or error-callback('110100') for
//        the failing ones (2x…); `?onload=name` calls window[name]() once loaded, as the real one does
//   GET    /turnstile/__control/verifications   every Siteverify call, oldest first {secret, response, remoteip, success}
//   DELETE /turnstile/__control/verifications   forgets them
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody, sendJson } from './fake-upstreams/http.ts';

export const TURNSTILE_DUMMY_TOKEN = 'XXXX.DUMMY.TOKEN.XXXX';
export const TURNSTILE_TEST_KEYS = {
  passingSiteKey: '1x00000000000000000000AA',
  failingSiteKey: '2x00000000000000000000AB',
  passingSecret: '1x0000000000000000000000000000000AA',
  failingSecret: '2x0000000000000000000000000000000AA',
  spentSecret: '3x0000000000000000000000000000000AA',
} as const;

export type Verification = {
  secret: string | null;
  response: string | null;
  remoteip: string | null;
  success: boolean;
};

// The documented bodies, verbatim (server-side validation and testing pages).
const SUCCESS = {
  success: true,
  challenge_ts: '2022-02-28T15:14:30.096Z',
  hostname: 'localhost',
  'error-codes': [],
  action: 'test',
  cdata: 'test-data',
};
const failure = (code: string) => ({ success: false, 'error-codes': [code] });

export function createFakeTurnstile() {
  const verifications: Verification[] = [];

  function verify(fields: Record<string, unknown>): object {
    const secret = typeof fields.secret === 'string' && fields.secret ? fields.secret : null;
    const response = typeof fields.response === 'string' && fields.response ? fields.response : null;
    const remoteip = typeof fields.remoteip === 'string' ? fields.remoteip : null;
    const answer = !secret
      ? failure('missing-input-secret')
      : !response
        ? failure('missing-input-response')
        : secret === TURNSTILE_TEST_KEYS.passingSecret
          ? response === TURNSTILE_DUMMY_TOKEN
            ? SUCCESS
            : failure('invalid-input-response')
          : secret === TURNSTILE_TEST_KEYS.failingSecret
            ? failure('invalid-input-response')
            : secret === TURNSTILE_TEST_KEYS.spentSecret
              ? failure('timeout-or-duplicate')
              : failure('invalid-input-secret');
    verifications.push({ secret, response, remoteip, success: answer === SUCCESS });
    return answer;
  }

  return async (req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams): Promise<void> => {
    const method = req.method ?? 'GET';
    if (path === '/v0/siteverify' && method === 'POST') {
      const raw = await readBody(req);
      const type = req.headers['content-type'] ?? '';
      let fields: Record<string, unknown>;
      try {
        fields = type.includes('application/json')
          ? (JSON.parse(raw) as Record<string, unknown>)
          : Object.fromEntries(new URLSearchParams(raw));
      } catch {
        return sendJson(res, 200, failure('bad-request'));
      }
      return sendJson(res, 200, verify(fields));
    }
    if (path === '/v0/api.js' && method === 'GET') {
      const script = apiScript(query.get('onload'));
      res.writeHead(200, {
        'content-type': 'text/javascript; charset=utf-8',
        'content-length': Buffer.byteLength(script),
        'access-control-allow-origin': '*',
      });
      return void res.end(script);
    }
    if (path === '/__control/verifications') {
      if (method === 'DELETE') {
        verifications.length = 0;
        return void res.writeHead(204).end();
      }
      return sendJson(res, 200, verifications);
    }
    sendJson(res, 404, {
      error: `unknown path /turnstile${path}; use /turnstile/v0/siteverify or /turnstile/v0/api.js`,
    });
  };
}

/** The fake api.js: explicit rendering only, the behaviour of Cloudflare's test site keys. */
function apiScript(onload: string | null): string {
  return `(() => {
  const widgets = new Map();
  let next = 0;
  const passes = (sitekey) => /^(1x|3x)/.test(String(sitekey));
  window.turnstile = {
    render(container, options) {
      const element = typeof container === 'string' ? document.querySelector(container) : container;
      const id = 'cf-fake-' + ++next;
      const box = document.createElement('div');
      box.setAttribute('data-fake-turnstile', id);
      box.setAttribute('role', 'status');
      box.textContent = 'Verifying you are human…';
      box.style.cssText = 'border:1px solid #8c8c8c;border-radius:4px;padding:12px;font:14px system-ui,sans-serif;color:#1d1d1d;background:#fafafa;width:260px;box-sizing:border-box';
      element.append(box);
      const widget = { box, options, response: undefined, timer: 0 };
      widgets.set(id, widget);
      const run = () => {
        widget.timer = setTimeout(() => {
          if (passes(options.sitekey)) {
            widget.response = ${JSON.stringify(TURNSTILE_DUMMY_TOKEN)};
            box.textContent = 'Success!';
            options.callback?.(widget.response);
          } else {
            box.textContent = 'Verification failed';
            options['error-callback']?.('110100');
          }
        }, 800);
      };
      widget.run = run;
      run();
      return id;
    },
    reset(id) {
      for (const [key, widget] of widgets) if (id === undefined || key === id) {
        clearTimeout(widget.timer);
        widget.response = undefined;
        widget.box.textContent = 'Verifying you are human…';
        widget.run();
      }
    },
    remove(id) {
      const widget = widgets.get(id);
      if (widget) { clearTimeout(widget.timer); widget.box.remove(); widgets.delete(id); }
    },
    getResponse(id) {
      return widgets.get(id)?.response;
    },
  };
  ${onload ? `window[${JSON.stringify(onload)}]?.();` : ''}
})();
`;
}
