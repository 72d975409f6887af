// Parley's reply in the Responses API's shapes: a `response` object (a message item with its
// output_text, and a function_call item per tool call), and its streamed events, each with a
// sequence_number, as OpenAI documents them: response.created … output_item.added,
// content_part.added, output_text.delta … done, function_call_arguments.delta … done,
// output_item.done … response.completed. The SDK's ResponseStream rebuilds the response from them.
import type { CompletionWriter } from '../chat/completion-stream.ts';
import type { ReplyOutcome } from '../chat/outcome.ts';
import { openAiError } from './errors.ts';
import { concatBytes } from '../bytes.ts';
import type { ResponsesBody } from './responses-request.ts';

const compact = (id: string) => id.replaceAll('-', '');

/** What a response echoes of its request, as OpenAI's does. */
export function requestEcho(body: ResponsesBody) {
  return {
    instructions: body.instructions ?? null,
    max_output_tokens: body.max_output_tokens ?? null,
    metadata: body.metadata ?? {},
    parallel_tool_calls: body.parallel_tool_calls ?? true,
    temperature: body.temperature ?? null,
    top_p: body.top_p ?? null,
    tool_choice: body.tool_choice ?? 'auto',
    tools: (body.tools ?? []).map((t) => ({
      type: 'function' as const,
      name: t.name,
      description: t.description ?? null,
      parameters: t.parameters ?? null,
      strict: t.strict ?? null,
    })),
    text: { format: body.text?.format ?? { type: 'text' as const } },
    store: false,
    truncation: 'disabled' as const,
    user: body.user ?? null,
    previous_response_id: null,
    reasoning: null,
    error: null,
  };
}
type Echo = ReturnType<typeof requestEcho>;

function usageOf(outcome: ReplyOutcome) {
  return {
    input_tokens: outcome.inputTokens,
    input_tokens_details: { cached_tokens: outcome.cachedTokens },
    output_tokens: outcome.outputTokens,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: outcome.inputTokens + outcome.outputTokens,
    cost: Number(outcome.costUsd),
  };
}

const messageItem = (id: string, text: string, status: 'in_progress' | 'completed') => ({
  type: 'message' as const,
  id: `msg_${compact(id)}`,
  status,
  role: 'assistant' as const,
  content: status === 'completed' ? [{ type: 'output_text' as const, text, annotations: [] }] : [],
});
const callItem = (call: { id: string; name: string; arguments: string }, status: 'in_progress' | 'completed') => ({
  type: 'function_call' as const,
  id: `fc_${call.id}`,
  call_id: call.id,
  name: call.name,
  arguments: call.arguments,
  status,
});

/** The output items of a reply: its text as a message, then one function_call per tool call. */
function outputOf(id: string, outcome: ReplyOutcome) {
  return [
    ...(outcome.content || !outcome.toolCalls?.length ? [messageItem(id, outcome.content, 'completed')] : []),
    ...(outcome.toolCalls ?? []).map((call) => callItem(call, 'completed')),
  ];
}

/** A reply cut at a token limit (max_output_tokens or the quota) is `incomplete`, as OpenAI's are. */
function statusOf(outcome: ReplyOutcome) {
  const cut = outcome.stopReason === 'max_tokens' || outcome.stopReason === 'quota';
  return {
    status: cut ? ('incomplete' as const) : ('completed' as const),
    incomplete_details: cut ? { reason: 'max_output_tokens' as const } : null,
  };
}

export function responseBody(id: string, created: number, model: string, echo: Echo, outcome: ReplyOutcome) {
  return {
    id: `resp_${compact(id)}`,
    object: 'response' as const,
    created_at: created,
    model,
    ...statusOf(outcome),
    output: outputOf(id, outcome),
    usage: usageOf(outcome),
    ...echo,
  };
}

const encoder = new TextEncoder();

/** The events of one streamed response. */
export function responseEventWriter(id: string, created: number, model: string, echo: Echo): CompletionWriter {
  let sequence = 0;
  const out: Uint8Array[] = [];
  const event = (type: string, data: object) =>
    out.push(
      encoder.encode(`event: ${type}\ndata: ${JSON.stringify({ type, ...data, sequence_number: sequence++ })}\n\n`),
    );
  const shell = (status: 'in_progress') => ({
    id: `resp_${compact(id)}`,
    object: 'response',
    created_at: created,
    model,
    status,
    incomplete_details: null,
    output: [],
    usage: null,
    ...echo,
  });
  let started = false;
  /** The output item open now: the message (its text so far) or a function call. */
  let open:
    | { kind: 'text'; index: number; text: string }
    | { kind: 'call'; index: number; call: number; id: string; name: string; arguments: string }
    | undefined;
  let items = 0;
  const start = () => {
    if (started) return;
    started = true;
    event('response.created', { response: shell('in_progress') });
    event('response.in_progress', { response: shell('in_progress') });
  };
  const close = () => {
    if (!open) return;
    if (open.kind === 'text') {
      const itemId = `msg_${compact(id)}`;
      const part = { type: 'output_text', text: open.text, annotations: [] };
      event('response.output_text.done', {
        item_id: itemId,
        output_index: open.index,
        content_index: 0,
        text: open.text,
        logprobs: [],
      });
      event('response.content_part.done', { item_id: itemId, output_index: open.index, content_index: 0, part });
      event('response.output_item.done', { output_index: open.index, item: messageItem(id, open.text, 'completed') });
    } else {
      const call = { id: open.id, name: open.name, arguments: open.arguments };
      event('response.function_call_arguments.done', {
        item_id: `fc_${open.id}`,
        output_index: open.index,
        arguments: open.arguments,
      });
      event('response.output_item.done', { output_index: open.index, item: callItem(call, 'completed') });
    }
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
        open = { kind: 'text', index: items++, text: '' };
        event('response.output_item.added', { output_index: open.index, item: messageItem(id, '', 'in_progress') });
        event('response.content_part.added', {
          item_id: `msg_${compact(id)}`,
          output_index: open.index,
          content_index: 0,
          part: { type: 'output_text', text: '', annotations: [] },
        });
      }
      open.text += text;
      event('response.output_text.delta', {
        item_id: `msg_${compact(id)}`,
        output_index: open.index,
        content_index: 0,
        delta: text,
        logprobs: [],
      });
      return flush();
    },
    toolCall(part) {
      start();
      if (open?.kind !== 'call' || open.call !== part.index) {
        close();
        open = {
          kind: 'call',
          index: items++,
          call: part.index,
          id: part.id ?? `call_${compact(crypto.randomUUID())}`,
          name: part.name ?? '',
          arguments: '',
        };
        event('response.output_item.added', {
          output_index: open.index,
          item: callItem({ id: open.id, name: open.name, arguments: '' }, 'in_progress'),
        });
      }
      if (part.arguments) {
        open.arguments += part.arguments;
        event('response.function_call_arguments.delta', {
          item_id: `fc_${open.id}`,
          output_index: open.index,
          delta: part.arguments,
        });
      }
      return flush();
    },
    end(outcome) {
      start();
      close();
      const final = responseBody(id, created, model, echo, outcome);
      event(final.status === 'completed' ? 'response.completed' : 'response.incomplete', { response: final });
      return [flush()];
    },
    fail(error) {
      const { body } = openAiError(error);
      event('error', { code: body.error.code, message: body.error.message, param: body.error.param });
      return flush();
    },
  };
}
