// OpenAI's Chat Completions request, as Parley accepts it. Supported: model, messages (system,
// developer, user, assistant; string or text-part content), stream, stream_options.include_usage,
// max_tokens / max_completion_tokens, temperature, top_p, stop, user. Fields that would change
// the answer in a way Parley cannot honour on every vendor (tools, n > 1, images, logprobs, JSON
// mode, penalties…) are refused by name unless they hold their default; a field OpenAI does not
// know either is refused as OpenAI refuses it. Nothing is silently ignored that would change the reply.
import * as z from 'zod';
import { AppError } from '../errors.ts';
import { MAX_REPLY_TOKENS } from '../chat/limits.ts';
import type { ModelInfo } from '../providers/registry.ts';
import type { ChatMessage, Sampling } from '../providers/types.ts';

const unsupported = (what: string) => z.unknown().refine(() => false, `${what} is not supported by Parley's API`);
const onlyDefault = <T extends z.ZodType>(schema: T, isDefault: (value: z.infer<T>) => boolean, why: string) =>
  schema.refine(isDefault, why);

const part = z.looseObject({ type: z.string(), text: z.string().optional() });
const message = z.looseObject({
  role: z.enum(['system', 'developer', 'user', 'assistant', 'tool', 'function']),
  content: z.union([z.string(), z.array(part)]).nullish(),
  name: z.string().optional(),
});

export const chatCompletionBody = z.strictObject({
  model: z.string().min(1).describe('A Parley model id from GET /v1/models, e.g. anthropic/claude-sonnet-5-5'),
  messages: z.array(message).min(1),
  stream: z.boolean().nullish(),
  stream_options: z
    .strictObject({ include_usage: z.boolean().optional(), include_obfuscation: z.boolean().optional() })
    .nullish(),
  max_tokens: z.number().int().min(1).nullish(),
  max_completion_tokens: z.number().int().min(1).nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  stop: z.union([z.string(), z.array(z.string()).max(4)]).nullish(),
  user: z.string().max(256).nullish().describe('Your end user, for your own records; not used by Parley'),
  // Accepted, and without effect on the reply.
  store: z.boolean().nullish(),
  metadata: z.record(z.string(), z.string()).nullish(),
  service_tier: z.string().nullish(),
  parallel_tool_calls: z.boolean().nullish(),
  // Refused unless they hold their default.
  n: onlyDefault(z.number().int(), (n) => n === 1, 'Parley returns one choice per request: n must be 1').nullish(),
  tools: onlyDefault(
    z.array(z.unknown()),
    (tools) => tools.length === 0,
    "tools (function calling) is not supported by Parley's API",
  ).nullish(),
  tool_choice: onlyDefault(
    z.unknown(),
    (choice) => choice === 'none',
    "tool_choice is not supported: Parley's API has no tools",
  ).nullish(),
  logprobs: onlyDefault(z.boolean(), (on) => !on, "logprobs is not supported by Parley's API").nullish(),
  top_logprobs: unsupported('top_logprobs').nullish(),
  response_format: onlyDefault(
    z.looseObject({ type: z.string() }),
    (format) => format.type === 'text',
    'response_format other than "text" (JSON mode, JSON schema) is not supported by Parley\'s API',
  ).nullish(),
  modalities: onlyDefault(
    z.array(z.string()),
    (m) => m.every((x) => x === 'text'),
    'Only text output is supported',
  ).nullish(),
  logit_bias: onlyDefault(
    z.record(z.string(), z.number()),
    (bias) => Object.keys(bias).length === 0,
    'logit_bias is not supported by every model Parley offers',
  ).nullish(),
  presence_penalty: onlyDefault(
    z.number(),
    (p) => p === 0,
    'presence_penalty is not supported by every model Parley offers, so it is refused rather than ignored',
  ).nullish(),
  frequency_penalty: onlyDefault(
    z.number(),
    (p) => p === 0,
    'frequency_penalty is not supported by every model Parley offers, so it is refused rather than ignored',
  ).nullish(),
  seed: unsupported('seed').nullish(),
  functions: unsupported('functions (function calling)').nullish(),
  function_call: unsupported('function_call (function calling)').nullish(),
  audio: unsupported('audio').nullish(),
  prediction: unsupported('prediction').nullish(),
  reasoning_effort: unsupported('reasoning_effort').nullish(),
  verbosity: unsupported('verbosity').nullish(),
  web_search_options: unsupported('web_search_options').nullish(),
});
export type ChatCompletionBody = z.infer<typeof chatCompletionBody>;

