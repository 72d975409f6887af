// A conversation's instructions and parameters: its system prompt, temperature and longest reply,
// in a dialog opened from the conversation's bar or from the line above the composer that says
// which of them (and the account's custom instructions) the next reply is sent with. On the
// new-conversation screen they are kept until the first send makes the conversation with them.
import { createEffect, createSignal, onMount, Show } from 'solid-js';
import { A } from '@solidjs/router';
import type { Conversation } from '../lib/api.ts';
import { requestErrorWords } from '../lib/errors.ts';
import { customInstructions, loadCustomInstructions } from '../lib/instructions.ts';
import { modelById } from '../lib/models.ts';

/** The most a reply may be anywhere (the server's MAX_REPLY_TOKENS). */
const MAX_REPLY_TOKENS = 32_000;

export type Settings = Pick<Conversation, 'systemPrompt' | 'temperature' | 'maxReplyTokens'>;

/** The words for what applies: "Custom instructions · System prompt · Temperature 0.3 · Up to 1,000 tokens". */
export function settingsWords(settings: Settings | null | undefined, instructions: string | null | undefined) {
  const parts: string[] = [];
  if (instructions) parts.push('Custom instructions');
  if (settings?.systemPrompt) parts.push('System prompt');
  if (settings?.temperature != null) parts.push(`Temperature ${settings.temperature}`);
  if (settings?.maxReplyTokens != null) parts.push(`Up to ${settings.maxReplyTokens.toLocaleString()} tokens`);
  return parts.join(' · ');
}

/**
 * The line above the composer: what applies, opening the settings. Always one line, there from the
 * first paint, so nothing moves when the account's instructions arrive (with /api/me) after it.
 */
export function SettingsSummary(props: { conversation: Settings | null; onOpen: () => void }) {
  onMount(() => void loadCustomInstructions());
  const words = () =>
    settingsWords(props.conversation, customInstructions()) ||
    (customInstructions() === undefined ? 'Settings' : 'No instructions · model defaults');
  return (
    <button type="button" class="settings-summary link" onClick={() => props.onOpen()}>
      <span class="visually-hidden">Conversation settings: </span>
      {words()}
    </button>
  );
}

/**
 * The settings dialog; `open` shows it, and it calls `onClose` when it closes (focus returns where it
 * was). `save` keeps what was chosen (the server for a conversation, the screen for a new one); a
 * failure it throws is shown in the dialog.
 */
export function ConversationSettings(props: {
  conversation: Settings | null;
  model: string | undefined;
  open: boolean;
  onClose: () => void;
  save: (settings: Settings) => Promise<void>;
}) {
  let dialog!: HTMLDialogElement;
  const [systemPrompt, setSystemPrompt] = createSignal('');
  const [useDefault, setUseDefault] = createSignal(true);
  const [temperature, setTemperature] = createSignal(1);
  const [maxTokens, setMaxTokens] = createSignal('');
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<string>();
  const modelMost = () => Math.min(MAX_REPLY_TOKENS, modelById(props.model)?.maxOutputTokens ?? MAX_REPLY_TOKENS);

  createEffect(() => {
    if (!props.open || dialog.open) return;
    // Opened: the form starts from what is saved.
    const saved = props.conversation;
    setSystemPrompt(saved?.systemPrompt ?? '');
    setUseDefault(saved?.temperature == null);
    setTemperature(saved?.temperature ?? 1);
    setMaxTokens(saved?.maxReplyTokens == null ? '' : String(saved.maxReplyTokens));
    setError(undefined);
    dialog.showModal();
  });

  const save = async (event: SubmitEvent) => {
    event.preventDefault();
    if (busy()) return;
    const limit = maxTokens().trim();
    const asked = limit === '' ? null : Number(limit);
    if (asked !== null && (!Number.isInteger(asked) || asked < 1 || asked > modelMost())) {
      setError(`Max reply length must be a whole number from 1 to ${modelMost().toLocaleString()}, or empty.`);
      document.getElementById('settings-max-tokens')?.focus();
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      await props.save({
        systemPrompt: systemPrompt().trim() ? systemPrompt() : null,
        temperature: useDefault() ? null : temperature(),
        maxReplyTokens: asked,
      });
      dialog.close();
    } catch (e) {
      setError(`Not saved: ${requestErrorWords(e)}`);
    } finally {
      setBusy(false);
    }
  };

  return (
    <dialog ref={dialog} class="settings-dialog" aria-labelledby="settings-heading" onClose={() => props.onClose()}>
      {/* Only while open: closed, none of its fields is on the page (a "Model default" box would answer to "Model"). */}
      <Show when={props.open}>
        <form class="stack" onSubmit={(e) => void save(e)}>
          <h2 id="settings-heading">Conversation settings</h2>
          <p class="small muted">
            Used for every reply in this conversation.{' '}
            <Show
              when={customInstructions()}
              fallback={
                <>
                  Instructions for all your conversations go in <A href="/account">custom instructions</A>.
                </>
              }
            >
              Your <A href="/account">custom instructions</A> are sent first.
            </Show>
          </p>
          <label for="settings-system-prompt">System prompt</label>
          <textarea
            id="settings-system-prompt"
            rows={5}
            maxLength={20_000}
            placeholder="e.g. You are a patient tutor. Answer in short paragraphs."
            value={systemPrompt()}
            onInput={(e) => setSystemPrompt(e.currentTarget.value)}
          />
          <fieldset class="stack settings-temperature">
            <legend>Temperature</legend>
            <label class="row">
              <input type="checkbox" checked={useDefault()} onChange={(e) => setUseDefault(e.currentTarget.checked)} />
              Model default
            </label>
            <div class="row">
              <label for="settings-temperature" class="visually-hidden">
                Temperature, 0 to 2
              </label>
              <input
                id="settings-temperature"
                type="range"
                min="0"
                max="2"
                step="0.1"
                disabled={useDefault()}
                value={temperature()}
                aria-describedby="settings-temperature-help"
                onInput={(e) => setTemperature(Number(e.currentTarget.value))}
              />
              <output for="settings-temperature">{useDefault() ? 'Default' : temperature().toFixed(1)}</output>
            </div>
            <p id="settings-temperature-help" class="small muted">
              Lower is more focused and repeatable, higher more varied (0 to 2).
            </p>
          </fieldset>
          <label for="settings-max-tokens">Max reply length (tokens)</label>
          <input
            id="settings-max-tokens"
            type="number"
            inputmode="numeric"
            min="1"
            max={modelMost()}
            step="1"
            placeholder={`Up to ${modelMost().toLocaleString()}`}
            aria-describedby="settings-max-tokens-help"
            value={maxTokens()}
            onInput={(e) => setMaxTokens(e.currentTarget.value)}
          />
          <p id="settings-max-tokens-help" class="small muted">
            Empty: as long as the model allows ({modelMost().toLocaleString()} tokens).
          </p>
          <Show when={error()}>
            {(message) => (
              <p class="error" role="alert">
                {message()}
              </p>
            )}
          </Show>
          <div class="row dialog-actions">
            <button type="button" class="ghost" onClick={() => dialog.close()}>
              Cancel
            </button>
            <button type="submit" class="primary" disabled={busy()}>
              {busy() ? 'Saving…' : 'Save'}
            </button>
          </div>
        </form>
      </Show>
    </dialog>
  );
}
