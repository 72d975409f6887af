import { createSignal, Show } from 'solid-js';
import type { Message } from '../lib/api.ts';
import { count, ms, usd } from '../lib/format.ts';
import { replyErrorWords } from '../lib/errors.ts';
import { modelLabel as nameOf } from '../lib/models.ts';
import { Markdown } from './Markdown.tsx';
import { MessageAttachments } from './MessageAttachments.tsx';
import { MessageEditor } from './MessageEditor.tsx';
import { Versions } from './Versions.tsx';

const STATUS_WORDS: Record<string, string> = { stopped: 'Stopped', error: 'Failed' };

/**
 * One message. A reply shows its model, and on demand its tokens, cost and time to first token; a
 * message with versions (regenerated, edited) shows ‹ n of m ›; the user's own can be edited inline.
 */
export function MessageItem(props: {
  message: Message;
  /** Opened from a search result: marked for a moment. */
  found?: boolean;
  /** Added after the conversation was first shown (drawn at once, never skipped as off-screen). */
  added?: boolean;
  live: boolean;
  canRegenerate: boolean;
  onRegenerate: () => void;
  /** The user's messages in this conversation can be edited (not a visitor's conversation). */
  editable: boolean;
  /** …and this one now (no reply running, and the server has it). */
  canEdit: boolean;
  onEdit: (text: string) => void;
  /** While a reply runs, versions cannot be switched (it stays in view until it ends). */
  versionsDisabled: boolean;
  onShowVersion: (messageId: string) => void;
  /** The latest message: a problem it ends with is brought into view. */
  last?: boolean;
}) {
  const [details, setDetails] = createSignal(false);
  const [editing, setEditing] = createSignal(false);
  let editButton: HTMLButtonElement | undefined;
  const versions = () => (
    <Show when={m().siblings.count > 1}>
      <Versions message={m()} disabled={props.versionsDisabled} onShow={(id) => props.onShowVersion(id)} />
    </Show>
  );
  const stopEditing = () => {
    setEditing(false);
    editButton?.focus();
  };
  const m = () => props.message;
  const attachments = () => m().attachments ?? [];
  const modelLabel = () => (m().model ? nameOf(m().model!) : 'Assistant');
  /** The model the reply was asked of, when another (its fallback) answered: the server records both. */
  const fellBackFrom = () => {
    const { model, requestedModel } = m();
    return model && requestedModel && requestedModel !== model ? requestedModel : undefined;
  };
  const bringIntoView = (el: HTMLElement) =>
    props.last && requestAnimationFrame(() => el.scrollIntoView({ block: 'nearest' }));
  const stopWords = () =>
    m().stopReason === 'quota' ? "Stopped: this month's tokens ran out" : STATUS_WORDS[m().status];
  return (
    <article
      class={`message ${m().role}`}
      classList={{ found: props.found, added: props.added }}
      data-message-id={m().id}
      tabindex="-1"
      aria-label={m().role === 'user' ? 'You' : modelLabel()}
    >
      <Show
        when={m().role === 'assistant'}
        fallback={
          <>
            <Show when={attachments().length > 0}>
              <MessageAttachments attachments={attachments()} />
            </Show>
            <Show when={editing()} fallback={<div class="bubble user-text">{m().content}</div>}>
              <MessageEditor
                content={m().content}
                onCancel={stopEditing}
                onSave={(text) => {
                  setEditing(false);
                  props.onEdit(text);
                }}
              />
            </Show>
            <Show when={!editing() && (props.editable || m().siblings.count > 1)}>
              <div class="message-actions">
                {versions()}
                {/* Kept in the layout while it cannot be used, so the messages below never move when it can again. */}
                <Show when={props.editable}>
                  <button
                    type="button"
                    class="link"
                    classList={{ unavailable: !props.canEdit }}
                    ref={editButton}
                    onClick={() => props.canEdit && setEditing(true)}
                  >
                    Edit
                  </button>
                </Show>
              </div>
            </Show>
          </>
        }
      >
        <header class="message-head">
          <span class="model">{modelLabel()}</span>
          <Show when={stopWords()}>{(words) => <span class={`badge ${m().status}`}>{words()}</span>}</Show>
        </header>
        <div class="bubble" aria-live={props.live ? 'polite' : undefined} aria-busy={props.live}>
          <Show
            when={m().content || !props.live}
            fallback={
              <span class="typing">
                <span aria-hidden="true">…</span>
                <span class="visually-hidden">Writing</span>
              </span>
            }
          >
            <Markdown text={m().content} />
          </Show>
        </div>
        <Show when={fellBackFrom()}>
          {(asked) => (
            <p class="fallback-note muted small">
              {m().status === 'error'
                ? `${nameOf(asked())} was unavailable (its provider failed or was busy), and ${modelLabel()}, its fallback, failed too.`
                : `Answered by ${modelLabel()}: ${nameOf(asked())} was unavailable (its provider failed or was busy).`}
            </p>
          )}
        </Show>
        <Show when={m().status === 'error' && !props.live}>
          <p class="reply-problem error" role="status" ref={bringIntoView}>
            {replyErrorWords(m().errorCode)}
          </p>
        </Show>
        <Show when={!props.live}>
          <div class="message-actions">
            {versions()}
            <button type="button" class="link" aria-expanded={details()} onClick={() => setDetails(!details())}>
              {details() ? 'Hide details' : 'Details'}
            </button>
            <Show when={props.canRegenerate}>
              <button type="button" class="link" onClick={() => props.onRegenerate()}>
                Regenerate
              </button>
            </Show>
          </div>
          <Show when={details()}>
            <dl class="details">
              <div>
                <dt>Tokens</dt>
                <dd>
                  {count(m().inputTokens)} in · {count(m().outputTokens)} out
                  {m().cachedTokens ? ` · ${count(m().cachedTokens)} cached` : ''}
                </dd>
              </div>
              <div>
                <dt>Cost</dt>
                <dd>{usd(m().costUsd)}</dd>
              </div>
              <div>
                <dt>First token</dt>
                <dd>{ms(m().timeToFirstTokenMs)}</dd>
              </div>
              <div>
                <dt>Total</dt>
                <dd>{ms(m().durationMs)}</dd>
              </div>
            </dl>
          </Show>
        </Show>
      </Show>
    </article>
  );
}
