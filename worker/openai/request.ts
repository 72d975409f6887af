// OpenAI's Chat Completions request, as Parley accepts it. Supported: model, messages (system,
// developer, user, assistant with tool_calls, tool; string or text-part content), tools (functions),
// tool_choice, parallel_tool_calls, response_format (text, json_object, json_schema), stream,
// stream_options.include_usage, max_tokens / max_completion_tokens, temperature, top_p, stop, user.
// Fields that would change the answer in a way Parley cannot honour on every vendor (n > 1,
// images, logprobs, penalties…) are refused by name unless they hold their default; a field OpenAI
// does not know either is refused as OpenAI refuses it. Nothing is silently ignored that would
// change the reply.
import * as z from 'zod';
import { AppError } from '../errors.ts';
import { MAX_REPLY_TOKENS } from '../chat/limits.ts';
import { findModel, type ModelInfo } from '../providers/registry.ts';
import type { ChatMessage, ResponseFormat, Sampling, ToolCall, Tools, UserPart } from '../providers/types.ts';
import { checkImages, imageFromUrl } from '../chat/images.ts';
import { checkDocuments, pdfFromDataUrl } from '../chat/documents.ts';

const unsupported = (what: string) => z.unknown().refine(() => false, `${what} is not supported by Parley's API`);
const onlyDefault = <T extends z.ZodType>(schema: T, isDefault: (value: z.infer<T>) => boolean, why: string) =>
  schema.refine(isDefault, why);

const part = z.looseObject({ type: z.string(), text: z.string().optional() });
/** Function names as every vendor accepts them (OpenAI's own rule). */
const functionName = z
  .string()
  .regex(/^[a-zA-Z0-9_-]{1,64}$/, 'a function name is 1 to 64 letters, digits, underscores or dashes');
const toolCall = z.looseObject({
  id: z.string().min(1),
  type: z.literal('function'),
  function: z.looseObject({ name: functionName, arguments: z.string() }),
});
const message = z.looseObject({
  role: z.enum(['system', 'developer', 'user', 'assistant', 'tool', 'function']),
  content: z.union([z.string(), z.array(part)]).nullish(),
  name: z.string().optional(),
  tool_calls: z.array(toolCall).nullish(),
  tool_call_id: z.string().min(1).optional(),
});
const tool = z.looseObject({
  type: z.literal('function', "only function tools are supported (type: 'function')"),
  function: z.looseObject({
    name: functionName,
    description: z.string().optional(),
    parameters: z.record(z.string(), z.unknown()).optional(),
    strict: z.boolean().nullish(),
  }),
});
const toolChoice = z.union([
  z.enum(['none', 'auto', 'required']),
  z.looseObject({ type: z.literal('function'), function: z.looseObject({ name: functionName }) }),
]);
const responseFormat = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('text') }),
  z.looseObject({ type: z.literal('json_object') }),
  z.looseObject({
    type: z.literal('json_schema'),
    json_schema: z.looseObject({
      name: functionName,
      description: z.string().optional(),
      schema: z.record(z.string(), z.unknown()).optional(),
      strict: z.boolean().nullish(),
    }),
  }),
]);

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
  tools: z.array(tool).max(128).nullish(),
  tool_choice: toolChoice.nullish(),
  parallel_tool_calls: z.boolean().nullish(),
  response_format: responseFormat.nullish(),
  // Refused unless they hold their default.
  n: onlyDefault(z.number().int(), (n) => n === 1, 'Parley returns one choice per request: n must be 1').nullish(),
  logprobs: onlyDefault(z.boolean(), (on) => !on, "logprobs is not supported by Parley's API").nullish(),
  top_logprobs: unsupported('top_logprobs').nullish(),
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
  tools?: Tools;
  responseFormat?: ResponseFormat;
  maxOutputTokens: number;
  stream: boolean;
  includeUsage: boolean;
};

/** The model a /v1 OpenAI request names, or OpenAI's 404 naming `model`. */
export function offeredModel(env: Parameters<typeof findModel>[0], id: string): ModelInfo {
  const model = findModel(env, id);
  if (!model)
    throw new AppError(
      404,
      'model_not_found',
      `The model '${id}' does not exist or is not offered here: GET /v1/models lists them`,
      { param: 'model' },
    );
  return model;
}

const invalidParam = (param: string, message: string, code: string | null = null) =>
  new AppError(400, code ?? 'invalid_request', message, { param });

