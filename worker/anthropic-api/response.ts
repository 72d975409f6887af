// Parley's reply in Anthropic's Messages shapes: a `message` object, and its streamed events
// (message_start, content_block_start/delta/stop for text and tool_use blocks, message_delta with
// the stop reason and usage, message_stop), as @anthropic-ai/sdk reads them.
import type { CompletionWriter } from '../chat/completion-stream.ts';
import type { ReplyOutcome } from '../chat/outcome.ts';
import { anthropicError } from './errors.ts';
import { concatBytes } from '../bytes.ts';

type StopReason = 'end_turn' | 'max_tokens' | 'stop_sequence' | 'tool_use' | 'refusal';

/** Anthropic's stop reasons: a reply the quota cut ended at a token limit. */
export function stopReasonOf(stopReason: string | null): StopReason {
  if (stopReason === 'max_tokens' || stopReason === 'quota') return 'max_tokens';
  if (stopReason === 'stop_sequence' || stopReason === 'tool_use') return stopReason;
  if (stopReason === 'content_filter') return 'refusal';
  return 'end_turn';
}

export const messageId = (id: string) => `msg_${id.replaceAll('-', '')}`;

function usageOf(outcome: Pick<ReplyOutcome, 'inputTokens' | 'outputTokens' | 'cachedTokens'>) {
  return {
    input_tokens: outcome.inputTokens - outcome.cachedTokens,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: outcome.cachedTokens,
    output_tokens: outcome.outputTokens,
  };
}

/** A reply's content blocks: its text, then its tool calls with their arguments parsed. */
function contentOf(outcome: ReplyOutcome) {
  return [
    ...(outcome.content ? [{ type: 'text' as const, text: outcome.content }] : []),
    ...(outcome.toolCalls ?? []).map((call) => ({
      type: 'tool_use' as const,
      id: call.id,
      name: call.name,
      input: parseInput(call.arguments),
    })),
  ];
}

/** A model's arguments as an object; JSON that is no object stays readable under `_raw`. */
function parseInput(json: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(json || '{}');
    return value && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : { _raw: json };
  } catch {
    return { _raw: json };
  }
}

export function messageBody(id: string, model: string, outcome: ReplyOutcome) {
  return {
    id: messageId(id),
    type: 'message' as const,
    role: 'assistant' as const,
    model,
    content: contentOf(outcome),
    stop_reason: stopReasonOf(outcome.stopReason),
    stop_sequence: null,
    usage: usageOf(outcome),
  };
}

const encoder = new TextEncoder();
const event = (name: string, data: object) => encoder.encode(`event: ${name}\ndata: ${JSON.stringify(data)}\n\n`);

/**
 * The events of one streamed message. `promptTokens` is Parley's estimate, sent in message_start
 * (the vendor's count is known only at the end); message_delta then carries the counts as billed.
 */
export function eventWriter(id: string, model: string, promptTokens: number): CompletionWriter {
  let started = false;
  /** The content block open now, and how many there were. */
  let open: { kind: 'text' | 'tool'; index: number; call?: number } | undefined;
  let blocks = 0;
  const out: Uint8Array[] = [];
  const start = () => {
    if (started) return;
    started = true;
    out.push(
      event('message_start', {
        type: 'message_start',
        message: {
          id: messageId(id),
          type: 'message',
          role: 'assistant',
          model,
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: { input_tokens: promptTokens, output_tokens: 1 },
        },
      }),
      event('ping', { type: 'ping' }),
    );
  };
  const close = () => {
    if (!open) return;
    out.push(event('content_block_stop', { type: 'content_block_stop', index: open.index }));
    open = undefined;
  };
  const flush = () => {
    const bytes = concatBytes(out);
    out.length = 0;
    return bytes;
  };
  return {
    text(text) {
      start();
      if (open?.kind !== 'text') {
        close();
        open = { kind: 'text', index: blocks++ };
        out.push(
          event('content_block_start', {
            type: 'content_block_start',
            index: open.index,
            content_block: { type: 'text', text: '' },
          }),
        );
      }
      out.push(
        event('content_block_delta', {
          type: 'content_block_delta',
          index: open.index,
          delta: { type: 'text_delta', text },
        }),
      );
      return flush();
    },
    toolCall(part) {
      start();
      if (open?.kind !== 'tool' || open.call !== part.index) {
        close();
        open = { kind: 'tool', index: blocks++, call: part.index };
        out.push(
          event('content_block_start', {
            type: 'content_block_start',
            index: open.index,
            content_block: { type: 'tool_use', id: part.id ?? '', name: part.name ?? '', input: {} },
          }),
        );
      }
      if (part.arguments)
        out.push(
          event('content_block_delta', {
            type: 'content_block_delta',
            index: open.index,
            delta: { type: 'input_json_delta', partial_json: part.arguments },
          }),
        );
      return flush();
    },
    end(outcome) {
      start();
      close();
      out.push(
        event('message_delta', {
          type: 'message_delta',
          delta: { stop_reason: stopReasonOf(outcome.stopReason), stop_sequence: null },
          usage: usageOf(outcome),
        }),
        event('message_stop', { type: 'message_stop' }),
      );
      return [flush()];
    },
    fail(error) {
      return event('error', anthropicError(error).body);
    },
  };
}
