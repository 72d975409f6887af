// The sidebar's conversations: newest first, a page at a time, filtered by title on the server.
import { createSignal } from 'solid-js';
import { createStore, reconcile } from 'solid-js/store';
import { api, type Conversation } from './api.ts';

const PAGE = 30;
const FILTER_DELAY_MS = 250;

const [list, setList] = createStore<{
  items: Conversation[];
  nextCursor: string | null;
  loading: boolean;
  error: string | null;
}>({
  items: [],
  nextCursor: null,
  loading: false,
  error: null,
});
const [query, setQueryNow] = createSignal('');
let generation = 0;
let filterTimer: ReturnType<typeof setTimeout> | undefined;

export { list, query };

/** The first page again (after a change, or a new filter). */
export async function refreshList() {
  const mine = ++generation;
  setList({ loading: true, error: null });
  try {
    const page = await api.conversations({ q: query().trim() || undefined, limit: PAGE });
    // Reconciled by id: rows on screen keep their elements (a title being renamed keeps its input).
    if (mine !== generation) return;
    setList('items', reconcile(page.items, { key: 'id' }));
    setList({ nextCursor: page.nextCursor, loading: false });
  } catch (error) {
    if (mine === generation) setList({ loading: false, error: error instanceof Error ? error.message : String(error) });
  }
}

export async function loadMore() {
  const cursor = list.nextCursor;
  if (!cursor || list.loading) return;
  const mine = generation;
  setList('loading', true);
  try {
    const page = await api.conversations({ q: query().trim() || undefined, cursor, limit: PAGE });
    if (mine !== generation) return;
    const known = new Set(list.items.map((c) => c.id));
    setList({
      items: [...list.items, ...page.items.filter((c) => !known.has(c.id))],
      nextCursor: page.nextCursor,
      loading: false,
    });
  } catch (error) {
    setList({ loading: false, error: error instanceof Error ? error.message : String(error) });
  }
}

export function setQuery(value: string) {
  setQueryNow(value);
  clearTimeout(filterTimer);
  filterTimer = setTimeout(() => void refreshList(), FILTER_DELAY_MS);
}

/** A conversation made or changed here shows at once, at the top, before the server's list catches up. */
export function showFirst(conversation: Conversation) {
  setList('items', (items) => [conversation, ...items.filter((c) => c.id !== conversation.id)]);
}

export function forget(id: string) {
  setList('items', (items) => items.filter((c) => c.id !== id));
}