export function toCompletionRequest(body: ChatCompletionBody, model: ModelInfo): CompletionRequest {
  const system: string[] = [];
  const messages = toMessages(body.messages, system);
  if (!messages.some((m) => m.role === 'user'))
    throw invalidParam('messages', 'messages: at least one user message is required');
  const tools = toTools(body);
  checkImages(model, messages, 'messages');
  checkDocuments(model, messages, 'messages');

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
    ...(tools ? { tools } : {}),
    ...(body.response_format && body.response_format.type !== 'text'
      ? { responseFormat: checkFormat(model, toResponseFormat(body.response_format), 'response_format') }
      : {}),
    maxOutputTokens: asked ?? Math.min(MAX_REPLY_TOKENS, model.maxOutputTokens),
    stream: body.stream === true,
    includeUsage: body.stream_options?.include_usage === true,
  };
}

/**
 * The turns, with system and developer text moved to `system`. Every assistant tool call must be
 * answered by a `tool` message before the next turn, and every `tool` message must answer a call
 * of the assistant turn before it, as OpenAI (and Anthropic and Gemini after it) require.
 */
function toMessages(input: ChatCompletionBody['messages'], system: string[]): ChatMessage[] {
  const messages: ChatMessage[] = [];
  let awaiting = new Map<string, number>();
  const unanswered = (at: string) => {
    if (awaiting.size === 0) return;
    const [id, index] = [...awaiting][0]!;
    throw invalidParam(
      `messages[${index}].tool_calls`,
      `An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: ${id} (before ${at})`,
    );
  };
  input.forEach((m, i) => {
    const at = `messages[${i}]`;
    if (m.role === 'function')
      throw invalidParam(
        `${at}.role`,
        `${at}: function messages are the deprecated form: send role "tool" with a tool_call_id`,
      );
    if (m.role === 'tool') {
      const id = m.tool_call_id;
      if (!id) throw invalidParam(`${at}.tool_call_id`, `${at}.tool_call_id: required for a tool message`);
      if (!awaiting.delete(id))
        throw invalidParam(
          `${at}.tool_call_id`,
          `${at}: a tool message must answer a tool call of the assistant message before it; '${id}' is none of them`,
        );
      messages.push({ role: 'tool', toolCallId: id, content: contentText(m.content, at, { empty: true }) });
      return;
    }
    unanswered(at);
    if (m.role === 'assistant' && m.tool_calls?.length) {
      const toolCalls: ToolCall[] = m.tool_calls.map((call) => ({
        id: call.id,
        name: call.function.name,
        arguments: call.function.arguments,
      }));
      awaiting = new Map(toolCalls.map((call) => [call.id, i]));
      messages.push({ role: 'assistant', content: contentText(m.content, at, { empty: true }), toolCalls });
      return;
    }
    if (m.role === 'user') {
      messages.push(userTurn(m.content, at));
      return;
    }
    const text = contentText(m.content, at);
    if (m.role === 'system' || m.role === 'developer') system.push(text);
    else messages.push({ role: m.role, content: text });
  });
  unanswered('the end of messages');
  return messages;
}

/** The tools offered, checked: unique names, object parameters, and a tool_choice that names one of them. */
function toTools(body: ChatCompletionBody): Tools | undefined {
  const offered = body.tools ?? [];
  const choice = body.tool_choice;
  if (offered.length === 0) {
    if (choice != null && choice !== 'none')
      throw invalidParam('tool_choice', "tool_choice is only allowed when 'tools' are specified");
    return undefined;
  }
  const names = new Set<string>();
  const definitions = offered.map((t, i) => {
    const { name, description, parameters } = t.function;
    if (names.has(name))
      throw invalidParam(`tools[${i}].function.name`, `tools: the function name '${name}' is used twice`);
    names.add(name);
    if (parameters && parameters.type !== undefined && parameters.type !== 'object')
      throw invalidParam(
        `tools[${i}].function.parameters`,
        `tools[${i}].function.parameters: a function's parameters are a JSON Schema of type "object"`,
      );
    return {
      name,
      ...(description ? { description } : {}),
      parameters: { type: 'object', properties: {}, ...parameters },
    };
  });
  if (typeof choice === 'object' && choice !== null && !names.has(choice.function.name))
    throw invalidParam(
      'tool_choice',
      `tool_choice names the function '${choice.function.name}', which is not among the tools`,
    );
  return {
    definitions,
    ...(choice == null ? {} : { choice: typeof choice === 'string' ? choice : { name: choice.function.name } }),
    ...(body.parallel_tool_calls != null ? { parallel: body.parallel_tool_calls } : {}),
  };
}

