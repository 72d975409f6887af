// API keys for the OpenAI-compatible /v1 API: create one (its secret shown this once, with a curl
// example), list them, revoke one after a confirmation.
import { createResource, createSignal, For, onMount, Show } from 'solid-js';
import { CellLabel } from '../components/CellLabel.tsx';
import { PageState } from '../components/PageState.tsx';
import { api, type ApiKey } from '../lib/api.ts';
import { requestErrorWords } from '../lib/errors.ts';
import { day } from '../lib/format.ts';
import { defaultModelId } from '../lib/models.ts';
import './pages.css';

type CreatedKey = ApiKey & { key: string };

const dateTime = (iso: string) => new Date(iso).toLocaleString('en', { dateStyle: 'medium', timeStyle: 'short' });

export default function KeysPage() {
  const [keys, { mutate, refetch }] = createResource(async () => (await api.keys()).items);
  const [created, setCreated] = createSignal<CreatedKey>();
  const [status, setStatus] = createSignal('');
  let listHeading!: HTMLHeadingElement;

  const revoked = (key: ApiKey) => {
    mutate((list) => list?.filter((k) => k.id !== key.id));
    if (created()?.id === key.id) setCreated(undefined);
    setStatus(`Key “${key.name}” revoked.`);
    listHeading.focus();
  };

  return (
    <main class="settings-page keys-page">
      <h1>API keys</h1>
      <p>
        A key lets your own programs use Parley's models through its OpenAI-compatible API at{' '}
        <code>{location.origin}/v1</code>. A key acts as you: its requests count against your plan's quota and limits.
      </p>

      <CreateKeyForm
        onCreated={(created) => {
          const { key: _secret, ...listed } = created;
          setCreated(created);
          setStatus('');
          mutate((list) => [listed, ...(list ?? []).filter((k) => k.id !== listed.id)]);
        }}
      />

      <Show when={created()} keyed>
        {(key) => (
          <NewKeyPanel
            created={key}
            onDone={() => {
              setCreated(undefined);
              listHeading.focus();
            }}
          />
        )}
      </Show>

      <section class="card stack" aria-labelledby="keys-heading">
        <h2 id="keys-heading" ref={listHeading} tabindex="-1">
          Your keys
        </h2>
        <p class="visually-hidden" role="status">
          {status()}
        </p>
        <PageState
          resource={keys}
          what="Your keys"
          loading="Loading your keys…"
          retry={refetch}
          isEmpty={(list) => list.length === 0}
          empty={<p class="muted">You have no API keys yet. Create one above to call Parley from your own programs.</p>}
        >
          {(loaded) => <KeyTable keys={loaded()} onRevoked={revoked} />}
        </PageState>
      </section>
    </main>
  );
}

function CreateKeyForm(props: { onCreated: (key: CreatedKey) => void }) {
  const [name, setName] = createSignal('');
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<string>();

  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    if (busy()) return;
    if (!name().trim()) {
      setError('Give the key a name, so you can tell it apart later.');
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      props.onCreated(await api.createKey(name().trim()));
      setName('');
    } catch (e) {
      setError(`The key was not created: ${requestErrorWords(e)}`);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="card stack" aria-labelledby="create-heading">
      <h2 id="create-heading">Create a key</h2>
      <form class="create-key" onSubmit={submit}>
        <label for="key-name">Name</label>
        <div class="row">
          <input
            id="key-name"
            name="name"
            required
            maxlength={100}
            autocomplete="off"
            placeholder="e.g. CI or mobile app"
            aria-describedby={error() ? 'key-name-hint key-name-error' : 'key-name-hint'}
            aria-invalid={error() ? true : undefined}
            value={name()}
            onInput={(e) => setName(e.currentTarget.value)}
          />
          <button type="submit" class="primary" aria-disabled={busy()}>
            {busy() ? 'Creating…' : 'Create key'}
          </button>
        </div>
        <p id="key-name-hint" class="small muted">
          What the key is for. At most 100 characters.
        </p>
        <Show when={error()}>
          {(message) => (
            <p id="key-name-error" class="error" role="alert">
              {message()}
            </p>
          )}
        </Show>
      </form>
    </section>
  );
}

