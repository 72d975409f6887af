// Response schemas of the OpenAI-compatible API (/v1), in OpenAI's shapes as worker/openai/response.ts
// and worker/openai/errors.ts build them; the OpenAPI document is generated from these. The request
// schema is `chatCompletionBody` in worker/openai/request.ts, the one the route validates with.
import * as z from 'zod';

export const openAiErrorSchema = z.object({
  error: z.object({
    message: z.string(),
    type: z.string().describe('invalid_request_error, insufficient_quota, requests (a rate limit) or server_error'),
    param: z.string().nullable().describe('The request field at fault, e.g. "temperature" or "messages[0].content"'),
    code: z
      .string()
      .nullable()
      .describe(
        'e.g. invalid_api_key, model_not_found, model_not_in_plan, rate_limit_exceeded, insufficient_quota, context_length_exceeded, upstream_timeout',
      ),
  }),
});

export const openAiModelListSchema = z.object({
  object: z.literal('list'),
  data: z.array(
    z.object({
      id: z.string().describe('A Parley model id, e.g. anthropic/claude-sonnet-5-5: pass it as `model`'),
      object: z.literal('model'),
      created: z.number().int().describe('Unix seconds'),
      owned_by: z.string().describe('The provider: anthropic, openai, google or openai-compat'),
    }),
  ),
});

const finishReason = z
  .enum(['stop', 'length', 'content_filter', 'tool_calls'])
  .describe(
    'stop: the reply ended or met a stop sequence; length: max_tokens or the monthly quota cut it; content_filter: the provider withheld it; tool_calls: the model asks for the tool calls it wrote',
  );

const toolCall = z.object({
  id: z.string(),
  type: z.literal('function'),
  function: z.object({ name: z.string(), arguments: z.string().describe('JSON text, as the model wrote it') }),
});

const usage = z.object({
  prompt_tokens: z.number().int(),
  completion_tokens: z.number().int(),
  total_tokens: z.number().int(),
  prompt_tokens_details: z.object({ cached_tokens: z.number().int() }),
  cost: z.number().describe("Parley's charge for the call in US dollars, at the model's prices"),
});

const completion = {
  id: z.string().describe('chatcmpl-…, the same on every chunk of one stream'),
  created: z.number().int().describe('Unix seconds'),
  model: z.string(),
  system_fingerprint: z.null(),
};

export const chatCompletionSchema = z.object({
  ...completion,
  object: z.literal('chat.completion'),
  choices: z
    .array(
      z.object({
        index: z.number().int(),
        message: z.object({
          role: z.literal('assistant'),
          content: z.string().nullable().describe('null when the reply is only tool calls'),
          tool_calls: z.array(toolCall).optional(),
          refusal: z.null(),
        }),
        logprobs: z.null(),
        finish_reason: finishReason,
      }),
    )
    .length(1),
  usage,
});

export const chatCompletionChunkSchema = z.object({
  ...completion,
  object: z.literal('chat.completion.chunk'),
  choices: z
    .array(
      z.object({
        index: z.number().int(),
        delta: z
          .object({
            role: z.literal('assistant').optional(),
            content: z.string().nullable().optional(),
            tool_calls: z
              .array(
                z.object({
                  index: z.number().int(),
                  id: z.string().optional(),
                  type: z.literal('function').optional(),
                  function: z.object({ name: z.string().optional(), arguments: z.string() }),
                }),
              )
              .optional()
              .describe("A tool call's first part carries its id, type and name; later parts more arguments"),
          })
          .describe('The first chunk carries the role'),
        logprobs: z.null(),
        finish_reason: finishReason.nullable().describe('Set on the last chunk with a choice'),
      }),
    )
    .max(1)
    .describe('Empty on the usage chunk'),
  usage: usage
    .nullish()
    .describe(
      'With stream_options.include_usage: null on every chunk, then one last chunk without choices holds the totals',
    ),
});

export const responseObjectSchema = z
  .looseObject({
    id: z.string().describe('resp_…'),
    object: z.literal('response'),
    created_at: z.number().int(),
    model: z.string(),
    status: z.enum(['completed', 'incomplete']),
    incomplete_details: z.object({ reason: z.literal('max_output_tokens') }).nullable(),
    output: z.array(
      z.union([
        z.object({
          type: z.literal('message'),
          id: z.string(),
          status: z.literal('completed'),
          role: z.literal('assistant'),
          content: z.array(
            z.object({ type: z.literal('output_text'), text: z.string(), annotations: z.array(z.never()) }),
          ),
        }),
        z.object({
          type: z.literal('function_call'),
          id: z.string(),
          call_id: z.string(),
          name: z.string(),
          arguments: z.string(),
          status: z.literal('completed'),
        }),
      ]),
    ),
    usage: z.object({
      input_tokens: z.number().int(),
      input_tokens_details: z.object({ cached_tokens: z.number().int() }),
      output_tokens: z.number().int(),
      output_tokens_details: z.object({ reasoning_tokens: z.number().int() }),
      total_tokens: z.number().int(),
      cost: z.number().describe("Parley's charge for the call in US dollars"),
    }),
  })
  .describe(
    "A Responses API response object; the request's settings are echoed beside these fields, as OpenAI echoes them",
  );
