// Response schemas of Anthropic's Messages API at /v1/messages, in the shapes
// worker/anthropic-api/response.ts and errors.ts build; the OpenAPI document is generated from
// these. The request schema is `messagesBody` in worker/anthropic-api/request.ts.
import * as z from 'zod';

export const anthropicErrorSchema = z.object({
  type: z.literal('error'),
  error: z.object({
    type: z
      .string()
      .describe(
        'invalid_request_error, authentication_error, billing_error, permission_error, not_found_error, request_too_large, rate_limit_error, api_error, timeout_error or overloaded_error',
      ),
    message: z.string(),
  }),
});

export const anthropicMessageSchema = z.object({
  id: z.string().describe('msg_…'),
  type: z.literal('message'),
  role: z.literal('assistant'),
  model: z.string().describe('The model as the request named it'),
  content: z.array(
    z.union([
      z.object({ type: z.literal('text'), text: z.string() }),
      z.object({
        type: z.literal('tool_use'),
        id: z.string(),
        name: z.string(),
        input: z.record(z.string(), z.unknown()),
      }),
    ]),
  ),
  stop_reason: z.enum(['end_turn', 'max_tokens', 'stop_sequence', 'tool_use', 'refusal']),
  stop_sequence: z.null(),
  usage: z.object({
    input_tokens: z.number().int(),
    cache_creation_input_tokens: z.number().int(),
    cache_read_input_tokens: z.number().int(),
    output_tokens: z.number().int(),
  }),
});

export const countTokensSchema = z.object({ input_tokens: z.number().int() });