/**
 * Refuses a format the model cannot honour: Claude has no JSON mode without a schema (its
 * structured outputs take a JSON Schema, every object closed), so json_object is a 400 there.
 */
export function checkFormat(model: ModelInfo, format: ResponseFormat, param: string): ResponseFormat {
  if (format.type === 'json_object' && model.provider === 'anthropic')
    throw invalidParam(
      param,
      `${param}: ${model.id} has no JSON mode without a schema: send json_schema with the schema the JSON must follow`,
    );
  return format;
}

function toResponseFormat(
  format: Exclude<NonNullable<ChatCompletionBody['response_format']>, { type: 'text' }>,
): ResponseFormat {
  if (format.type === 'json_object') return { type: 'json_object' };
  const { name, description, schema, strict } = format.json_schema;
  if (!schema)
    throw invalidParam(
      'response_format.json_schema.schema',
      'response_format.json_schema.schema: a JSON Schema is required',
    );
  return {
    type: 'json_schema',
    name,
    ...(description ? { description } : {}),
    schema,
    ...(strict != null ? { strict } : {}),
  };
}

/**
 * A user turn: its text, and its parts in order when it has images (`image_url`: https or data: URLs)
 * or PDFs (`file` parts as OpenAI's file inputs guide sends them: `{type: 'file', file: {filename,
 * file_data: 'data:application/pdf;base64,…'}}`; a `file_id` names a file uploaded to OpenAI, which
 * Parley does not hold).
 */
function userTurn(content: z.infer<typeof message>['content'], at: string): ChatMessage {
  if (!Array.isArray(content) || !content.some((p) => p.type === 'image_url' || p.type === 'file'))
    return { role: 'user', content: contentText(content, at) };
  const parts = content.map((p, j): UserPart => {
    const where = `${at}.content[${j}]`;
    if (p.type === 'text' && typeof p.text === 'string') return { type: 'text', text: p.text };
    if (p.type === 'image_url') {
      const url = (p as { image_url?: { url?: unknown } }).image_url?.url;
      if (typeof url !== 'string') throw invalidParam(`${where}.image_url.url`, `${where}.image_url.url: required`);
      return { type: 'image', source: imageFromUrl(url, `${where}.image_url.url`) };
    }
    if (p.type === 'file') return filePart(p, where);
    return { type: 'text', text: contentText([p], at) };
  });
  return {
    role: 'user',
    content: parts.flatMap((p) => (p.type === 'text' ? [p.text] : [])).join('\n'),
    parts,
  };
}

function filePart(p: { type: string }, where: string): UserPart {
  const file = (p as { file?: { file_data?: unknown; filename?: unknown; file_id?: unknown } }).file;
  if (typeof file?.file_data !== 'string')
    throw invalidParam(
      `${where}.file.file_data`,
      file?.file_id !== undefined
        ? `${where}.file.file_id: files uploaded to OpenAI are not taken here: send the PDF as file_data, a data:application/pdf;base64 URL`
        : `${where}.file.file_data: required (a data:application/pdf;base64 URL)`,
    );
  const name = typeof file.filename === 'string' && file.filename ? file.filename : 'document.pdf';
  return pdfFromDataUrl(file.file_data, name, `${where}.file.file_data`);
}

function contentText(
  content: z.infer<typeof message>['content'],
  at: string,
  options: { empty?: boolean } = {},
): string {
  if (content == null) {
    if (options.empty) return '';
    throw invalidParam(`${at}.content`, `${at}.content: required`);
  }
  if (typeof content === 'string') return content;
  return content
    .map((p, j) => {
      if (p.type === 'text' && typeof p.text === 'string') return p.text;
      const what =
        p.type === 'image_url'
          ? 'images are only taken in user messages, and'
          : p.type === 'input_audio'
            ? 'audio is'
            : p.type === 'file'
              ? 'files are'
              : `"${p.type}" parts are`;
      throw invalidParam(`${at}.content[${j}]`, `${at}.content[${j}]: ${what} not supported: Parley's API takes text`);
    })
    .join('\n');
}
