import { Show } from 'solid-js';
import { A } from '@solidjs/router';
import type { Conversation } from '../lib/api.ts';
import { PencilIcon, PinIcon, TrashIcon } from './icons.tsx';

const titleOf = (conversation: Conversation) => conversation.title ?? 'New conversation';

/** One conversation in the sidebar: its full title on hover, and pin, rename and delete; or its rename field. */
export function ConversationRow(props: {
  conversation: Conversation;
  current: boolean;
  renaming: boolean;
  onOpen: () => void;
  onStartRename: () => void;
  onRename: (title: string | undefined) => void;
  onPin: () => void;
  onDelete: () => void;
}) {
  const c = () => props.conversation;
  return (
    <li classList={{ current: props.current }}>
      <Show
        when={props.renaming}
        fallback={
          <>
            <A
              href={`/c/${c().id}`}
              title={titleOf(c())}
              aria-current={props.current ? 'page' : undefined}
              onClick={() => props.onOpen()}
            >
              {titleOf(c())}
            </A>
            <span class="item-actions">
              <button
                type="button"
                class="icon"
                aria-label={`${c().pinnedAt ? 'Unpin' : 'Pin'} "${titleOf(c())}"`}
                aria-pressed={c().pinnedAt !== null}
                onClick={() => props.onPin()}
              >
                <PinIcon filled={c().pinnedAt !== null} />
              </button>
              <button
                type="button"
                class="icon"
                aria-label={`Rename "${titleOf(c())}"`}
                onClick={() => props.onStartRename()}
              >
                <PencilIcon />
              </button>
              <button
                type="button"
                class="icon"
                aria-label={`Delete "${titleOf(c())}"`}
                onClick={() => props.onDelete()}
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
            props.onRename((e.currentTarget.elements.namedItem('title') as HTMLInputElement).value);
          }}
        >
          <label class="visually-hidden" for={`rename-${c().id}`}>
            New title
          </label>
          <input
            id={`rename-${c().id}`}
            name="title"
            value={c().title ?? ''}
            maxLength={200}
            ref={(el) => queueMicrotask(() => el.select())}
            onKeyDown={(e) => {
              if (e.key === 'Escape') props.onRename(undefined);
            }}
            onBlur={(e) => props.onRename(e.currentTarget.value)}
          />
        </form>
      </Show>
    </li>
  );
}
