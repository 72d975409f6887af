import { createSignal, Show } from 'solid-js';
import { useLocation, useNavigate, useParams } from '@solidjs/router';
import { api } from '../lib/api.ts';
import { requestErrorWords } from '../lib/errors.ts';
import { showFirst } from '../lib/conversation-list.ts';
import { defaultModelId, modelById } from '../lib/models.ts';
import { createAttachments } from '../lib/attachments.ts';
import type { Attachment } from '../lib/files.ts';
import { Composer } from '../components/Composer.tsx';
import { SettingsButton } from '../components/ConversationActions.tsx';
import { ConversationSettings, type Settings, SettingsSummary } from '../components/ConversationSettings.tsx';
import { ConversationView, dropFiles } from '../components/ConversationView.tsx';
import { ModelPicker } from '../components/ModelPicker.tsx';
import { Sidebar } from '../components/Sidebar.tsx';

// A first message typed on the new-conversation screen, sent by the conversation once it opens.
const firstMessages = new Map<string, { content: string; attachments: Attachment[] }>();

export function ChatPage() {
  const params = useParams<{ id?: string }>();
  const [drawer, setDrawer] = createSignal(false);
  return (
    <div class="chat" classList={{ 'drawer-open': drawer() }}>
      <button
        type="button"
        class="ghost drawer-toggle"
        aria-expanded={drawer()}
        aria-controls="sidebar"
        onClick={() => setDrawer(!drawer())}
      >
        {drawer() ? 'Close conversations' : 'Conversations'}
      </button>
      <div id="sidebar" class="sidebar-wrap">
        <Sidebar onNavigate={() => setDrawer(false)} />
      </div>
      <main class="chat-main">
        <Show
          when={params.id}
          keyed
          fallback={
            <NewConversation
              onCreated={(id, content, attachments) => firstMessages.set(id, { content, attachments })}
            />
          }
        >
          {(id) => {
            // Taken once: a prop expression is re-read on every access.
            const first = take(id);
            return <ConversationView id={id} first={first} />;
          }}
        </Show>
      </main>
    </div>
  );
}

function take(id: string) {
  const first = firstMessages.get(id);
  firstMessages.delete(id);
  return first;
}

/**
 * The empty screen: pick a model and the settings, type, and the conversation is made with them and
 * the first message.
 */
function NewConversation(props: { onCreated: (id: string, content: string, attachments: Attachment[]) => void }) {
  const navigate = useNavigate();
  // A first message the server refused comes back here with why (ConversationView).
  const refused = (
    useLocation().state as {
      draft?: { content: string; attachments?: Attachment[]; error?: string; settings?: Settings };
    } | null
  )?.draft;
  const files = createAttachments();
  // Files of a refused first message come back with it, already stored.
  if (refused?.attachments?.length) files.restoreStored(refused.attachments);
  const [dragging, setDragging] = createSignal(false);
  const [model, setModel] = createSignal<string>();
  const [settings, setSettings] = createSignal<Settings>(
    refused?.settings ?? { systemPrompt: null, temperature: null, maxReplyTokens: null },
  );
  const [settingsOpen, setSettingsOpen] = createSignal(false);
  const [error, setError] = createSignal<string | undefined>(refused?.error);
  const currentModel = () => model() ?? defaultModelId();
  const send = async (content: string, attachments: Attachment[]) => {
    try {
      const { systemPrompt, ...parameters } = settings();
      const conversation = await api.createConversation({
        model: currentModel(),
        ...(systemPrompt ? { systemPrompt } : {}),
        ...parameters,
      });
      showFirst(conversation);
      props.onCreated(conversation.id, content, attachments);
      navigate(`/c/${conversation.id}`);
      return true;
    } catch (e) {
      setError(requestErrorWords(e));
      return false;
    }
  };
  return (
    <section
      class="conversation"
      classList={{ dragging: dragging() }}
      aria-label="New conversation"
      {...dropFiles(() => true, files.add, setDragging)}
    >
      {/* The same bar as a conversation's, so the screen does not move when the first send opens it. */}
      <div class="conversation-actions">
        <SettingsButton onClick={() => setSettingsOpen(true)} />
      </div>
      <ConversationSettings
        conversation={settings()}
        model={currentModel()}
        open={settingsOpen()}
        onClose={() => setSettingsOpen(false)}
        save={async (chosen) => void setSettings(chosen)}
      />
      <div class="messages">
        <div class="welcome">
          <h1>New conversation</h1>
          <p>Claude, OpenAI and Gemini in one place. Pick a model and ask anything.</p>
        </div>
        <Show when={error()}>
          {(message) => (
            <p class="notice error" role="alert">
              {message()}
            </p>
          )}
        </Show>
      </div>
      <div class="compose-bar">
        <SettingsSummary conversation={settings()} onOpen={() => setSettingsOpen(true)} />
        <ModelPicker value={currentModel()} onChange={setModel} kinds={files.kinds()} />
        <Composer
          streaming={false}
          files={files}
          model={modelById(currentModel())}
          onSend={send}
          onStop={() => undefined}
          autofocus
          initial={refused?.content}
        />
      </div>
    </section>
  );
}