/** What a completion asks Parley for, once translated and checked against the model. */
export type CompletionRequest = {
  system?: string;
  messages: ChatMessage[];
  sampling: Sampling;
  maxOutputTokens: number;
  stream: boolean;
  includeUsage: boolean;
};

const invalidParam = (param: string, message: string, code: string | null = null) =>
  new AppError(400, code ?? 'invalid_request', message, { param });

export function toCompletionRequest(body: ChatCompletionBody, model: ModelInfo): CompletionRequest {
  const system: string[] = [];
  const messages: ChatMessage[] = [];
  body.messages.forEach((m, i) => {
    const at = `messages[${i}]`;
    if (m.role === 'tool' || m.role === 'function')
      throw invalidParam(`${at}.role`, `${at}: ${m.role} messages are not supported: Parley's API has no tools`);
    if (Array.isArray(m.tool_calls) && m.tool_calls.length > 0)
      throw invalidParam(`${at}.tool_calls`, `${at}.tool_calls: tool calls are not supported by Parley's API`);
    const text = contentText(m.content, at);
    if (m.role === 'system' || m.role === 'developer') system.push(text);
    else messages.push({ role: m.role, content: text });
  });
  if (messages.length === 0) throw invalidParam('messages', 'messages: at least one user message is required');

  const [limitParam, asked] =
    body.max_completion_tokens != null
      ? ['max_completion_tokens', body.max_completion_tokens]
      : ['max_tokens', body.max_tokens];
  if (asked != null && asked > model.maxOutputTokens) {
    throw invalidParam(
      limitParam,
      `${limitParam} is too large: ${asked}. ${model.id} supports at most ${model.maxOutputTokens} completion tokens`,
    );
  }
  // Claude takes a temperature up to 1; OpenAI and Gemini up to 2.
  if (model.provider === 'anthropic' && body.temperature != null && body.temperature > 1) {
    throw invalidParam('temperature', `temperature: ${model.id} accepts 0 to 1, not ${body.temperature}`);
  }
  const stop = body.stop == null ? undefined : [body.stop].flat().filter((s) => s.length > 0);
  return {
    system: system.length > 0 ? system.join('\n\n') : undefined,
    messages,
    sampling: {
      ...(body.temperature != null ? { temperature: body.temperature } : {}),
      ...(body.top_p != null ? { topP: body.top_p } : {}),
      ...(stop?.length ? { stop } : {}),
    },
    maxOutputTokens: asked ?? Math.min(MAX_REPLY_TOKENS, model.maxOutputTokens),
    stream: body.stream === true,
    includeUsage: body.stream_options?.include_usage === true,
  };
}

function contentText(content: z.infer<typeof message>['content'], at: string): string {
  if (content == null) throw invalidParam(`${at}.content`, `${at}.content: required`);
  if (typeof content === 'string') return content;
  return content
    .map((p, j) => {
      if (p.type === 'text' && typeof p.text === 'string') return p.text;
      const what =
        p.type === 'image_url'
          ? 'images are'
          : p.type === 'input_audio'
            ? 'audio is'
            : p.type === 'file'
              ? 'files are'
              : `"${p.type}" parts are`;
      throw invalidParam(`${at}.content[${j}]`, `${at}.content[${j}]: ${what} not supported: Parley's API takes text`);
    })
    .join('\n');
}
