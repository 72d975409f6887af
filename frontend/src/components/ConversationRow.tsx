import { type JSX, Show } from 'solid-js';
import { A } from '@solidjs/router';
import type { Conversation } from '../lib/api.ts';
import { PencilIcon, PinIcon, TrashIcon } from './icons.tsx';

const titleOf = (conversation: Conversation) => conversation.title ?? 'New conversation';

/** The row's cells, left to right: the title (0), Pin (1), Rename (2), Delete (3). */
export const LAST_COLUMN = 3;

/**
 * One conversation in the sidebar's grid: its full title on hover, and pin, rename and delete; or
 * its rename field. `tabColumn` is the cell in the Tab order (-1: none, the grid's roving tabindex).
 */
export function ConversationRow(props: {
  conversation: Conversation;
  current: boolean;
  renaming: boolean;
  tabColumn: number;
  onOpen: () => void;
  onStartRename: () => void;
  /** `refocus`: the rename ended from the keyboard (Enter, Esc), so focus goes back to the row. */
  onRename: (title: string | undefined, refocus: boolean) => void;
  onPin: () => void;
  onDelete: () => void;
}) {
  const c = () => props.conversation;
  const tab = (column: number) => (props.tabColumn === column ? 0 : -1);
  return (
    <tr class="conversation-row" classList={{ current: props.current }} data-row={c().id}>
      <Show
        when={props.renaming}
        fallback={
          <>
            <td class="title-cell">
              <A
                href={`/c/${c().id}`}
                title={titleOf(c())}
                aria-current={props.current ? 'page' : undefined}
                tabindex={tab(0)}
                data-column="0"
                onClick={() => props.onOpen()}
              >
                {titleOf(c())}
              </A>
            </td>
            <ActionCell
              column={1}
              tabindex={tab(1)}
              label={`${c().pinnedAt ? 'Unpin' : 'Pin'} "${titleOf(c())}"`}
              pressed={c().pinnedAt !== null}
              onClick={() => props.onPin()}
            >
              <PinIcon filled={c().pinnedAt !== null} />
            </ActionCell>
            <ActionCell
              column={2}
              tabindex={tab(2)}
              label={`Rename "${titleOf(c())}"`}
              keys="F2"
              onClick={() => props.onStartRename()}
            >
              <PencilIcon />
            </ActionCell>
            <ActionCell
              column={3}
              tabindex={tab(3)}
              label={`Delete "${titleOf(c())}"`}
              keys="Delete Backspace"
              onClick={() => props.onDelete()}
            >
              <TrashIcon />
            </ActionCell>
          </>
        }
      >
        <td class="rename-cell" colSpan={LAST_COLUMN + 1}>
          <form
            class="rename"
            onSubmit={(e) => {
              e.preventDefault();
              props.onRename((e.currentTarget.elements.namedItem('title') as HTMLInputElement).value, true);
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
                if (e.key === 'Escape') props.onRename(undefined, true);
              }}
              onBlur={(e) => props.onRename(e.currentTarget.value, false)}
            />
          </form>
        </td>
      </Show>
    </tr>
  );
}

/** One of a row's icon buttons in its own cell (column 1 to LAST_COLUMN of the grid). */
function ActionCell(props: {
  column: number;
  tabindex: number;
  label: string;
  /** Set on a toggle (Pin): its state. */
  pressed?: boolean;
  /** aria-keyshortcuts: the key that does the same from the row. */
  keys?: string;
  onClick: () => void;
  children: JSX.Element;
}) {
  return (
    <td class="item-action">
      <button
        type="button"
        class="icon"
        aria-label={props.label}
        aria-pressed={props.pressed}
        aria-keyshortcuts={props.keys}
        tabindex={props.tabindex}
        data-column={String(props.column)}
        onClick={() => props.onClick()}
      >
        {props.children}
      </button>
    </td>
  );
}
