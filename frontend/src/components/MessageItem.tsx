import { createSignal, Show } from 'solid-js';
import type { Message } from '../lib/api.ts';
import { count, ms, usd } from '../lib/format.ts';
import { replyErrorWords } from '../lib/errors.ts';
import { modelLabel as nameOf } from '../lib/models.ts';
import { Markdown } from './Markdown.tsx';

const STATUS_WORDS: Record<string, string> = { stopped: 'Stopped', error: 'Failed' };

/** One message. A reply shows its model, and on demand its tokens, cost and time to first token. */
export function MessageItem(props: {
  message: Message;
  live: boolean;
  canRegenerate: boolean;
  onRegenerate: () => void;
  /** The model asked for, when another (its fallback) answered instead. */
  fallbackFor?: string;
  /** The latest message: a problem it ends with is brought into view. */
  last?: boolean;
}) {
  const [details, setDetails] = createSignal(false);
  const m = () => props.message;
  const modelLabel = () => (m().model ? nameOf(m().model!) : 'Assistant');
  const bringIntoView = (el: HTMLElement) =>
    props.last && requestAnimationFrame(() => el.scrollIntoView({ block: 'nearest' }));
  const stopWords = () =>
    m().stopReason === 'quota' ? "Stopped: this month's tokens ran out" : STATUS_WORDS[m().status];
  return (
    <article class={`message ${m().role}`} aria-label={m().role === 'user' ? 'You' : modelLabel()}>
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
        <Show when={props.fallbackFor}>
          {(asked) => (
            <p class="fallback-note muted small">
              {nameOf(asked())} could not answer (its provider failed or was busy),{' '}
              {m().status === 'error'
                ? `so ${modelLabel()}, its fallback, was asked and failed too.`
                : `so ${modelLabel()} answered instead.`}
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
