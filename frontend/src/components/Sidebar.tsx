import { createMemo, createSignal, onMount, Show } from 'solid-js';
import { useNavigate, useParams } from '@solidjs/router';
import { api, type Conversation } from '../lib/api.ts';
import { groupByDate } from '../lib/date-groups.ts';
import { forget, list, loadMore, movePin, query, refreshList, replace, setQuery } from '../lib/conversation-list.ts';
import { ConversationGrid, refocusGrid } from './ConversationGrid.tsx';
import { SearchResults } from './SearchResults.tsx';

/**
 * Conversations: new, search (titles and message text), pinned ones first, the rest by last
 * activity in date groups; pin, rename, delete (after a confirmation), more on demand.
 */
export function Sidebar(props: { onNavigate?: () => void }) {
  const params = useParams<{ id?: string }>();
  const navigate = useNavigate();
  const [renaming, setRenaming] = createSignal<string>();
  const [deleting, setDeleting] = createSignal<Conversation>();
  const [error, setError] = createSignal<string>();
  let dialog!: HTMLDialogElement;

  onMount(() => void refreshList());

  const groups = createMemo(() => [
    ...(list.pinned.length > 0 ? [{ label: 'Pinned', items: list.pinned }] : []),
    ...groupByDate(list.items, (c) => c.activeAt),
  ]);

  const fail = (e: unknown) => setError(e instanceof Error ? e.message : String(e));

  const rename = async (conversation: Conversation, title: string | undefined) => {
    // Enter saves and removes the field, whose blur then asks again: only the first is taken.
    if (renaming() !== conversation.id) return;
    setRenaming(undefined);
    const trimmed = title?.trim();
    if (!trimmed || trimmed === conversation.title) return;
    try {
      // Renamed in place: a rename never moves a conversation.
      replace(await api.updateConversation(conversation.id, { title: trimmed }));
      refocusGrid();
    } catch (e) {
      fail(e);
    }
  };

  const togglePin = async (conversation: Conversation) => {
    try {
      movePin(await api.updateConversation(conversation.id, { pinned: conversation.pinnedAt === null }));
      // The row moved to or from Pinned: focus stays on its button there.
      refocusGrid();
    } catch (e) {
      fail(e);
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
      else refocusGrid();
    } catch (e) {
      fail(e);
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
        <span class="visually-hidden">Search conversations</span>
        <input
          type="search"
          placeholder="Search conversations"
          maxLength={200}
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
      <Show
        when={!query().trim()}
        fallback={<SearchResults currentId={params.id} onOpen={() => props.onNavigate?.()} />}
      >
        <Show when={groups().length === 0}>
          <p class="muted small">{list.loading ? 'Loading…' : 'No conversations yet.'}</p>
        </Show>
        <Show when={groups().length > 0}>
          <ConversationGrid
            groups={groups()}
            currentId={params.id}
            renamingId={renaming()}
            onOpen={() => props.onNavigate?.()}
            onStartRename={(conversation) => setRenaming(conversation.id)}
            onRename={(conversation, title) => void rename(conversation, title)}
            onPin={(conversation) => void togglePin(conversation)}
            onDelete={askDelete}
          />
        </Show>
        <Show when={list.nextCursor}>
          <button type="button" class="ghost" disabled={list.loading} onClick={() => void loadMore()}>
            {list.loading ? 'Loading…' : 'Show more'}
          </button>
        </Show>
      </Show>
      <dialog
        ref={dialog}
        aria-labelledby="delete-title"
        onClose={() => {
          // The close event comes a task later: a quick Esc then Delete may have opened it again since.
          if (!dialog.open) setDeleting(undefined);
        }}
      >
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
