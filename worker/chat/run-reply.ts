// Drives one reply from the vendor stream to its outcome: emits Parley events as they arrive and
// returns what must be stored (text, status, tokens, cost, timings). Pure of storage and readers.
import type { ReplyOutcome } from '../db/conversations.ts';
import { replyCost } from '../providers/registry.ts';
import type { ChatMessage } from '../providers/types.ts';
import type { StreamEvent } from './events.ts';
import { estimateTokens } from './prompt.ts';
import { streamWithFallbacks, type Candidate, type RetryPolicy } from './reliable-stream.ts';

export type ReplyInput = {
  candidates: [Candidate, ...Candidate[]];
  system?: string;
  messages: ChatMessage[];
  maxOutputTokens: number;
  signal: AbortSignal;
  retryPolicy?: RetryPolicy;
};

export async function runReply(input: ReplyInput, emit: (event: StreamEvent) => void): Promise<ReplyOutcome> {
  const started = Date.now();
  let model = input.candidates[0].model;
  let text = '';
  let timeToFirstTokenMs: number | null = null;
  let usage = { inputTokens: 0, outputTokens: 0, cachedTokens: 0 };
  let stopReason: string | null = null;
  let failure: { code: string; message: string } | undefined;

  const events = streamWithFallbacks(input.candidates, {
    system: input.system, messages: input.messages, maxOutputTokens: input.maxOutputTokens, signal: input.signal,
  }, input.retryPolicy);
  for await (const event of events) {
    switch (event.type) {
      case 'attempt':
        model = event.model;
        break;
      case 'text':
        timeToFirstTokenMs ??= Date.now() - started;
        text += event.text;
        emit({ event: 'delta', data: { text: event.text } });
        break;
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

  if (input.signal.aborted) stopReason = 'stopped';
  else if (!failure && !stopReason) failure = { code: 'upstream', message: 'The model stream ended before the reply was complete' };
  const status = input.signal.aborted ? 'stopped' : failure ? 'error' : 'complete';
  // A cut-short stream reports no usage: estimate it, so real work is never billed as zero.
  if (text && usage.inputTokens === 0) usage = { ...usage, inputTokens: promptTokens(input) };
  if (text && usage.outputTokens === 0) usage = { ...usage, outputTokens: Math.ceil(text.length / 4) };

  if (usage.inputTokens || usage.outputTokens) emit({ event: 'usage', data: usage });
  return {
    content: text,
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

function promptTokens(input: ReplyInput) {
  return input.messages.reduce((sum, m) => sum + estimateTokens(m.content), input.system ? estimateTokens(input.system) : 0);
}
