// Parley's OpenAI-compatible API as the bench uses it: an API key made through POST /api/keys,
// and POST /v1/chat/completions streamed (`chat.completion.chunk` events) or not (`chat.completion`).
import { BENCH_TOOL, DIRECT_MODEL, WHOLE_MAX_TOKENS } from './direct.ts';
import type { Parley } from './parley.ts';
import type { SseEvent } from './sse.ts';
import { timedJson, type JsonResult } from './timed-json.ts';
import { timedStream, type StreamProtocol, type StreamResult } from './timed-stream.ts';

type Chunk = { choices?: { delta?: { content?: string }; finish_reason?: string | null }[]; error?: unknown };

const chunk = (event: SseEvent): Chunk | undefined =>
  event.data === '[DONE]' ? undefined : (JSON.parse(event.data) as Chunk);

/** OpenAI's chunks: a token is a chunk whose delta carries content. */
const openAiProtocol: StreamProtocol = {
  text: (event) => {
    const content = chunk(event)?.choices?.[0]?.delta?.content;
    return content ? content : undefined;
  },
  done: (event) => chunk(event)?.choices?.[0]?.finish_reason ?? undefined,
  error: (event) => (chunk(event)?.error ? event.data : undefined),
};

/** A new key for the signed-in user (its secret, `sk-parley-…`). */
export async function createApiKey(parley: Parley, name: string): Promise<string> {
  const res = await fetch(`${parley.url}/api/keys`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${parley.token}` },
    body: JSON.stringify({ name }),
  });
  if (res.status !== 201) throw new Error(`creating an API key failed: HTTP ${res.status} ${await res.text()}`);
  return ((await res.json()) as { key: string }).key;
}

/** The model the direct requests name, so Parley makes the same vendor request the direct side makes. */
export const V1_MODEL = `anthropic/${DIRECT_MODEL}`;

/** Parley's URL and the bench user's API key. */
export type V1 = { url: string; key: string };

/** The plan the key's owner is on, as the owner's Limiter holds it (GET /api/me with the key): it sets every subject's bucket, the key's too. */
export async function keyPlan(
  v1: V1,
): Promise<{ requestsPerMinute: number; concurrentStreams: number; monthlyTokens: number | null }> {
  const res = await fetch(`${v1.url}/api/me`, { headers: { authorization: `Bearer ${v1.key}` } });
  if (!res.ok) throw new Error(`GET /api/me with the API key: HTTP ${res.status} ${await res.text()}`);
  return (
    (await res.json()) as {
      plan: { requestsPerMinute: number; concurrentStreams: number; monthlyTokens: number | null };
    }
  ).plan;
}

const completionRequest = (v1: V1, content: string, stream: boolean, tools = false): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', authorization: `Bearer ${v1.key}` },
  body: JSON.stringify({
    model: V1_MODEL,
    messages: [{ role: 'user', content }],
    ...(stream ? { stream: true, stream_options: { include_usage: true } } : { max_tokens: WHOLE_MAX_TOKENS }),
    ...(tools ? { tools: [{ type: 'function', function: BENCH_TOOL }], tool_choice: 'none' } : {}),
  }),
});

/** POST /v1/chat/completions with `stream: true` (and usage; with `tools`, the bench's tool offered), read to `[DONE]`. */
export function streamCompletion(v1: V1, content: string, tools = false): Promise<StreamResult> {
  return timedStream(`${v1.url}/v1/chat/completions`, completionRequest(v1, content, true, tools), openAiProtocol);
}

/** POST /v1/chat/completions without `stream` (max_tokens WHOLE_MAX_TOKENS): one `chat.completion`. */
export function complete(v1: V1, content: string): Promise<JsonResult> {
  return timedJson(`${v1.url}/v1/chat/completions`, completionRequest(v1, content, false), (body) => {
    const content = (body as { choices?: { message?: { content?: string | null } }[] }).choices?.[0]?.message?.content;
    return content ?? undefined;
  });
}
