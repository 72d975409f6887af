// The baseline: the same request Parley's Anthropic adapter makes, sent straight to the fake
// upstream, read with the same client and parser; and its `stream: false` twin (with WHOLE_MAX_TOKENS),
// the baseline of a non-streamed /v1 completion, which Parley asks of the vendor unstreamed too.
import type { SseEvent } from './sse.ts';
import { timedJson, type JsonResult } from './timed-json.ts';
import { timedStream, type StreamProtocol, type StreamResult } from './timed-stream.ts';
import { MAX_REPLY_TOKENS } from '../../worker/chat/limits.ts';

/** What Parley sends for its default model: `anthropic/claude-sonnet-5-5` with MAX_REPLY_TOKENS (worker/chat/limits.ts). */
export const DIRECT_MODEL = 'claude-sonnet-5-5';
export const PARLEY_MAX_REPLY_TOKENS = MAX_REPLY_TOKENS;
/**
 * The max_tokens of the not-streamed pair, on both sides: Anthropic's SDK sends a request
 * unstreamed only when its max_tokens could be written within ten minutes (up to 21,333), so a
 * client that does not stream asks for less than MAX_REPLY_TOKENS (Anthropic's examples ask 1,024).
 */
export const WHOLE_MAX_TOKENS = 1024;

const anthropicProtocol: StreamProtocol = {
  text: (event) => {
    if (event.event !== 'content_block_delta') return undefined;
    const delta = (JSON.parse(event.data) as { delta?: { type?: string; text?: string } }).delta;
    return delta?.type === 'text_delta' ? delta.text : undefined;
  },
  done: (event) =>
    event.event === 'message_delta'
      ? (JSON.parse(event.data) as { delta: { stop_reason: string } }).delta.stop_reason
      : undefined,
  error: (event: SseEvent) => (event.event === 'error' ? event.data : undefined),
};

/** The function the /v1 bench's tools round offers (never called: tool_choice none), in each API's shape. */
export const BENCH_TOOL = {
  name: 'get_weather',
  description: 'The weather now in a city',
  parameters: {
    type: 'object',
    properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['celsius', 'fahrenheit'] } },
    required: ['city'],
  },
};

const messagesRequest = (content: string, stream: boolean, tools = false): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', 'x-api-key': 'bench', 'anthropic-version': '2023-06-01' },
  body: JSON.stringify({
    model: DIRECT_MODEL,
    max_tokens: stream ? PARLEY_MAX_REPLY_TOKENS : WHOLE_MAX_TOKENS,
    messages: [{ role: 'user', content }],
    stream,
    ...(tools
      ? {
          tools: [{ name: BENCH_TOOL.name, description: BENCH_TOOL.description, input_schema: BENCH_TOOL.parameters }],
          tool_choice: { type: 'none' },
        }
      : {}),
  }),
});

/** POST {fake}/anthropic/v1/messages with `stream: true` (and, with `tools`, the bench's tool offered), read to the end. */
export function sendDirect(fakeUrl: string, content: string, tools = false): Promise<StreamResult> {
  return timedStream(`${fakeUrl}/anthropic/v1/messages`, messagesRequest(content, true, tools), anthropicProtocol);
}

/** The same request with `stream: false` (and WHOLE_MAX_TOKENS): one Messages JSON. */
export function completeDirect(fakeUrl: string, content: string): Promise<JsonResult> {
  return timedJson(`${fakeUrl}/anthropic/v1/messages`, messagesRequest(content, false), (body) => {
    const blocks = (body as { content?: { type?: string; text?: string }[] }).content;
    return blocks
      ?.filter((b) => b.type === 'text')
      .map((b) => b.text ?? '')
      .join('');
  });
}
