import { createSignal, For, onMount, Show } from 'solid-js';
import { A, useNavigate, useParams } from '@solidjs/router';
import { api, type Conversation } from '../lib/api.ts';
import { PencilIcon, TrashIcon } from './icons.tsx';
import { forget, list, loadMore, query, refreshList, setQuery, showFirst } from '../lib/conversation-list.ts';

/** Conversations, newest first: new, filter by title, rename, delete (after a confirmation), more on demand. */
export function Sidebar(props: { onNavigate?: () => void }) {
  const params = useParams<{ id?: string }>();
  const navigate = useNavigate();
  const [renaming, setRenaming] = createSignal<string>();
  const [deleting, setDeleting] = createSignal<Conversation>();
  const [error, setError] = createSignal<string>();
  let dialog!: HTMLDialogElement;

  onMount(() => void refreshList());

  const rename = async (conversation: Conversation, title: string) => {
    // Enter saves and removes the field, whose blur then asks again: only the first is taken.
    if (renaming() !== conversation.id) return;
    setRenaming(undefined);
    const trimmed = title.trim();
    if (!trimmed || trimmed === conversation.title) return;
    try {
      showFirst(await api.updateConversation(conversation.id, { title: trimmed }));
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };

  const askDelete = (conversation: Conversation) => {
    setDeleting(conversation);
    dialog.showModal();
  };

  const confirmDelete = async () => {
    const conversation = deleting();
    dialog.close();
    if (!conversation) return;
    try {
      await api.deleteConversation(conversation.id);
      forget(conversation.id);
      if (params.id === conversation.id) navigate('/');
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };

  return (
    <aside class="sidebar" aria-label="Conversations">
      <button
        type="button"
        class="primary new-chat"
        onClick={() => {
          navigate('/');
          props.onNavigate?.();
        }}
      >
        New conversation
      </button>
      <label class="filter">
        <span class="visually-hidden">Filter conversations by title</span>
        <input
          type="search"
          placeholder="Filter by title"
          value={query()}
          onInput={(e) => setQuery(e.currentTarget.value)}
        />
      </label>
      <Show when={error()}>
        {(message) => (
          <p class="error small" role="alert">
            {message()}
          </p>
        )}
      </Show>
      <ul class="conversation-list">
        <For
          each={list.items}
          fallback={
            <li class="muted small">
              {list.loading ? 'Loading…' : query() ? 'No conversation matches.' : 'No conversations yet.'}
            </li>
          }
        >
          {(conversation) => (
            <li classList={{ current: params.id === conversation.id }}>
              <Show
                when={renaming() === conversation.id}
                fallback={
                  <>
                    <A
                      href={`/c/${conversation.id}`}
                      aria-current={params.id === conversation.id ? 'page' : undefined}
                      onClick={() => props.onNavigate?.()}
                    >
                      <Show when={conversation.siteId}>
                        <span class="visitor-tag">Visitor</span>{' '}
                      </Show>
                      {conversation.title ?? 'New conversation'}
                    </A>
                    <span class="item-actions">
                      <button
                        type="button"
                        class="icon"
                        aria-label={`Rename "${conversation.title ?? 'New conversation'}"`}
                        onClick={() => setRenaming(conversation.id)}
                      >
                        <PencilIcon />
                      </button>
                      <button
                        type="button"
                        class="icon"
                        aria-label={`Delete "${conversation.title ?? 'New conversation'}"`}
                        onClick={() => askDelete(conversation)}
                      >
                        <TrashIcon />
                      </button>
                    </span>
                  </>
                }
              >
                <form
                  class="rename"
                  onSubmit={(e) => {
                    e.preventDefault();
                    void rename(conversation, (e.currentTarget.elements.namedItem('title') as HTMLInputElement).value);
                  }}
                >
                  <label class="visually-hidden" for={`rename-${conversation.id}`}>
                    New title
                  </label>
                  <input
                    id={`rename-${conversation.id}`}
                    name="title"
                    value={conversation.title ?? ''}
                    maxLength={200}
                    ref={(el) => queueMicrotask(() => el.select())}
                    onKeyDown={(e) => {
                      if (e.key === 'Escape') setRenaming(undefined);
                    }}
                    onBlur={(e) => void rename(conversation, e.currentTarget.value)}
                  />
                </form>
              </Show>
            </li>
          )}
        </For>
      </ul>
      <Show when={list.nextCursor}>
        <button type="button" class="ghost" disabled={list.loading} onClick={() => void loadMore()}>
          {list.loading ? 'Loading…' : 'Show more'}
        </button>
      </Show>
      <dialog ref={dialog} aria-labelledby="delete-title" onClose={() => setDeleting(undefined)}>
        <form method="dialog" class="stack">
          <h2 id="delete-title">Delete this conversation?</h2>
          <p>
            “{deleting()?.title ?? 'New conversation'}” and all its messages will be deleted. This cannot be undone.
          </p>
          <div class="row">
            <button type="submit" value="cancel" class="ghost" autofocus>
              Cancel
            </button>
            <button type="button" class="danger" onClick={() => void confirmDelete()}>
              Delete
            </button>
          </div>
        </form>
      </dialog>
    </aside>
  );
}
