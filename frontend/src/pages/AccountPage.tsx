// The account's data: the share links you have made (open, copy, revoke) and a download of
// everything Parley holds of you.
import { createResource, createSignal, For, onMount, Show } from 'solid-js';
import { A } from '@solidjs/router';
import { PageState } from '../components/PageState.tsx';
import { expiryWords } from '../components/ConversationActions.tsx';
import { api, type ShareLink } from '../lib/api.ts';
import { copyText, saveFile } from '../lib/download.ts';
import { requestErrorWords } from '../lib/errors.ts';
import { day } from '../lib/format.ts';
import {
  customInstructions,
  customInstructionsError,
  loadCustomInstructions,
  saveCustomInstructions,
} from '../lib/instructions.ts';
import './pages.css';
import './account.css';

export default function AccountPage() {
  const [links, { mutate, refetch }] = createResource(async () => (await api.shares()).items);
  const [status, setStatus] = createSignal('');
  const [error, setError] = createSignal<string>();
  let listHeading!: HTMLHeadingElement;

  const revoke = async (link: ShareLink) => {
    setError(undefined);
    try {
      await api.revokeShare(link.id);
      mutate((list) => list?.filter((l) => l.id !== link.id));
      setStatus(`Link to “${link.title ?? 'New conversation'}” revoked.`);
      listHeading.focus();
    } catch (e) {
      setError(`The link was not revoked: ${requestErrorWords(e)}`);
    }
  };

  return (
    <main class="settings-page account-page">
      <h1>Account</h1>

      <CustomInstructions />

      <section class="card stack" aria-labelledby="links-heading">
        <h2 id="links-heading" ref={listHeading} tabindex="-1">
          Shared links
        </h2>
        <p class="small muted">
          Each link shows a conversation as it was when you shared it, to anyone who has the link. Revoke a link to stop
          sharing; share from a conversation with its Share button.
        </p>
        <p class="visually-hidden" role="status">
          {status()}
        </p>
        <Show when={error()}>
          {(message) => (
            <p class="error" role="alert">
              {message()}
            </p>
          )}
        </Show>
        <PageState
          resource={links}
          what="Your shared links"
          loading="Loading your shared links…"
          retry={refetch}
          isEmpty={(list) => list.length === 0}
          empty={<p class="muted">You have not shared any conversation.</p>}
        >
          {(loaded) => (
            <ul class="share-list">
              <For each={loaded()}>
                {(link) => (
                  <li class="share-item">
                    <A href={`/c/${link.conversationId}`} class="share-title">
                      {link.title ?? 'New conversation'}
                    </A>
                    <span class="small muted">
                      Shared <time datetime={link.createdAt}>{day(link.createdAt)}</time> · {expiryWords(link)}
                    </span>
                    <a class="small share-url-text" href={link.url} target="_blank" rel="noopener noreferrer">
                      {link.url}
                    </a>
                    <div class="row">
                      <button
                        type="button"
                        class="ghost"
                        onClick={async () => setStatus(await copyText(link.url, 'link'))}
                      >
                        Copy link<span class="visually-hidden"> to “{link.title ?? 'New conversation'}”</span>
                      </button>
                      <button type="button" class="danger" onClick={() => void revoke(link)}>
                        Revoke<span class="visually-hidden"> link to “{link.title ?? 'New conversation'}”</span>
                      </button>
                    </div>
                  </li>
                )}
              </For>
            </ul>
          )}
        </PageState>
      </section>

      <ExportAccount />
    </main>
  );
}

/** Most characters the server keeps (worker/schemas/me.ts). */
const MAX_INSTRUCTIONS = 4_000;

/** The account-wide custom instructions: put before every reply of the person's own conversations. */
function CustomInstructions() {
  const [draft, setDraft] = createSignal<string>();
  const [busy, setBusy] = createSignal(false);
  const [message, setMessage] = createSignal('');
  const [failed, setFailed] = createSignal(false);
  const loading = () => customInstructions() === undefined;
  onMount(() => void loadCustomInstructions());
  const text = () => draft() ?? customInstructions() ?? '';
  const save = async (event: SubmitEvent) => {
    event.preventDefault();
    if (busy()) return;
    setBusy(true);
    setFailed(false);
    try {
      const saved = await saveCustomInstructions(text());
      setDraft(saved ?? '');
      setMessage(saved ? 'Custom instructions saved.' : 'Custom instructions cleared.');
    } catch (e) {
      setFailed(true);
      setMessage(`Not saved: ${requestErrorWords(e)}`);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="card stack" aria-labelledby="instructions-heading">
      <h2 id="instructions-heading">Custom instructions</h2>
      <form class="stack" onSubmit={(e) => void save(e)}>
        <label for="custom-instructions">What should Parley know about you, and how should it answer?</label>
        <p id="instructions-help" class="small muted">
          Sent before every reply in your own conversations, ahead of a conversation's system prompt. Not used for your
          widget visitors or the API.
        </p>
        <textarea
          id="custom-instructions"
          rows={6}
          maxLength={MAX_INSTRUCTIONS}
          aria-describedby="instructions-help instructions-count"
          disabled={loading()}
          value={text()}
          onInput={(e) => setDraft(e.currentTarget.value)}
        />
        <div class="row instructions-actions">
          <span id="instructions-count" class="small muted">
            {text().length.toLocaleString()} / {MAX_INSTRUCTIONS.toLocaleString()} characters
          </span>
          <button type="submit" disabled={busy() || loading()}>
            {busy() ? 'Saving…' : 'Save instructions'}
          </button>
        </div>
        <p class={failed() ? 'error' : 'small muted'} role={failed() ? 'alert' : 'status'}>
          {message()}
        </p>
        <Show when={customInstructionsError()}>
          {(words) => (
            <p class="error" role="alert">
              Your custom instructions could not be loaded: {words()}{' '}
              <button type="button" class="link" onClick={() => void loadCustomInstructions()}>
                Try again
              </button>
            </p>
          )}
        </Show>
      </form>
    </section>
  );
}

function ExportAccount() {
  const [busy, setBusy] = createSignal(false);
  const [message, setMessage] = createSignal('');
  const [failed, setFailed] = createSignal(false);
  const exportAll = async () => {
    if (busy()) return;
    setBusy(true);
    setFailed(false);
    setMessage('Preparing your data…');
    try {
      saveFile(await api.exportAccount());
      setMessage('Your data was downloaded as a JSON file.');
    } catch (e) {
      setFailed(true);
      setMessage(`The export failed: ${requestErrorWords(e)}`);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="card stack" aria-labelledby="data-heading">
      <h2 id="data-heading">Your data</h2>
      <p class="small">
        Download everything Parley holds of you as one JSON file: your profile and plan, every conversation with its
        messages, your API keys (names and prefixes, never the secrets), sites, shared links, usage by day and the
        emails we sent you.
      </p>
      <div class="row">
        <button type="button" class="primary" aria-disabled={busy()} onClick={() => void exportAll()}>
          {busy() ? 'Exporting…' : 'Export all data'}
        </button>
      </div>
      <p class={failed() ? 'error' : 'small muted'} role="status" aria-live="polite">
        {message()}
      </p>
    </section>
  );
}
