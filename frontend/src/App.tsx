import { createResource, createSignal, ErrorBoundary, Show } from 'solid-js';
import { api, session } from './lib/api.ts';

/** Placeholder shell until the chat UI lands: health, dev sign-in and the signed-in profile. */
export function App() {
  const [health] = createResource(api.health);
  const [signedIn, setSignedIn] = createSignal(Boolean(session.token()));
  return (
    <main class="shell">
      <header>
        <h1>Parley</h1>
        <p class="tagline">Claude, OpenAI and Gemini in one conversation.</p>
      </header>
      <p class="status" aria-live="polite">
        <Show when={health()} fallback={health.error ? 'Server unreachable' : 'Checking server…'}>
          {(h) => `Server ${h().ok ? 'healthy' : 'degraded'} · database ${h().db} · v${h().version}`}
        </Show>
      </p>
      <ErrorBoundary fallback={(error, reset) => <ErrorNotice error={error} onRetry={() => { session.clear(); setSignedIn(false); reset(); }} />}>
        <Show when={signedIn()} fallback={<SignIn onSignedIn={() => setSignedIn(true)} />}>
          <Profile onSignOut={() => { session.clear(); setSignedIn(false); }} />
        </Show>
      </ErrorBoundary>
    </main>
  );
}

function SignIn(props: { onSignedIn: () => void }) {
  const [email, setEmail] = createSignal('');
  const [error, setError] = createSignal<string>();
  const [busy, setBusy] = createSignal(false);
  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const { accessToken } = await api.devSignIn(email());
      session.save(accessToken);
      props.onSignedIn();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="card" onSubmit={submit}>
      <label for="email">Email (local development sign-in)</label>
      <input id="email" type="email" required autocomplete="email" value={email()} onInput={(e) => setEmail(e.currentTarget.value)} />
      <button type="submit" disabled={busy()}>{busy() ? 'Signing in…' : 'Sign in'}</button>
      <Show when={error()}>{(message) => <p role="alert" class="error">{message()}</p>}</Show>
    </form>
  );
}

function Profile(props: { onSignOut: () => void }) {
  const [me] = createResource(api.me);
  return (
    <Show when={me()} fallback={<p class="card">Loading your profile…</p>}>
      {(profile) => (
        <section class="card" aria-label="Your account">
          <p>Signed in as <strong>{profile().email}</strong> · {profile().tier} tier</p>
          <p>
            Tokens this month: {profile().quota.used.toLocaleString()}
            {profile().quota.limit === null ? ' (unlimited)' : ` of ${profile().quota.limit!.toLocaleString()}`}
            {' '}· resets {new Date(profile().quota.resetsAt).toLocaleDateString()}
          </p>
          <button type="button" onClick={() => props.onSignOut()}>Sign out</button>
        </section>
      )}
    </Show>
  );
}

function ErrorNotice(props: { error: unknown; onRetry: () => void }) {
  return (
    <div role="alert" class="card error">
      <p>{props.error instanceof Error ? props.error.message : String(props.error)}</p>
      <button type="button" onClick={() => props.onRetry()}>Sign in again</button>
    </div>
  );
}
