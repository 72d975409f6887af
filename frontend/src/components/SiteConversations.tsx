import { createResource, For, Show } from 'solid-js';
import { A } from '@solidjs/router';
import { api } from '../lib/api.ts';
import { requestErrorWords } from '../lib/errors.ts';
import { shortDateTime } from '../lib/format.ts';

/** A site's visitors' conversations, newest activity first: they are the owner's to read, not their own chats. */
export function SiteConversations(props: { siteId: string; siteName: string }) {
  const [conversations] = createResource(
    () => props.siteId,
    (siteId) => api.conversations({ siteId, limit: 20 }),
  );
  return (
    <details class="site-conversations">
      <summary>
        Visitors' conversations<span class="visually-hidden"> on {props.siteName}</span>
      </summary>
      <Show
        when={!conversations.error}
        fallback={<p class="error small">Not loaded: {requestErrorWords(conversations.error)}</p>}
      >
        <ul class="plain-list">
          <For
            each={conversations()?.items}
            fallback={<li class="muted small">{conversations.loading ? 'Loading…' : 'None yet.'}</li>}
          >
            {(conversation) => (
              <li>
                <A href={`/c/${conversation.id}`}>{conversation.title ?? 'Untitled'}</A>{' '}
                <span class="muted small">{shortDateTime(conversation.activeAt)}</span>
              </li>
            )}
          </For>
        </ul>
      </Show>
    </details>
  );
}
