import { createSignal, Show } from 'solid-js';
import { Navigate, useSearchParams } from '@solidjs/router';
import { api, type Config } from '../lib/api.ts';
import { devSignIn, session, startOAuth } from '../lib/auth.ts';

export function SignIn(props: { config: Config }) {
  const [params] = useSearchParams<{ next?: string }>();
  const next = () => safeNext(params.next);
  const [email, setEmail] = createSignal('');
  const [error, setError] = createSignal<string>();
  const [busy, setBusy] = createSignal(false);

  const run = async (action: () => Promise<void>) => {
    setBusy(true);
    setError(undefined);
    try {
      await action();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
      setBusy(false);
    }
  };

  return (
    <Show when={!session()} fallback={<Navigate href={next()} />}>
      <main class="center signin">
        <h1>Parley</h1>
        <p class="tagline">Claude, OpenAI and Gemini in one conversation.</p>
        <Show
          when={props.config.authMode === 'supabase'}
          fallback={
            <form
              class="card stack"
              onSubmit={(e) => {
                e.preventDefault();
                void run(() => devSignIn(email(), api.devSignIn));
              }}
            >
              <label for="email">
                Email <span class="muted">(local development sign-in)</span>
              </label>
              <input
                id="email"
                type="email"
                required
                autocomplete="email"
                value={email()}
                onInput={(e) => setEmail(e.currentTarget.value)}
              />
              <button type="submit" class="primary" disabled={busy()}>
                {busy() ? 'Signing in…' : 'Sign in'}
              </button>
            </form>
          }
        >
          <div class="card stack">
            <button
              type="button"
              class="primary"
              disabled={busy()}
              onClick={() => void run(() => startOAuth('google', next()))}
            >
              Continue with Google
            </button>
            <button
              type="button"
              class="primary"
              disabled={busy()}
              onClick={() => void run(() => startOAuth('github', next()))}
            >
              Continue with GitHub
            </button>
          </div>
        </Show>
        <Show when={error()}>
          {(message) => (
            <p class="error" role="alert">
              {message()}
            </p>
          )}
        </Show>
      </main>
    </Show>
  );
}

/** Only paths on this site: a sign-in link must not send anyone elsewhere. */
export function safeNext(next: string | undefined): string {
  return next?.startsWith('/') && !next.startsWith('//') ? next : '/';
}
