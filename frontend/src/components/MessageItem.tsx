import { createSignal, Show } from 'solid-js';
import type { Message } from '../lib/api.ts';
import { count, ms, usd } from '../lib/format.ts';
import { modelById } from '../lib/models.ts';
import { Markdown } from './Markdown.tsx';

const STATUS_WORDS: Record<string, string> = { stopped: 'Stopped', error: 'Failed' };

/** One message. A reply shows its model, and on demand its tokens, cost and time to first token. */
export function MessageItem(props: {
  message: Message;
  /** Opened from a search result: marked for a moment. */
  found?: boolean;
  live: boolean;
  canRegenerate: boolean;
  onRegenerate: () => void;
}) {
  const [details, setDetails] = createSignal(false);
  const m = () => props.message;
  const modelLabel = () => modelById(m().model)?.label ?? m().model ?? 'Assistant';
  const stopWords = () =>
    m().stopReason === 'quota' ? "Stopped: this month's tokens ran out" : STATUS_WORDS[m().status];
  return (
    <article
      class={`message ${m().role}`}
      classList={{ found: props.found }}
      data-message-id={m().id}
      tabindex="-1"
      aria-label={m().role === 'user' ? 'You' : modelLabel()}
    >
      <Show when={m().role === 'assistant'} fallback={<div class="bubble user-text">{m().content}</div>}>
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
        <Show when={!props.live}>
          <div class="message-actions">
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