/** The secret, shown this once: copy it, see it used in curl, then dismiss. */
function NewKeyPanel(props: { created: CreatedKey; onDone: () => void }) {
  const [copied, setCopied] = createSignal('');
  let clearCopied: ReturnType<typeof setTimeout> | undefined;
  let heading!: HTMLHeadingElement;
  // The panel appears above the list: take the reader (and a screen reader) to it.
  onMount(() => heading.focus());
  const model = () => defaultModelId() ?? 'MODEL_ID';
  const curl = () =>
    [
      `curl ${location.origin}/v1/chat/completions \\`,
      `  -H "Authorization: Bearer ${props.created.key}" \\`,
      `  -H 'content-type: application/json' \\`,
      `  -d '${JSON.stringify({ model: model(), messages: [{ role: 'user', content: 'Hello' }] })}'`,
    ].join('\n');

  const copy = async (text: string, what: string) => {
    clearTimeout(clearCopied);
    setCopied('');
    try {
      if (!navigator.clipboard) throw new Error('no clipboard');
      await navigator.clipboard.writeText(text);
      setCopied(`Copied ${what}.`);
    } catch {
      setCopied(`Could not copy: select the ${what} and copy it yourself.`);
    }
    clearCopied = setTimeout(() => setCopied(''), 5000);
  };

  return (
    <section class="card stack new-key" aria-labelledby="new-key-heading">
      <h2 id="new-key-heading" tabindex="-1" ref={heading}>
        Your new key “{props.created.name}”
      </h2>
      <div class="notice">
        <p>
          <strong>Copy it now: you will not see it again.</strong> Parley does not show a key's secret after this; if
          you lose it, revoke the key and create another.
        </p>
      </div>
      <label for="new-key-secret">Secret key</label>
      <div class="row">
        <input
          id="new-key-secret"
          class="secret"
          readonly
          spellcheck={false}
          autocomplete="off"
          value={props.created.key}
          onFocus={(e) => e.currentTarget.select()}
        />
        <button type="button" class="primary" onClick={() => void copy(props.created.key, 'key')}>
          Copy<span class="visually-hidden"> key</span>
        </button>
      </div>
      <h3 id="curl-heading">Try it with curl</h3>
      {/* biome-ignore lint/a11y/useAriaPropsSupportedByRole: a focusable scroll region needs a name (axe's scrollable-region-focusable) */}
      <pre class="code" tabindex="0" aria-labelledby="curl-heading">
        <code>{curl()}</code>
      </pre>
      <div class="row">
        <button type="button" class="ghost" onClick={() => void copy(curl(), 'curl command')}>
          Copy<span class="visually-hidden"> the curl</span> command
        </button>
        <button type="button" class="ghost" onClick={() => props.onDone()}>
          Done, I have copied it
        </button>
      </div>
      <p class="small" role="status" aria-live="polite">
        {copied()}
      </p>
    </section>
  );
}

function KeyTable(props: { keys: ApiKey[]; onRevoked: (key: ApiKey) => void }) {
  const [target, setTarget] = createSignal<ApiKey>();
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<string>();
  let dialog!: HTMLDialogElement;
  let cancel!: HTMLButtonElement;

  const ask = (key: ApiKey) => {
    setTarget(key);
    setError(undefined);
    dialog.showModal();
    cancel.focus();
  };
  const revoke = async () => {
    const key = target();
    if (!key || busy()) return;
    setBusy(true);
    setError(undefined);
    try {
      await api.revokeKey(key.id);
      dialog.close();
      props.onRevoked(key);
    } catch (e) {
      setError(`The key was not revoked: ${requestErrorWords(e)}`);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <div class="table-scroll cards">
        <table class="keys">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Key</th>
              <th scope="col">Created</th>
              <th scope="col">Last used</th>
              <th scope="col">
                <span class="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            <For each={props.keys}>
              {(key) => (
                <tr>
                  <th scope="row" class="key-name">
                    {key.name}
                  </th>
                  <td>
                    <CellLabel>Key</CellLabel>
                    <code>{key.prefix}…</code>
                  </td>
                  <td>
                    <CellLabel>Created</CellLabel>
                    <time datetime={key.createdAt}>{day(key.createdAt)}</time>
                  </td>
                  <td>
                    <CellLabel>Last used</CellLabel>
                    <Show when={key.lastUsedAt} fallback={<span class="muted">never</span>}>
                      {(used) => <time datetime={used()}>{dateTime(used())}</time>}
                    </Show>
                  </td>
                  <td class="actions">
                    <button type="button" class="danger" onClick={() => ask(key)}>
                      Revoke<span class="visually-hidden"> key “{key.name}”</span>
                    </button>
                  </td>
                </tr>
              )}
            </For>
          </tbody>
        </table>
      </div>

      <dialog
        ref={dialog}
        class="confirm"
        aria-labelledby="revoke-heading"
        aria-describedby="revoke-description"
        onCancel={(e) => busy() && e.preventDefault()}
        onClose={() => setTarget(undefined)}
      >
        <h2 id="revoke-heading">Revoke “{target()?.name}”?</h2>
        <p id="revoke-description">
          Programs using this key (<code>{target()?.prefix}…</code>) will be refused from now on. This cannot be undone.
        </p>
        <Show when={error()}>
          {(message) => (
            <p class="error" role="alert">
              {message()}
            </p>
          )}
        </Show>
        <div class="row dialog-actions">
          <button
            type="button"
            class="ghost"
            ref={cancel}
            aria-disabled={busy()}
            onClick={() => busy() || dialog.close()}
          >
            Cancel
          </button>
          <button type="button" class="danger" aria-disabled={busy()} onClick={() => void revoke()}>
            {busy() ? 'Revoking…' : 'Revoke key'}
          </button>
        </div>
      </dialog>
    </>
  );
}
