import { createEffect, createSignal, For, on, onCleanup, onMount, Show } from 'solid-js';
import { useSearchParams } from '@solidjs/router';
import { api } from '../lib/api.ts';
import { openConversation } from '../lib/conversation.ts';
import { requestErrorWords } from '../lib/errors.ts';
import { refreshList } from '../lib/conversation-list.ts';
import { defaultModelId } from '../lib/models.ts';
import { Composer } from './Composer.tsx';
import { MessageItem } from './MessageItem.tsx';
import { ModelPicker } from './ModelPicker.tsx';

/** Within this many pixels of the bottom, new text keeps the view at the bottom; further up, the reader is left alone. */
const STICK_PX = 80;
/** How long a message opened from a search result stays marked. */
const FOUND_MS = 2500;

/** One conversation: its messages, the reply streaming in, the model and the composer. `first` is a message to send at once (a new conversation). */
export function ConversationView(props: { id: string; first?: { content: string } }) {
  const chat = openConversation(props.id, () => void refreshList());
  const [model, setModel] = createSignal<string>();
  const [loadError, setLoadError] = createSignal<string>();
  const currentModel = () => model() ?? chat.state.conversation?.model ?? defaultModelId();
  let scroller!: HTMLDivElement;
  let stick = true;
  // Opened from a search result (?message=<id>): that message is scrolled to, focused and marked for a moment.
  const [searchParams] = useSearchParams<{ message?: string }>();
  const [found, setFound] = createSignal<string>();

  onMount(async () => {
    try {
      await chat.load();
      if (props.first) await chat.send(props.first.content, currentModel());
    } catch (error) {
      setLoadError(requestErrorWords(error));
    }
  });
  onCleanup(chat.close);

  // Follow the text as it streams, unless the reader has scrolled up.
  createEffect(
    on(
      () => [chat.state.messages.length, chat.state.messages.at(-1)?.content.length],
      () => {
        if (stick) scroller.scrollTop = scroller.scrollHeight;
      },
    ),
  );

  createEffect(
    on([() => searchParams.message, () => chat.state.loaded], ([messageId, loaded]) => {
      if (!messageId || !loaded) return;
      const element = scroller.querySelector<HTMLElement>(`[data-message-id="${CSS.escape(messageId)}"]`);
      if (!element) return;
      stick = false;
      element.scrollIntoView({ block: 'center' });
      element.focus({ preventScroll: true });
      setFound(messageId);
      const timer = setTimeout(() => setFound((id) => (id === messageId ? undefined : id)), FOUND_MS);
      onCleanup(() => clearTimeout(timer));
    }),
  );

  const changeModel = async (id: string) => {
    setModel(id);
    await api.updateConversation(props.id, { model: id }).catch(() => undefined);
  };
  const last = () => chat.state.messages.at(-1);

  return (
    <section class="conversation" aria-label={chat.state.conversation?.title ?? 'Conversation'}>
      <div
        class="messages"
        ref={scroller}
        onScroll={() => (stick = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < STICK_PX)}
      >
        <Show when={loadError()}>
          {(message) => (
            <p class="notice error" role="alert">
              {message()}
            </p>
          )}
        </Show>
        <Show when={chat.state.loaded && chat.state.messages.length === 0 && !props.first}>
          <p class="empty">Ask anything. Pick a model below; you can switch at any time.</p>
        </Show>
        <For each={chat.state.messages}>
          {(message) => (
            <MessageItem
              message={message}
              found={found() === message.id}
              live={chat.streaming() && message === last() && message.status === 'streaming'}
              canRegenerate={
                !chat.streaming() &&
                !chat.state.conversation?.siteId &&
                message === last() &&
                message.role === 'assistant'
              }
              onRegenerate={() => void chat.regenerate(currentModel())}
            />
          )}
        </For>
        <Show when={chat.notice()}>
          {(notice) => (
            <div class={`notice ${notice().kind}`} role="alert">
              <p>{notice().message}</p>
              <button type="button" class="link" onClick={chat.dismissNotice}>
                Dismiss
              </button>
            </div>
          )}
        </Show>
      </div>
      <Show
        when={!chat.state.conversation?.siteId}
        fallback={
          <p class="compose-bar muted" role="note">
            A visitor's conversation from one of your sites: you can read it here, not reply.
          </p>
        }
      >
        <div class="compose-bar">
          <ModelPicker value={currentModel()} onChange={(id) => void changeModel(id)} disabled={chat.streaming()} />
          <Composer
            streaming={chat.streaming()}
            onSend={(text) => chat.send(text, currentModel())}
            onStop={() => void chat.stop()}
            autofocus
          />
        </div>
      </Show>
    </section>
  );
}
