import { For, Show } from 'solid-js';
import { A } from '@solidjs/router';
import { results } from '../lib/conversation-list.ts';
import { Highlight } from './Highlight.tsx';

/** What the search box found: each conversation's title and a snippet around the match, opening at that message. */
export function SearchResults(props: { currentId?: string; onOpen: () => void }) {
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
      <ul class="conversation-list results">
        <For
          each={results.items}
          fallback={
            <li class="muted small">{results.searching ? 'Searching…' : results.error ? '' : 'Nothing found.'}</li>
          }
        >
          {(result) => (
            <li classList={{ current: props.currentId === result.conversationId }}>
              <A
                href={`/c/${result.conversationId}${result.message ? `?message=${result.message.id}` : ''}`}
                title={result.title?.text ?? 'New conversation'}
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
            </li>
          )}
        </For>
      </ul>
    </section>
  );
}
