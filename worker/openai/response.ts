// Parley's reply in OpenAI's response shapes: `chat.completion`, and `chat.completion.chunk`
// events (`data: {…}` lines ending with `data: [DONE]`), with usage and finish_reason mapped.
import type { ReplyOutcome } from '../chat/outcome.ts';
import type { CompletionWriter } from '../chat/completion-stream.ts';
import { openAiError } from './errors.ts';

type FinishReason = 'stop' | 'length' | 'content_filter' | 'tool_calls';

/** OpenAI's finish reasons: the reply ended by itself or at a stop sequence, at a token limit (max_tokens or the quota), by the vendor's filter, or to call tools. */
export function finishReason(stopReason: string | null): FinishReason {
  if (stopReason === 'max_tokens' || stopReason === 'quota') return 'length';
  if (stopReason === 'content_filter') return 'content_filter';
  if (stopReason === 'tool_use') return 'tool_calls';
  return 'stop';
}

/** A reply's tool calls as OpenAI writes them in a message. */
const toolCallsOf = (outcome: ReplyOutcome) =>
  outcome.toolCalls?.map((call) => ({
    id: call.id,
    type: 'function' as const,
    function: { name: call.name, arguments: call.arguments },
  }));

/** OpenAI's usage object, plus `cost`: what Parley bills for the call, in US dollars (as OpenRouter reports it). */
export function usageOf(outcome: ReplyOutcome) {
  return {
    prompt_tokens: outcome.inputTokens,
    completion_tokens: outcome.outputTokens,
    total_tokens: outcome.inputTokens + outcome.outputTokens,
    prompt_tokens_details: { cached_tokens: outcome.cachedTokens },
    cost: Number(outcome.costUsd),
  };
}

const completionId = (id: string) => `chatcmpl-${id.replaceAll('-', '')}`;

export function completionBody(id: string, created: number, outcome: ReplyOutcome) {
  return {
    id: completionId(id),
    object: 'chat.completion' as const,
    created,
    model: outcome.model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant' as const,
          // OpenAI's content is null when a reply is only tool calls.
          content: outcome.content === '' && outcome.toolCalls?.length ? null : outcome.content,
          ...(outcome.toolCalls?.length ? { tool_calls: toolCallsOf(outcome) } : {}),
          refusal: null,
        },
        logprobs: null,
        finish_reason: finishReason(outcome.stopReason),
      },
    ],
    usage: usageOf(outcome),
    system_fingerprint: null,
  };
}

const encoder = new TextEncoder();
const sse = (data: unknown) => encoder.encode(`data: ${JSON.stringify(data)}\n\n`);
export const DONE = encoder.encode('data: [DONE]\n\n');

/** The events of one streamed completion. With include_usage every chunk carries `usage: null` and one last chunk the totals, as OpenAI sends them. */
export function chunkWriter(id: string, created: number, model: string, includeUsage: boolean): CompletionWriter {
  const base = {
    id: completionId(id),
    object: 'chat.completion.chunk' as const,
    created,
    model,
    system_fingerprint: null,
  };
  const chunk = (delta: object, finish: FinishReason | null) =>
    sse({
      ...base,
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
      ...(includeUsage ? { usage: null } : {}),
    });
  let first = true;
  /** The first chunk carries the role. */
  const opening = (delta: object) => {
    const withRole = first ? { role: 'assistant', ...delta } : delta;
    first = false;
    return withRole;
  };
  return {
    text(text: string) {
      return chunk(opening({ content: text }), null);
    },
    /** Part of a tool call, as OpenAI streams it: its first part with id, type and name, later ones more arguments. */
    toolCall(part: { index: number; id?: string; name?: string; arguments: string }) {
      const call = {
        index: part.index,
        ...(part.id !== undefined ? { id: part.id, type: 'function' } : {}),
        function: { ...(part.name !== undefined ? { name: part.name } : {}), arguments: part.arguments },
      };
      return chunk(opening(first ? { content: null, tool_calls: [call] } : { tool_calls: [call] }), null);
    },
    /** The closing events: the finish reason, then (if asked for) usage, then [DONE]. */
    end(outcome: ReplyOutcome): Uint8Array[] {
      const last = [chunk(first ? { role: 'assistant', content: '' } : {}, finishReason(outcome.stopReason))];
      if (includeUsage) last.push(sse({ ...base, choices: [], usage: usageOf(outcome) }));
      return [...last, DONE];
    },
    /** OpenAI's in-stream error event, which the SDKs raise. */
    fail: (error) => sse(openAiError(error).body),
  };
}
