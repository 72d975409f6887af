import { createResource, createSignal, For, Show } from 'solid-js';
import { Highlight } from '../Highlight.tsx';
import { api, type SiteConversation } from '../../lib/api.ts';
import { requestErrorWords } from '../../lib/errors.ts';
import { shortDateTime } from '../../lib/format.ts';

/**
 * A site's visitors' conversations, newest first, searchable (titles and message text), each
 * opened read-only below the list; from an open one, the owner can delete all of that visitor's
 * data (after confirming). Nothing here sends, renames or deletes a single conversation.
 */
export function SiteVisitorConversations(props: { siteId: string; onVisitorDeleted: () => void }) {
  const [query, setQuery] = createSignal('');
  const [searched, setSearched] = createSignal('');
  const [list, { refetch }] = createResource(
    () => ({ id: props.siteId, q: searched() }),
    ({ id, q }) => api.siteConversations(id, q),
  );
  const [open, setOpen] = createSignal<SiteConversation>();
  const [status, setStatus] = createSignal('');

  const search = (event: SubmitEvent) => {
    event.preventDefault();
    setOpen(undefined);
    setSearched(query().trim());
  };
  const deleted = (visitorId: string, count: number) => {
    setOpen(undefined);
    setStatus(`Deleted ${count} ${count === 1 ? 'conversation' : 'conversations'} of visitor ${visitorId}.`);
    void refetch();
    props.onVisitorDeleted();
  };

  return (
    <section class="card stack" aria-labelledby="visitor-conversations-heading">
      <h2 id="visitor-conversations-heading">Conversations</h2>
      <form class="row site-search" onSubmit={search}>
        <label for="site-search" class="visually-hidden">
          Search this site's conversations
        </label>
        <input
          id="site-search"
          type="search"
          placeholder="Search this site's conversations"
          maxlength={200}
          value={query()}
          onInput={(e) => setQuery(e.currentTarget.value)}
        />
        <button type="submit" class="ghost">
          Search
        </button>
      </form>
      <p class="small" role="status">
        {status()}
      </p>
      <Show when={!list.error} fallback={<p class="error">Not loaded: {requestErrorWords(list.error)}</p>}>
        <Show when={searched()}>
          {(q) => (
            <p class="small muted">
              {list.loading ? 'Searching…' : `${list()?.items.length ?? 0} found for “${q()}”.`}{' '}
              <button
                type="button"
                class="link"
                onClick={() => {
                  setQuery('');
                  setSearched('');
                }}
              >
                Show all
              </button>
            </p>
          )}
        </Show>
        <ul class="plain-list site-conversation-list">
          <For
            each={list()?.items}
            fallback={
              <li class="muted small">{list.loading ? 'Loading…' : searched() ? 'Nothing matches.' : 'None yet.'}</li>
            }
          >
            {(conversation) => (
              <li>
                <button
                  type="button"
                  class="link"
                  aria-expanded={open()?.id === conversation.id}
                  aria-controls="site-transcript"
                  onClick={() => setOpen(open()?.id === conversation.id ? undefined : conversation)}
                >
                  {conversation.title ?? 'Untitled'}
                </button>{' '}
                <span class="muted small">
                  visitor {conversation.visitorId ?? '—'} · {shortDateTime(conversation.activeAt)}
                </span>
                <Show when={conversation.match}>
                  {(match) => (
                    <p class="small snippet">
                      <Highlight value={match().snippet} />
                    </p>
                  )}
                </Show>
              </li>
            )}
          </For>
        </ul>
        <Show when={list()?.hasMore}>
          <p class="small muted">Only the newest 50 are listed: search to find older ones.</p>
        </Show>
      </Show>
      <Show when={open()} keyed>
        {(conversation) => <Transcript siteId={props.siteId} conversation={conversation} onDeleted={deleted} />}
      </Show>
    </section>
  );
}

/** One visitor's conversation, read-only, and the way to delete everything of that visitor. */
function Transcript(props: {
  siteId: string;
  conversation: SiteConversation;
  onDeleted: (visitorId: string, count: number) => void;
}) {
  const [read] = createResource(() => props.conversation.id, api.conversation);
  const [error, setError] = createSignal<string>();
  let dialog!: HTMLDialogElement;
  const visitorId = () => props.conversation.visitorId;
  const erase = async () => {
    dialog.close();
    const id = visitorId();
    if (!id) return;
    try {
      const { deleted } = await api.deleteVisitor(props.siteId, id);
      props.onDeleted(id, deleted);
    } catch (e) {
      setError(`The visitor's data was not deleted: ${requestErrorWords(e)}`);
    }
  };
  return (
    <section id="site-transcript" class="stack site-transcript" aria-labelledby="site-transcript-heading">
      <h3 id="site-transcript-heading">{props.conversation.title ?? 'Untitled'}</h3>
      <Show when={!read.error} fallback={<p class="error">Not loaded: {requestErrorWords(read.error)}</p>}>
        <ol class="plain-list transcript">
          <For
            each={read()?.messages}
            fallback={<li class="muted small">{read.loading ? 'Loading…' : 'No messages.'}</li>}
          >
            {(message) => (
              <li classList={{ visitor: message.role === 'user' }}>
                <span class="small muted">{message.role === 'user' ? 'Visitor' : 'Reply'}</span>
                <p>{message.content}</p>
              </li>
            )}
          </For>
        </ol>
      </Show>
      <Show when={error()}>
        {(message) => (
          <p class="error" role="alert">
            {message()}
          </p>
        )}
      </Show>
      <Show when={visitorId()}>
        <div class="row">
          <button type="button" class="danger" onClick={() => dialog.showModal()}>
            Delete this visitor's data
          </button>
        </div>
      </Show>
      <dialog ref={dialog} aria-labelledby="delete-visitor-heading">
        <form method="dialog" class="stack">
          <h2 id="delete-visitor-heading">Delete visitor {visitorId()}'s data?</h2>
          <p>
            Every conversation of this visitor on this site is deleted for good, from Parley's storage and its database.
            What their replies cost stays on your usage.
          </p>
          <div class="row">
            <button type="submit" class="ghost" autofocus>
              Cancel
            </button>
            <button type="button" class="danger" onClick={() => void erase()}>
              Delete their data
            </button>
          </div>
        </form>
      </dialog>
    </section>
  );
}
