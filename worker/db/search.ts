// Full-text search over the caller's own conversations: titles and message text, through the
// generated `search` columns and their GIN indexes (migration 0011), run as the caller under RLS,
// so nobody's text but theirs can be found (the matching itself is done by two functions of that
// migration, restricted to auth.uid(), since RLS keeps a query from using those indexes). Widget visitors' conversations are left out: they
// belong to the site's owner but are not the owner's own chats.
import { sql } from 'drizzle-orm';
import { SEARCH_CONFIG } from '../../drizzle/schema.ts';
import type { Db } from './client.ts';
import { escapeLike } from './conversations.ts';
import { asUser, type UserClaims } from './as-user.ts';

/** Opens a match in ts_headline's output (Unicode private use; taken out of the text first, so only ours remain). */
export const MATCH_START = '\uE000';
/** Closes a match in ts_headline's output. */
export const MATCH_END = '\uE001';

/** A conversation found, with the text ts_headline marked (see search/highlight.ts) and its newest matching message. */
export type SearchRow = {
  conversation_id: string;
  title: string | null;
  /** The title with its matching words marked; null when the title matched no word of the query. */
  title_headline: string | null;
  pinned_at: string | null;
  active_at: string;
  /** The visitor, in a site's search; null in the owner's own. */
  visitor_id: string | null;
  message_id: string | null;
  message_role: 'user' | 'assistant' | null;
  message_created_at: string | null;
  message_headline: string | null;
};

/**
 * Matching messages considered, newest first, before they are grouped by conversation: bounds the
 * work of a word found everywhere, and still yields the newest conversations that hold it.
 */
const MESSAGE_HITS = 1000;

// One line or two of context around the matches, as chat apps show.
const HEADLINE_OPTIONS = `StartSel=${MATCH_START}, StopSel=${MATCH_END}, MaxWords=26, MinWords=10, ShortWord=2, MaxFragments=2, FragmentDelimiter=" … "`;
const TITLE_HEADLINE_OPTIONS = `StartSel=${MATCH_START}, StopSel=${MATCH_END}, HighlightAll=true`;

const ISO = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;

/**
 * The caller's conversations whose title or messages match `query` (web search syntax: words,
 * "a phrase", -word, or), newest match first: a conversation found by a message is placed by that
 * message's time, one found by its title alone by its last activity. A title also matches on any
 * part of a word (`depl` finds "Deployment"), as the list's filter did.
 */
export async function searchConversations(
  db: Db,
  claims: UserClaims,
  query: string,
  limit: number,
  scope: { siteId?: string } = {},
) {
  // Written out at each use (never a CTE): the planner then knows the query's words when it plans.
  const tsq = sql`websearch_to_tsquery(${sql.raw(`'${SEARCH_CONFIG}'::regconfig`)}, ${query})`;
  const config = sql.raw(`'${SEARCH_CONFIG}'::regconfig`);
  const markers = `${MATCH_START}${MATCH_END}`;
  const iso = (column: string) => sql.raw(`to_char(${column} at time zone 'UTC', ${ISO})`);
  const fragment = `%${escapeLike(query)}%`;
  // The caller's own chats, or one site's visitors' conversations (migration 0017's functions).
  const { siteId } = scope;
  const hits =
    siteId === undefined
      ? sql`public.search_own_messages(${tsq}, ${MESSAGE_HITS})`
      : sql`public.search_site_messages(${siteId}::uuid, ${tsq}, ${MESSAGE_HITS})`;
  const titles =
    siteId === undefined
      ? sql`public.search_own_titles(${tsq}, ${fragment})`
      : sql`public.search_site_titles(${siteId}::uuid, ${tsq}, ${fragment})`;
  const inScope =
    siteId === undefined ? sql`c.visitor_id is null` : sql`c.site_id = ${siteId}::uuid and c.visitor_id is not null`;
  // The two functions (migration 0011) find the caller's own matches through the indexes, which RLS
  // would keep this query from using; every row is then read here, under RLS, as the caller.
  const [result] = await asUser(db, claims, (q) => [
    q.execute<SearchRow>(sql`
      with newest_hit as (
        select distinct on (conversation_id) conversation_id, message_id, created_at
          from ${hits}
         order by conversation_id, created_at desc
      ),
      titled as (
        select conversation_id from ${titles}
      ),
      found as (
        select coalesce(h.conversation_id, t.conversation_id) as conversation_id, h.message_id, h.created_at as hit_at
          from newest_hit h full join titled t on t.conversation_id = h.conversation_id
      ),
      page as (
        select c.id, c.title, c.pinned_at, c.active_at, c.visitor_id, c.search @@ ${tsq} as title_words, found.message_id
          from found join conversations c on c.id = found.conversation_id
         where c.user_id = ${claims.sub} and ${inScope}
         order by coalesce(found.hit_at, c.active_at) desc, c.id desc
         limit ${limit}
      )
      select page.id as conversation_id,
             page.title,
             case when page.title_words
               then ts_headline(${config}, translate(page.title, ${markers}, ''), ${tsq}, ${TITLE_HEADLINE_OPTIONS})
             end as title_headline,
             ${iso('page.pinned_at')} as pinned_at,
             ${iso('page.active_at')} as active_at,
             page.visitor_id,
             m.id as message_id,
             m.role as message_role,
             ${iso('m.created_at')} as message_created_at,
             case when m.id is not null
               then ts_headline(${config}, translate(m.content, ${markers}, ''), ${tsq}, ${HEADLINE_OPTIONS})
             end as message_headline
        from page
        left join messages m on m.id = page.message_id
       order by coalesce(m.created_at, page.active_at) desc, page.id desc
    `),
  ]);
  return result.rows;
}
