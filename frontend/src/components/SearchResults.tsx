import { createMemo, For, Show } from 'solid-js';
import { A } from '@solidjs/router';
import type { SearchResult } from '../lib/api.ts';
import { results } from '../lib/conversation-list.ts';
import { createRovingGrid } from '../lib/roving-grid.ts';
import { Highlight } from './Highlight.tsx';

const rowId = (result: SearchResult) => `${result.conversationId}:${result.message?.id ?? ''}`;

/**
 * What the search box found: each conversation's title and a snippet around the match, opening at
 * that message. One Tab stop, as the conversations' grid: Up/Down, Home/End move, Enter opens.
 */
export function SearchResults(props: { currentId?: string; onOpen: () => void }) {
  const grid = createRovingGrid({
    rows: createMemo(() => results.items.map(rowId)),
    lastColumn: 0,
    preferred: () => {
      const current = results.items.find((result) => result.conversationId === props.currentId);
      return current && rowId(current);
    },
  });
  return (
    <section class="search-results" aria-label="Search results" aria-busy={results.searching}>
      <p class="visually-hidden" aria-live="polite">
        {results.searching
          ? ''
          : `${results.items.length} ${results.items.length === 1 ? 'conversation' : 'conversations'} found`}
      </p>
      <Show when={results.error}>
        {(message) => (
          <p class="error small" role="alert">
            {message()}
          </p>
        )}
      </Show>
      <Show
        when={results.items.length > 0}
        fallback={<p class="muted small">{results.searching ? 'Searching…' : results.error ? '' : 'Nothing found.'}</p>}
      >
        <table
          ref={grid.ref}
          // biome-ignore lint/a11y/noNoninteractiveElementToInteractiveRole: a table made a grid, as the conversations' (ConversationGrid)
          role="grid"
          class="conversation-grid results"
          aria-label="Conversations found"
          aria-describedby="search-results-keys"
          onKeyDown={grid.onKeyDown}
          onFocusIn={grid.onFocusIn}
        >
          <caption id="search-results-keys" class="visually-hidden">
            Arrow keys move between results; Enter opens one.
          </caption>
          <tbody>
            <For each={results.items}>
              {(result) => (
                <tr
                  class="conversation-row"
                  classList={{ current: props.currentId === result.conversationId }}
                  data-row={rowId(result)}
                >
                  <td class="title-cell">
                    <A
                      href={`/c/${result.conversationId}${result.message ? `?message=${result.message.id}` : ''}`}
                      title={result.title?.text ?? 'New conversation'}
                      tabindex={grid.tabColumn(rowId(result)) === 0 ? 0 : -1}
                      data-column="0"
                      onClick={() => props.onOpen()}
                    >
                      <span class="result-title">
                        <Show when={result.title} fallback="New conversation">
                          {(title) => <Highlight value={title()} />}
                        </Show>
                      </span>
                      <Show when={result.message}>
                        {(message) => (
                          <span class="result-snippet">
                            <span class="visually-hidden">{message().role === 'user' ? 'You: ' : 'Reply: '}</span>
                            <Highlight value={message().snippet} />
                          </span>
                        )}
                      </Show>
                    </A>
                  </td>
                </tr>
              )}
            </For>
          </tbody>
        </table>
      </Show>
    </section>
  );
}
