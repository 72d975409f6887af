// The site's Turnstile challenge, shown in place of the conversation when the session asked for it
// (403 turnstile_required): Turnstile's chunk is loaded only now, its token sent with the session,
// and a token Siteverify refuses gets a fresh challenge rather than a dead end.
import type { Site, TurnstileChallenge } from '../types.ts';
import type { View } from './view.ts';
import { isWidgetError, words } from './words.ts';

/** The Turnstile chunk's path beside this one, written in by the build (frontend/widget/build.ts). */
declare const __PARLEY_TURNSTILE_CHUNK__: string;
type TurnstileModule = typeof import('../turnstile.ts');

/** Resolves with the site once a solved challenge opened the session; rejects when Turnstile cannot load. */
export async function passChallenge(
  view: View,
  challenge: TurnstileChallenge,
  verify: (token: string) => Promise<Site>,
  start: () => Promise<Site>,
): Promise<Site> {
  const shown = view.challenge();
  const chunk = new URL(__PARLEY_TURNSTILE_CHUNK__, import.meta.url).href;
  const { renderChallenge } = (await import(/* @vite-ignore */ chunk)) as TurnstileModule;
  return new Promise<Site>((resolve, reject) => {
    const rendered = renderChallenge(
      shown.box,
      challenge,
      (token) => {
        view.say('');
        verify(token)
          // The loader's start: the launcher takes the site's colours and says it is ready.
          .then(() => start())
          .then(
            (site) => {
              void rendered.then((c) => c.remove());
              shown.done();
              resolve(site);
            },
            (error: unknown) => {
              view.say(words(error));
              if (isWidgetError(error) && error.code === 'turnstile_failed') void rendered.then((c) => c.reset());
              else reject(error);
            },
          );
      },
      () => view.say("The check to confirm you're a person didn't work. Please reload the page to try again."),
    );
    rendered.catch(reject);
  });
}
