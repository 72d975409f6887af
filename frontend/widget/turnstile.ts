// Cloudflare Turnstile in the panel, for sites that turn it on: a chunk of its own, imported by the
// panel only when a session was refused with turnstile_required, so no other visitor downloads it.
// It adds Turnstile's script (the one URL the session named) to the host page, the only script the
// widget ever injects (frontend/widget/build.ts allows it here alone), and renders the challenge
// explicitly in the panel. A host page with a Content-Security-Policy must allow
// https://challenges.cloudflare.com in script-src and frame-src, as Cloudflare documents.
import type { TurnstileChallenge } from './types.ts';

type TurnstileOptions = {
  sitekey: string;
  callback: (token: string) => void;
  'error-callback': (code: string) => void;
  'expired-callback': () => void;
};
type TurnstileApi = {
  render(container: HTMLElement, options: TurnstileOptions): string;
  reset(id: string): void;
  remove(id: string): void;
};

declare global {
  interface Window {
    turnstile?: TurnstileApi;
  }
}

let loading: Promise<TurnstileApi> | undefined;

function load(src: string): Promise<TurnstileApi> {
  if (window.turnstile) return Promise.resolve(window.turnstile);
  return (loading ??= new Promise<TurnstileApi>((resolve, reject) => {
    const script = document.createElement('script');
    script.src = src;
    script.async = true;
    script.addEventListener('load', () =>
      window.turnstile ? resolve(window.turnstile) : reject(new Error('Turnstile loaded without window.turnstile')),
    );
    script.addEventListener('error', () => reject(new Error(`Turnstile's script did not load from ${src}`)));
    document.head.append(script);
  }).catch((error: unknown) => {
    loading = undefined; // the next challenge tries again
    throw error;
  }));
}

export type Challenge = {
  /** A new token (after Siteverify refused the last one, or it expired). */
  reset(): void;
  remove(): void;
};

/** Renders the challenge into `container`; `solved` gets each token, `failed` Turnstile's error code. */
export async function renderChallenge(
  container: HTMLElement,
  challenge: TurnstileChallenge,
  solved: (token: string) => void,
  failed: (code: string) => void,
): Promise<Challenge> {
  const turnstile = await load(challenge.script);
  const id = turnstile.render(container, {
    sitekey: challenge.siteKey,
    callback: solved,
    'error-callback': failed,
    'expired-callback': () => turnstile.reset(id),
  });
  return { reset: () => turnstile.reset(id), remove: () => turnstile.remove(id) };
}
