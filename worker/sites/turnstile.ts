// Cloudflare Turnstile for a widget site: the Worker checks the token the widget's challenge gave
// at Siteverify (https://developers.cloudflare.com/turnstile/get-started/server-side-validation/),
// with the site's secret and the visitor's IP. TURNSTILE_BASE_URL points it elsewhere (tests and
// `npm start` use scripts/fake-turnstile.ts, which answers as Cloudflare documents).
import * as z from 'zod';
import { AppError } from '../errors.ts';
import { log } from '../log.ts';
import type { SiteTurnstile } from './site-config.ts';

const DEFAULT_BASE_URL = 'https://challenges.cloudflare.com';
/** Siteverify's answer; lenient, as vendor responses are read here. */
const siteverifyAnswer = z.object({
  success: z.boolean(),
  'error-codes': z.array(z.string()).nullish(),
  hostname: z.string().nullish(),
  challenge_ts: z.string().nullish(),
});

export type TurnstileEnv = Partial<Pick<Env, 'TURNSTILE_BASE_URL'>>;

const base = (env: TurnstileEnv) => (env.TURNSTILE_BASE_URL || DEFAULT_BASE_URL).replace(/\/+$/, '');

/** Where the widget loads Turnstile's script from (explicit rendering: the widget calls turnstile.render). */
export function turnstileScript(env: TurnstileEnv): string {
  return `${base(env)}/turnstile/v0/api.js?render=explicit`;
}

/** 403 turnstile_required, with what the widget needs to show the challenge. */
export function turnstileRequired(env: TurnstileEnv, turnstile: SiteTurnstile): AppError {
  return new AppError(
    403,
    'turnstile_required',
    'This site checks visitors with Cloudflare Turnstile: solve the challenge and send its token as turnstileToken',
    { details: { turnstile: { siteKey: turnstile.siteKey, script: turnstileScript(env) } } },
  );
}

/** Resolves when Siteverify accepts `token` for the site's secret; 403 turnstile_failed when it does not, 503 when it cannot be asked. */
export async function verifyTurnstile(
  env: TurnstileEnv,
  turnstile: SiteTurnstile,
  token: string,
  remoteIp: string | undefined,
): Promise<void> {
  const form = new URLSearchParams({ secret: turnstile.secret, response: token });
  if (remoteIp) form.set('remoteip', remoteIp);
  let answer: z.infer<typeof siteverifyAnswer>;
  try {
    const res = await fetch(`${base(env)}/turnstile/v0/siteverify`, { method: 'POST', body: form });
    answer = siteverifyAnswer.parse(await res.json());
  } catch (cause) {
    log.error('turnstile: siteverify unavailable', {}, cause);
    throw new AppError(503, 'turnstile_unavailable', 'The visitor check cannot be made right now: try again shortly', {
      cause,
    });
  }
  if (answer.success) return;
  const codes = answer['error-codes'] ?? [];
  // The site's secret is wrong: the owner's to fix, so it is logged; the visitor only hears "failed".
  if (codes.some((code) => code.endsWith('-input-secret')))
    log.warn('turnstile: the site secret was refused', { codes });
  throw new AppError(
    403,
    'turnstile_failed',
    `The visitor check did not pass (${codes.join(', ') || 'no reason given'}): solve the challenge again`,
  );
}
