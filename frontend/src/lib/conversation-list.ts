// The sidebar's conversations: the pinned ones, then the rest by last activity, a page at a time;
// or, while something is typed in the search box, what the search finds (titles and message text).
import { createSignal } from 'solid-js';
import { createStore, reconcile } from 'solid-js/store';
import { api, type Conversation, type SearchResult } from './api.ts';

const PAGE = 30;
/** Pins are few: one request holds them all. */
const PINNED = 100;
const SEARCH_DELAY_MS = 250;

const [list, setList] = createStore<{
  pinned: Conversation[];
  items: Conversation[];
  nextCursor: string | null;
  loading: boolean;
  error: string | null;
}>({
  pinned: [],
  items: [],
  nextCursor: null,
  loading: false,
  error: null,
});
const [results, setResults] = createStore<{
  query: string;
  items: SearchResult[];
  searching: boolean;
  error: string | null;
}>({ query: '', items: [], searching: false, error: null });
const [query, setQueryNow] = createSignal('');
let generation = 0;
let searchGeneration = 0;
let searchTimer: ReturnType<typeof setTimeout> | undefined;

export { list, query, results };

/** The pinned conversations and the first page of the rest, again (after a change). */
export async function refreshList() {
  const mine = ++generation;
  setList({ loading: true, error: null });
  try {
    const [pinned, page] = await Promise.all([
      api.conversations({ pinned: true, limit: PINNED }),
      api.conversations({ pinned: false, limit: PAGE }),
    ]);
    if (mine !== generation) return;
    // Reconciled by id: rows on screen keep their elements (a title being renamed keeps its input).
    setList('pinned', reconcile(pinned.items, { key: 'id' }));
    setList('items', reconcile(page.items, { key: 'id' }));
    setList({ nextCursor: page.nextCursor, loading: false });
  } catch (error) {
    if (mine === generation) setList({ loading: false, error: error instanceof Error ? error.message : String(error) });
  }
  if (query().trim()) void runSearch();
}

export async function loadMore() {
  const cursor = list.nextCursor;
  if (!cursor || list.loading) return;
  const mine = generation;
  setList('loading', true);
  try {
    const page = await api.conversations({ pinned: false, cursor, limit: PAGE });
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

/** What is typed in the search box: searched once typing pauses; empty, the list is back. */
export function setQuery(value: string) {
  setQueryNow(value);
  clearTimeout(searchTimer);
  if (!value.trim()) {
    searchGeneration++;
    setResults({ query: '', items: [], searching: false, error: null });
    return;
  }
  setResults('searching', true);
  searchTimer = setTimeout(() => void runSearch(), SEARCH_DELAY_MS);
}

async function runSearch() {
  const q = query().trim();
  if (!q) return;
  const mine = ++searchGeneration;
  setResults({ searching: true, error: null });
  try {
    const found = await api.search(q.slice(0, 200));
    if (mine !== searchGeneration) return;
    setResults({ query: q, items: found.items, searching: false });
  } catch (error) {
    if (mine === searchGeneration)
      setResults({ searching: false, error: error instanceof Error ? error.message : String(error) });
  }
}

/** A conversation just made (or just written to) shows at once at the top, before the server's list catches up. */
export function showFirst(conversation: Conversation) {
  if (conversation.pinnedAt) return replace(conversation);
  setList('items', (items) => [conversation, ...items.filter((c) => c.id !== conversation.id)]);
}

/** A conversation changed in place (a rename): it keeps its position. */
export function replace(conversation: Conversation) {
  setList('pinned', (items) => items.map((c) => (c.id === conversation.id ? conversation : c)));
  setList('items', (items) => items.map((c) => (c.id === conversation.id ? conversation : c)));
}

/** Pinned or unpinned: moved between the pins (newest pin first) and the rest (by activity) at once. */
export function movePin(conversation: Conversation) {
  const others = (items: Conversation[]) => items.filter((c) => c.id !== conversation.id);
  if (conversation.pinnedAt) {
    setList('pinned', (items) => [conversation, ...others(items)]);
    setList('items', others);
  } else {
    setList('pinned', others);
    setList('items', (items) =>
      [...others(items), conversation].sort((a, b) => b.activeAt.localeCompare(a.activeAt) || b.id.localeCompare(a.id)),
    );
  }
}

export function forget(id: string) {
  setList('pinned', (items) => items.filter((c) => c.id !== id));
  setList('items', (items) => items.filter((c) => c.id !== id));
  setResults('items', (items) => items.filter((r) => r.conversationId !== id));
}
