// What a search answers: each conversation found with its title and snippet as plain text plus the
// ranges to mark (never markup), and the message to open it at.
import { type SearchRow, searchConversations } from '../db/search.ts';
import type { Db } from '../db/client.ts';
import type { UserClaims } from '../db/as-user.ts';
import { type Highlighted, highlightSubstrings, markedWords, readHeadline } from './highlight.ts';

export type SearchResult = {
  conversationId: string;
  /** The title, its matching words (or the part of a word typed) marked; null for an untitled conversation. */
  title: Highlighted | null;
  pinnedAt: string | null;
  activeAt: string;
  /** The newest message that matched, with a snippet around the matches; null when only the title matched. */
  message: { id: string; role: 'user' | 'assistant'; createdAt: string; snippet: Highlighted } | null;
};

/** The caller's conversations matching `query`, newest match first. */
export async function search(db: Db, claims: UserClaims, query: string, limit: number): Promise<SearchResult[]> {
  const rows = await searchConversations(db, claims, query, limit);
  return rows.map((row) => toResult(row, query));
}

/** One site's visitors' conversations matching `query` (its owner's view), newest match first, each with its visitor. */
export async function searchSite(
  db: Db,
  claims: UserClaims,
  siteId: string,
  query: string,
  limit: number,
): Promise<Array<SearchResult & { visitorId: string | null }>> {
  const rows = await searchConversations(db, claims, query, limit, { siteId });
  return rows.map((row) => ({ ...toResult(row, query), visitorId: row.visitor_id }));
}

function toResult(row: SearchRow, query: string): SearchResult {
  return {
    conversationId: row.conversation_id,
    title: titleOf(row, query),
    pinnedAt: row.pinned_at,
    activeAt: row.active_at,
    message:
      row.message_id && row.message_role && row.message_created_at && row.message_headline !== null
        ? {
            id: row.message_id,
            role: row.message_role,
            createdAt: row.message_created_at,
            snippet: readHeadline(row.message_headline),
          }
        : null,
  };
}

function titleOf(row: SearchRow, query: string): Highlighted | null {
  if (row.title === null) return null;
  const title = row.title.replace(/\s+/g, ' ').trim();
  const words = row.title_headline === null ? [] : markedWords(row.title_headline);
  const marked = highlightSubstrings(title, words);
  // Found by a part of a word (or not by its title at all: then nothing is marked).
  return marked.highlights.length > 0 ? marked : highlightSubstrings(title, [query]);
}
