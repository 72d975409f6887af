import { createEffect, createSignal, For, on, onCleanup, onMount, Show, untrack } from 'solid-js';
import { useNavigate, useSearchParams } from '@solidjs/router';
import { api } from '../lib/api.ts';
import { openConversation } from '../lib/conversation.ts';
import { requestErrorWords } from '../lib/errors.ts';
import { forget, refreshList } from '../lib/conversation-list.ts';
import { contextHint } from '../lib/context-hint.ts';
import { defaultModelId, modelById, modelLabel, monthlyTokens } from '../lib/models.ts';
import { createAttachments } from '../lib/attachments.ts';
import type { Attachment } from '../lib/files.ts';
import { Composer } from './Composer.tsx';
import { MessageItem } from './MessageItem.tsx';
import { ModelPicker } from './ModelPicker.tsx';
import { ConversationActions } from './ConversationActions.tsx';
import { ConversationSettings, SettingsSummary } from './ConversationSettings.tsx';

/** Within this many pixels of the bottom, new text keeps the view at the bottom; further up, the reader is left alone. */
const STICK_PX = 80;
/** How long a message opened from a search result stays marked. */
const FOUND_MS = 2500;

/** One conversation: its messages, the reply streaming in, the model and the composer. `first` is a message to send at once (a new conversation). */
export function ConversationView(props: { id: string; first?: { content: string; attachments?: Attachment[] } }) {
  const navigate = useNavigate();
  const chat = openConversation(props.id, () => void refreshList());
  const [model, setModel] = createSignal<string>();
  const [loadError, setLoadError] = createSignal<string>();
  const [settingsOpen, setSettingsOpen] = createSignal(false);
  const ownConversation = () => chat.state.conversation?.visitorId == null;
  const currentModel = () => model() ?? chat.state.conversation?.model ?? defaultModelId();
  const files = createAttachments();
  const [dragging, setDragging] = createSignal(false);
  let section!: HTMLElement;
  let scroller!: HTMLDivElement;
  let list!: HTMLDivElement;
  // Whether the view follows the end: until the reader scrolls up, and again once back near the end.
  const [stick, setStick] = createSignal(true);
  let lastTop = 0;
  const toEnd = () => {
    scroller.scrollTop = scroller.scrollHeight;
    lastTop = scroller.scrollTop;
  };
  const onScroll = () => {
    const top = scroller.scrollTop;
    // Only a move up lets go of the end: text growing below (or a message laid out at its real
    // size after content-visibility's estimate) moves the end away without the reader scrolling.
    if (scroller.scrollHeight - top - scroller.clientHeight < STICK_PX) setStick(true);
    else if (top < lastTop) setStick(false);
    lastTop = top;
  };
  // Messages change height after they are added (Markdown rendered, off-screen messages measured
  // for real as they come into view): while following the end, stay at it.
  onMount(() => {
    const resized = new ResizeObserver(() => stick() && toEnd());
    resized.observe(list);
    onCleanup(() => resized.disconnect());
  });
  // Opened from a search result (?message=<id>): that message is scrolled to, focused and marked for a moment.
  const [searchParams] = useSearchParams<{ message?: string }>();
  const [found, setFound] = createSignal<string>();
  const [branchShown, setBranchShown] = createSignal<string>();
  // Once the conversation has been drawn, messages that come (a send, a version switched to) are marked added.
  const [shown, setShown] = createSignal(false);

  onMount(async () => {
    // Focus lands in the conversation: the composer (Composer) where there is a keyboard, else the
    // conversation itself, so a screen reader starts there and no on-screen keyboard pops up.
    if (!section.contains(document.activeElement)) section.focus({ preventScroll: true });
    try {
      await chat.load();
      requestAnimationFrame(() => setShown(true));
      if (props.first && !(await chat.send(props.first.content, currentModel(), props.first.attachments))) {
        // Refused (the quota, the plan): no message was taken, so no empty conversation is left
        // behind; the new-conversation screen gets the text (and the settings) back with the reason.
        const made = chat.state.conversation;
        const draft = {
          content: props.first.content,
          attachments: props.first.attachments,
          error: chat.notice()?.message,
          settings: made && {
            systemPrompt: made.systemPrompt,
            temperature: made.temperature,
            maxReplyTokens: made.maxReplyTokens,
          },
        };
        await api.deleteConversation(props.id).catch(() => undefined);
        forget(props.id);
        navigate('/', { replace: true, state: { draft } });
      }
    } catch (error) {
      setLoadError(requestErrorWords(error));
    }
  });
  onCleanup(chat.close);

  // Esc stops the reply being written (not while a dialog or the sidebar has the key).
  const escToStop = (event: KeyboardEvent) => {
    if (event.key !== 'Escape' || event.defaultPrevented || !chat.streaming()) return;
    if (event.target instanceof Element && event.target.closest('dialog, aside')) return;
    event.preventDefault();
    void chat.stop();
  };
  document.addEventListener('keydown', escToStop);
  onCleanup(() => document.removeEventListener('keydown', escToStop));

  // Follow the text as it streams, unless the reader has scrolled up.
  createEffect(
    on(
      () => [chat.state.messages.length, chat.state.messages.at(-1)?.content.length],
      () => {
        if (stick()) toEnd();
      },
    ),
  );

  createEffect(
    on([() => searchParams.message, () => chat.state.loaded, branchShown], ([messageId, loaded, shown]) => {
      if (!messageId || !loaded) return;
      const element = scroller.querySelector<HTMLElement>(`[data-message-id="${CSS.escape(messageId)}"]`);
      if (!element) {
        // A version on another branch (search finds the versions regenerate and edit kept): the
        // room puts that branch in view, once, and this runs again to scroll to the message.
        if (shown !== messageId) void chat.showVersion(messageId).then(() => setBranchShown(messageId));
        return;
      }
      setStick(false);
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
  // How much history each message now resends, measured by the newest reply's prompt.
  const historyHint = () => {
    const reply = [...chat.state.messages].reverse().find((m) => m.role === 'assistant' && m.inputTokens > 0);
    if (!reply?.model) return undefined;
    return contextHint({
      promptTokens: reply.inputTokens,
      modelName: modelLabel(reply.model),
      contextWindow: modelById(reply.model)?.contextWindow,
      monthlyTokens: monthlyTokens(),
    });
  };

  return (
    <section
      ref={section}
      tabindex="-1"
      class="conversation"
      classList={{ dragging: dragging() }}
      aria-label={chat.state.conversation?.title ?? 'Conversation'}
      {...dropFiles(ownConversation, files.add, setDragging)}
    >
      {/* There from the start, so the messages below never move when the conversation has loaded. */}
      <ConversationActions
        id={props.id}
        title={chat.state.conversation?.title ?? 'New conversation'}
        canShare={ownConversation()}
        {...(ownConversation() ? { onSettings: () => setSettingsOpen(true) } : {})}
      />
      <ConversationSettings
        conversation={chat.state.conversation}
        model={currentModel()}
        open={settingsOpen()}
        onClose={() => setSettingsOpen(false)}
        save={async (settings) => chat.updated(await api.updateConversation(props.id, settings))}
      />
      <div class="messages" ref={scroller} onScroll={onScroll}>
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
        <div class="message-list" ref={list}>
          <For each={chat.state.messages}>
            {(message) => {
              const added = untrack(shown);
              return (
                <MessageItem
                  message={message}
                  added={added}
                  found={found() === message.id}
                  live={chat.streaming() && message === last() && message.status === 'streaming'}
                  canRegenerate={
                    !chat.streaming() &&
                    !chat.state.conversation?.siteId &&
                    message === last() &&
                    message.role === 'assistant'
                  }
                  onRegenerate={() => void chat.regenerate(currentModel())}
                  editable={!chat.state.conversation?.siteId}
                  canEdit={!chat.streaming() && !chat.state.conversation?.siteId && !message.id.startsWith('pending-')}
                  onEdit={(text) => void chat.edit(message.id, text, currentModel())}
                  versionsDisabled={chat.streaming()}
                  onShowVersion={(id) => void chat.showVersion(id)}
                  last={message === last()}
                />
              );
            }}
          </For>
        </div>
        <Show when={chat.notice()}>
          {(notice) => (
            <div
              class={`notice ${notice().kind}`}
              role="alert"
              ref={(el) => requestAnimationFrame(() => el.scrollIntoView({ block: 'nearest' }))}
            >
              <p>{notice().message}</p>
              <button type="button" class="link" onClick={chat.dismissNotice}>
                Dismiss
              </button>
            </div>
          )}
        </Show>
      </div>
      <Show when={!stick()}>
        <button
          type="button"
          class="jump-to-latest"
          onClick={() => {
            setStick(true);
            toEnd();
            document.getElementById('composer-input')?.focus();
          }}
        >
          Jump to latest <span aria-hidden="true">↓</span>
        </button>
      </Show>
      {/* Always in the page, so the words are announced when they appear (a polite status). */}
      <div class="reconnecting" role="status">
        <Show when={chat.reconnecting()}>
          <p>
            <span class="spinner" aria-hidden="true" />
            Connection lost: reconnecting… The reply goes on meanwhile and will show in full.
          </p>
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
          <Show when={historyHint()}>
            {(words) => (
              <p class="context-hint muted small" role="status">
                {words()}
              </p>
            )}
          </Show>
          <SettingsSummary conversation={chat.state.conversation} onOpen={() => setSettingsOpen(true)} />
          <ModelPicker
            value={currentModel()}
            onChange={(id) => void changeModel(id)}
            disabled={chat.streaming()}
            kinds={files.kinds()}
          />
          <Composer
            streaming={chat.streaming()}
            files={files}
            model={modelById(currentModel())}
            onSend={(text, attachments) => chat.send(text, currentModel(), attachments)}
            onStop={() => void chat.stop()}
            autofocus
          />
        </div>
      </Show>
    </section>
  );
}

/** Drag and drop of files anywhere on a conversation: they join the composer's. */
export function dropFiles(enabled: () => boolean, add: (files: File[]) => void, setDragging: (on: boolean) => void) {
  const carriesFiles = (e: DragEvent) => enabled() && !!e.dataTransfer?.types.includes('Files');
  return {
    onDragOver: (e: DragEvent) => {
      if (!carriesFiles(e)) return;
      e.preventDefault();
      setDragging(true);
    },
    onDragLeave: (e: DragEvent) => {
      if (!(e.currentTarget as Element).contains(e.relatedTarget as Node | null)) setDragging(false);
    },
    onDrop: (e: DragEvent) => {
      setDragging(false);
      if (!carriesFiles(e)) return;
      e.preventDefault();
      add([...(e.dataTransfer?.files ?? [])]);
    },
  };
}
