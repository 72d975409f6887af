import { createSignal, onMount, Show } from 'solid-js';
import { A, useNavigate, useSearchParams } from '@solidjs/router';
import { completeOAuth } from '../lib/auth.ts';
import { safeNext } from './SignIn.tsx';

/** Where Supabase sends the browser back with `?code=`: the code is exchanged for a session. */
export function AuthCallback() {
  const [params] = useSearchParams<{ code?: string; error_description?: string }>();
  const navigate = useNavigate();
  const [error, setError] = createSignal<string>();
  onMount(async () => {
    if (!params.code) return setError(params.error_description ?? 'The sign-in did not complete: try again');
    try {
      navigate(safeNext(await completeOAuth(params.code)), { replace: true });
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  });
  return (
    <main class="center">
      <Show when={error()} fallback={<p aria-live="polite">Signing you in…</p>}>
        {(message) => (
          <>
            <p class="error" role="alert">
              {message()}
            </p>
            <A href="/signin">Back to sign in</A>
          </>
        )}
      </Show>
    </main>
  );
}
