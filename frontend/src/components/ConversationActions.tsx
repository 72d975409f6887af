// The conversation's own actions, above its messages: Settings (ConversationSettings.tsx), Share (a dialog to make, copy and revoke
// read-only public links) and Export (Markdown or JSON, downloaded). Each is an icon and a word; on a
// phone the words are kept for screen readers only, so the bar fits beside the Conversations button.
import { createSignal, For, Show } from 'solid-js';
import { api, type ShareLink } from '../lib/api.ts';
import { copyText, saveFile } from '../lib/download.ts';
import { requestErrorWords } from '../lib/errors.ts';
import { shortDateTime } from '../lib/format.ts';
import { DownloadIcon, GearIcon, ShareIcon } from './icons.tsx';
import './conversation-actions.css';

const EXPIRIES = [
  { label: 'Never', days: 0 },
  { label: 'In 1 day', days: 1 },
  { label: 'In 7 days', days: 7 },
  { label: 'In 30 days', days: 30 },
] as const;

export const expiryWords = (link: Pick<ShareLink, 'expiresAt'> & { expired?: boolean }) =>
  link.expiresAt === null
    ? 'Never expires'
    : `${link.expired ? 'Expired' : 'Expires'} ${shortDateTime(link.expiresAt)}`;

export function ConversationActions(props: {
  id: string;
  title: string;
  canShare: boolean;
  /** Opens the conversation's settings (absent for a visitor's conversation, which the owner cannot change). */
  onSettings?: () => void;
}) {
  const [status, setStatus] = createSignal('');
  const [error, setError] = createSignal<string>();
  let menu!: HTMLDetailsElement;

  const exportAs = async (format: 'md' | 'json') => {
    setError(undefined);
    menu.open = false;
    try {
      saveFile(await api.exportConversation(props.id, format));
      setStatus(`Exported as ${format === 'md' ? 'Markdown' : 'JSON'}.`);
    } catch (e) {
      setError(`The export failed: ${requestErrorWords(e)}`);
    }
  };

  return (
    <div class="conversation-actions">
      <Show when={props.onSettings}>{(open) => <SettingsButton onClick={open()} />}</Show>
      <Show when={props.canShare}>
        <ShareDialog id={props.id} title={props.title} />
      </Show>
      <details class="export-menu" ref={menu}>
        <summary class="small-button bar-button">
          <DownloadIcon />
          <span class="bar-label">Export</span>
        </summary>
        <div class="export-menu-items">
          <button type="button" class="ghost small-button" onClick={() => void exportAs('md')}>
            Export as Markdown
          </button>
          <button type="button" class="ghost small-button" onClick={() => void exportAs('json')}>
            Export as JSON
          </button>
        </div>
      </details>
      <span class="visually-hidden" role="status">
        {status()}
      </span>
      <Show when={error()}>
        {(message) => (
          <p class="error small" role="alert">
            {message()}
          </p>
        )}
      </Show>
    </div>
  );
}

/** Opens a conversation's settings (also on the new-conversation screen, before it exists). */
export function SettingsButton(props: { onClick: () => void }) {
  return (
    <button type="button" class="ghost small-button bar-button" aria-haspopup="dialog" onClick={() => props.onClick()}>
      <GearIcon />
      <span class="bar-label">Settings</span>
    </button>
  );
}

function ShareDialog(props: { id: string; title: string }) {
  const [links, setLinks] = createSignal<ShareLink[]>([]);
  const [expiry, setExpiry] = createSignal(0);
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<string>();
  const [status, setStatus] = createSignal('');
  let dialog!: HTMLDialogElement;

  const open = async () => {
    setError(undefined);
    setStatus('');
    dialog.showModal();
    try {
      setLinks((await api.shares()).items.filter((link) => link.conversationId === props.id));
    } catch (e) {
      setError(`Your links could not be loaded: ${requestErrorWords(e)}`);
    }
  };

  const create = async () => {
    if (busy()) return;
    setBusy(true);
    setError(undefined);
    try {
      const days = expiry();
      const expiresAt = days ? new Date(Date.now() + days * 86_400_000).toISOString() : null;
      const made = await api.shareConversation(props.id, expiresAt);
      setLinks([{ ...made, conversationId: props.id, title: props.title, expired: false }, ...links()]);
      setStatus(await copyText(made.url, 'link'));
    } catch (e) {
      setError(`The link was not created: ${requestErrorWords(e)}`);
    } finally {
      setBusy(false);
    }
  };

  const revoke = async (link: ShareLink) => {
    setError(undefined);
    try {
      await api.revokeShare(link.id);
      setLinks(links().filter((l) => l.id !== link.id));
      setStatus('Link revoked: it no longer shows the conversation.');
    } catch (e) {
      setError(`The link was not revoked: ${requestErrorWords(e)}`);
    }
  };

  return (
    <>
      <button type="button" class="ghost small-button bar-button" aria-haspopup="dialog" onClick={() => void open()}>
        <ShareIcon />
        <span class="bar-label">Share</span>
      </button>
      <dialog ref={dialog} class="share-dialog" aria-labelledby="share-heading" aria-describedby="share-description">
        <div class="stack">
          <h2 id="share-heading">Share this conversation</h2>
          <p id="share-description" class="small">
            Anyone with the link can read the conversation as it is now, without signing in. Messages sent after you
            create the link are not shown. Search engines are asked not to index it.
          </p>
          <div class="row">
            <label for="share-expiry">Link expires</label>
            <select id="share-expiry" value={expiry()} onChange={(e) => setExpiry(Number(e.currentTarget.value))}>
              <For each={EXPIRIES}>{(option) => <option value={option.days}>{option.label}</option>}</For>
            </select>
            <button type="button" class="primary" aria-disabled={busy()} onClick={() => void create()}>
              {busy() ? 'Creating…' : 'Create link'}
            </button>
          </div>
          <Show when={error()}>
            {(message) => (
              <p class="error" role="alert">
                {message()}
              </p>
            )}
          </Show>
          <Show when={links().length > 0}>
            <h3 class="small">Links to this conversation</h3>
            <ul class="share-links">
              <For each={links()}>
                {(link, i) => (
                  <li class="stack">
                    <label class="visually-hidden" for={`share-url-${i()}`}>
                      Share link {i() + 1}
                    </label>
                    <input
                      id={`share-url-${i()}`}
                      class="share-url"
                      readonly
                      value={link.url}
                      onFocus={(e) => e.currentTarget.select()}
                    />
                    <div class="row">
                      <span class="small muted">{expiryWords(link)}</span>
                      <button
                        type="button"
                        class="ghost small-button"
                        onClick={async () => setStatus(await copyText(link.url, 'link'))}
                      >
                        Copy<span class="visually-hidden"> link {i() + 1}</span>
                      </button>
                      <button type="button" class="danger small-button" onClick={() => void revoke(link)}>
                        Revoke<span class="visually-hidden"> link {i() + 1}</span>
                      </button>
                    </div>
                  </li>
                )}
              </For>
            </ul>
          </Show>
          <p class="small" role="status" aria-live="polite">
            {status()}
          </p>
          <div class="row dialog-actions">
            <button type="button" class="ghost" onClick={() => dialog.close()}>
              Done
            </button>
          </div>
        </div>
      </dialog>
    </>
  );
}
