// Full-text search over the caller's own conversations: titles and message text, through the
// generated `search` columns and their GIN indexes (migration 0011), run under RLS as the caller,
// so nobody's text but theirs can be found. Widget visitors' conversations are left out: they
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
export async function searchConversations(db: Db, claims: UserClaims, query: string, limit: number) {
  const config = sql.raw(`'${SEARCH_CONFIG}'::regconfig`);
  const markers = `${MATCH_START}${MATCH_END}`;
  const [result] = await asUser(db, claims, (q) => [
    q.execute<SearchRow>(sql`
      with query as (select websearch_to_tsquery(${config}, ${query}) as tsq),
      hits as (
        select m.conversation_id, m.id as message_id, m.created_at
          from messages m
          join conversations c on c.id = m.conversation_id and c.visitor_id is null
          cross join query
         where m.user_id = ${claims.sub} and m.search @@ query.tsq
         order by m.created_at desc
         limit ${MESSAGE_HITS}
      ),
      newest_hit as (
        select distinct on (conversation_id) conversation_id, message_id, created_at
          from hits order by conversation_id, created_at desc
      ),
      titled as (
        select c.id as conversation_id
          from conversations c cross join query
         where c.user_id = ${claims.sub} and c.visitor_id is null
           and (c.search @@ query.tsq or c.title ilike ${`%${escapeLike(query)}%`} escape '\\')
      ),
      found as (
        select coalesce(h.conversation_id, t.conversation_id) as conversation_id, h.message_id, h.created_at as hit_at
          from newest_hit h full join titled t on t.conversation_id = h.conversation_id
      ),
      page as (
        select c.id, c.title, c.pinned_at, c.active_at, c.search @@ query.tsq as title_words, found.message_id
          from found join conversations c on c.id = found.conversation_id cross join query
         order by coalesce(found.hit_at, c.active_at) desc, c.id desc
         limit ${limit}
      )
      select page.id as conversation_id,
             page.title,
             case when page.title_words
               then ts_headline(${config}, translate(page.title, ${markers}, ''), query.tsq, ${TITLE_HEADLINE_OPTIONS})
             end as title_headline,
             to_char(page.pinned_at at time zone 'UTC', ${sql.raw(ISO)}) as pinned_at,
             to_char(page.active_at at time zone 'UTC', ${sql.raw(ISO)}) as active_at,
             m.id as message_id,
             m.role as message_role,
             to_char(m.created_at at time zone 'UTC', ${sql.raw(ISO)}) as message_created_at,
             case when m.id is not null
               then ts_headline(${config}, translate(m.content, ${markers}, ''), query.tsq, ${HEADLINE_OPTIONS})
             end as message_headline
        from page
        cross join query
        left join messages m on m.id = page.message_id
       order by coalesce(m.created_at, page.active_at) desc, page.id desc
    `),
  ]);
  return result.rows;
}
