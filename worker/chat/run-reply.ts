// Drives one reply from the vendor stream to its outcome: emits Parley events as they arrive and
// returns what must be stored (text, status, tokens, cost, timings). Pure of storage and readers.
import type { ReplyOutcome } from './outcome.ts';
import { replyCost } from '../providers/registry.ts';
import type { ChatMessage, ResponseFormat, Sampling, ToolCall, Tools } from '../providers/types.ts';
import type { StreamEvent } from './events.ts';
import { estimatePromptTokens } from './prompt.ts';
import { streamWithFallbacks, type Candidate, type RetryPolicy } from './reliable-stream.ts';

export type ReplyInput = {
  candidates: [Candidate, ...Candidate[]];
  system?: string;
  messages: ChatMessage[];
  maxOutputTokens: number;
  sampling?: Sampling;
  tools?: Tools;
  responseFormat?: ResponseFormat;
  /** Ask the vendor for the reply in one piece (the caller does not stream it). */
  whole?: boolean;
  signal: AbortSignal;
  /**
   * A vendor that sends nothing for this long is given up on; the reply keeps its text so far. A
   * reply asked for whole, which arrives all at once, is given WHOLE_REPLY_IDLE_TIMEOUTS times as long.
   */
  idleTimeoutMs: number;
  retryPolicy?: RetryPolicy;
};

/**
 * A whole reply is sent only once it is written: it is given ten idle timeouts (ten minutes by
 * default, the vendor SDKs' own limit for a request not streamed).
 */
const WHOLE_REPLY_IDLE_TIMEOUTS = 10;

/** Why a reply was cut when its vendor went silent. */
class VendorSilent extends Error {}

export async function runReply(input: ReplyInput, emit: (event: StreamEvent) => void): Promise<ReplyOutcome> {
  const started = Date.now();
  let model = input.candidates[0].model;
  let text = '';
  /** Tool calls by the vendor's index, as their parts arrive. */
  const calls = new Map<number, ToolCall>();
  let timeToFirstTokenMs: number | null = null;
  let usage = { inputTokens: 0, outputTokens: 0, cachedTokens: 0 };
  let stopReason: string | null = null;
  let failure: { code: string; message: string } | undefined;

  // One signal for the vendor call: the caller's stop, or silence longer than the idle timeout.
  const cut = new AbortController();
  const stop = () => cut.abort(input.signal.reason);
  input.signal.addEventListener('abort', stop, { once: true });
  if (input.signal.aborted) stop();
  const silenceMs = input.whole ? input.idleTimeoutMs * WHOLE_REPLY_IDLE_TIMEOUTS : input.idleTimeoutMs;
  let idle: ReturnType<typeof setTimeout> | undefined;
  const heard = () => {
    clearTimeout(idle);
    idle = setTimeout(() => cut.abort(new VendorSilent()), silenceMs);
  };
  heard();

  const events = streamWithFallbacks(
    input.candidates,
    {
      system: input.system,
      messages: input.messages,
      maxOutputTokens: input.maxOutputTokens,
      sampling: input.sampling,
      ...(input.tools ? { tools: input.tools } : {}),
      ...(input.responseFormat ? { responseFormat: input.responseFormat } : {}),
      ...(input.whole ? { whole: true } : {}),
      signal: cut.signal,
    },
    input.retryPolicy,
  );
  for await (const event of events) {
    heard();
    switch (event.type) {
      case 'attempt':
        model = event.model;
        break;
      case 'text':
        timeToFirstTokenMs ??= Date.now() - started;
        text += event.text;
        emit({ event: 'delta', data: { text: event.text } });
        break;
      case 'tool_call': {
        timeToFirstTokenMs ??= Date.now() - started;
        const call = calls.get(event.index) ?? { id: '', name: '', arguments: '' };
        calls.set(event.index, {
          id: event.id ?? call.id,
          name: event.name ?? call.name,
          arguments: call.arguments + event.arguments,
        });
        const { type: _, ...part } = event;
        emit({ event: 'tool_call', data: part });
        break;
      }
      case 'usage':
        usage = { inputTokens: event.inputTokens, outputTokens: event.outputTokens, cachedTokens: event.cachedTokens };
        break;
      case 'done':
        stopReason = event.stopReason;
        break;
      case 'error':
        failure = { code: event.code, message: event.message };
        break;
    }
  }

  clearTimeout(idle);
  input.signal.removeEventListener('abort', stop);

  const stopped = cut.signal.aborted && !(cut.signal.reason instanceof VendorSilent);
  if (cut.signal.reason instanceof VendorSilent) {
    failure = {
      code: 'upstream_timeout',
      message: `The model sent nothing for ${Math.round(silenceMs / 1000)} s`,
    };
  }
  if (stopped) stopReason = 'stopped';
  else if (!failure && !stopReason)
    failure = { code: 'upstream', message: 'The model stream ended before the reply was complete' };
  const status = stopped ? 'stopped' : failure ? 'error' : 'complete';
  usage = {
    inputTokens: count(usage.inputTokens),
    outputTokens: count(usage.outputTokens),
    cachedTokens: count(usage.cachedTokens),
  };
  // A cut-short stream reports no usage: estimate it, so real work is never billed as zero.
  const toolCalls = [...calls.entries()].sort(([a], [b]) => a - b).map(([, call]) => call);
  const written = text + toolCalls.map((call) => call.name + call.arguments).join('');
  if (written && usage.inputTokens === 0)
    usage = { ...usage, inputTokens: estimatePromptTokens(input.messages, input.system, input.tools) };
  if (written && usage.outputTokens === 0) usage = { ...usage, outputTokens: Math.ceil(written.length / 4) };

  if (usage.inputTokens || usage.outputTokens) emit({ event: 'usage', data: usage });
  return {
    content: text,
    ...(toolCalls.length > 0 ? { toolCalls } : {}),
    status,
    model: model.id,
    provider: model.provider,
    stopReason,
    errorCode: failure?.code ?? null,
    ...usage,
    costUsd: replyCost(model, usage),
    timeToFirstTokenMs,
    durationMs: Date.now() - started,
  };
}

/** Token counts as stored and billed: integers >= 0, whatever a vendor sent (absent, null, NaN). */
function count(value: number | null | undefined): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.round(value) : 0;
}
