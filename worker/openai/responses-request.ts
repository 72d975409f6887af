// OpenAI's Responses API request (`POST /v1/responses`), stateless, as Parley accepts it: model,
// input (a string, or message, function_call and function_call_output items; text, image and PDF file parts),
// instructions, tools (functions), tool_choice, parallel_tool_calls, text.format (text, json_object,
// json_schema), max_output_tokens, temperature, top_p, stream, and metadata, user, store (false:
// Parley keeps no response). What needs a stored response (previous_response_id, store: true,
// background) or cannot be honoured on every model (reasoning, built-in tools, include) is refused
// by name.
import * as z from 'zod';
import { AppError } from '../errors.ts';
import { MAX_REPLY_TOKENS } from '../chat/limits.ts';
import { checkImages, imageFromUrl } from '../chat/images.ts';
import { checkDocuments, pdfFromDataUrl } from '../chat/documents.ts';
import type { ModelInfo } from '../providers/registry.ts';
import type { ChatMessage, ResponseFormat, ToolCall, Tools, UserPart } from '../providers/types.ts';
import { checkFormat, type CompletionRequest } from './request.ts';

const refused = (what: string) => z.unknown().refine(() => false, what);
const functionName = z
  .string()
  .regex(/^[a-zA-Z0-9_-]{1,64}$/, 'a function name is 1 to 64 letters, digits, underscores or dashes');
const part = z.looseObject({ type: z.string(), text: z.string().optional(), image_url: z.string().nullish() });
const item = z.looseObject({
  type: z.string().optional(),
  role: z.enum(['user', 'assistant', 'system', 'developer']).optional(),
  content: z.union([z.string(), z.array(part)]).optional(),
  call_id: z.string().optional(),
  name: z.string().optional(),
  arguments: z.string().optional(),
  output: z.union([z.string(), z.array(part)]).optional(),
});

export const responsesBody = z.strictObject({
  model: z.string().min(1).describe('A Parley model id from GET /v1/models'),
  input: z.union([z.string(), z.array(item).min(1)]),
  instructions: z.string().nullish(),
  tools: z
    .array(
      z.looseObject({
        type: z.literal('function', 'only function tools are supported (type: "function")'),
        name: functionName,
        description: z.string().nullish(),
        parameters: z.record(z.string(), z.unknown()).nullish(),
        strict: z.boolean().nullish(),
      }),
    )
    .nullish(),
  tool_choice: z
    .union([z.enum(['none', 'auto', 'required']), z.looseObject({ type: z.literal('function'), name: functionName })])
    .nullish(),
  parallel_tool_calls: z.boolean().nullish(),
  text: z
    .looseObject({
      format: z
        .discriminatedUnion('type', [
          z.looseObject({ type: z.literal('text') }),
          z.looseObject({ type: z.literal('json_object') }),
          z.looseObject({
            type: z.literal('json_schema'),
            name: functionName,
            schema: z.record(z.string(), z.unknown()),
            description: z.string().nullish(),
            strict: z.boolean().nullish(),
          }),
        ])
        .optional(),
    })
    .nullish(),
  max_output_tokens: z.number().int().min(1).nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  stream: z.boolean().nullish(),
  store: z.literal(false, 'Parley keeps no response: send store: false (or leave it out)').nullish(),
  metadata: z.record(z.string(), z.string()).nullish(),
  user: z.string().nullish(),
  service_tier: z.string().nullish(),
  truncation: z.literal('disabled', 'truncation must be "disabled"').nullish(),
  previous_response_id: refused(
    'previous_response_id is not supported: Parley keeps no response. Send the whole conversation in `input`',
  ).nullish(),
  background: refused('background responses are not supported').nullish(),
  reasoning: z.null('reasoning is not supported by every model Parley offers').nullish(),
  include: z.array(z.never('include is not supported')).nullish(),
});
export type ResponsesBody = z.infer<typeof responsesBody>;

const invalid = (param: string, message: string) => new AppError(400, 'invalid_request', message, { param });

export function toResponsesRequest(body: ResponsesBody, model: ModelInfo): CompletionRequest {
  const system: string[] = body.instructions ? [body.instructions] : [];
  const messages = toMessages(body.input, system);
  if (!messages.some((m) => m.role === 'user')) throw invalid('input', 'input: at least one user message is required');
  checkImages(model, messages, 'input');
  checkDocuments(model, messages, 'input');
  if (body.max_output_tokens != null && body.max_output_tokens > model.maxOutputTokens)
    throw invalid(
      'max_output_tokens',
      `max_output_tokens is too large: ${model.id} supports at most ${model.maxOutputTokens}`,
    );
  if (model.provider === 'anthropic' && body.temperature != null && body.temperature > 1)
    throw invalid('temperature', `temperature: ${model.id} accepts 0 to 1, not ${body.temperature}`);
  const tools = toTools(body);
  const format = body.text?.format;
  const responseFormat: ResponseFormat | undefined =
    format?.type === 'json_object'
      ? { type: 'json_object' }
      : format?.type === 'json_schema'
        ? {
            type: 'json_schema',
            name: format.name,
            schema: format.schema,
            ...(format.description ? { description: format.description } : {}),
            ...(format.strict != null ? { strict: format.strict } : {}),
          }
        : undefined;
  return {
    ...(system.length ? { system: system.join('\n\n') } : {}),
    messages,
    sampling: {
      ...(body.temperature != null ? { temperature: body.temperature } : {}),
      ...(body.top_p != null ? { topP: body.top_p } : {}),
    },
    ...(tools ? { tools } : {}),
    ...(responseFormat ? { responseFormat: checkFormat(model, responseFormat, 'text.format') } : {}),
    maxOutputTokens: body.max_output_tokens ?? Math.min(MAX_REPLY_TOKENS, model.maxOutputTokens),
    stream: body.stream === true,
    includeUsage: true,
  };
}

/**
 * Input items as Parley's turns: messages (system and developer text to `system`), a model's
 * function_call items joined into one assistant turn, and function_call_output items as `tool`
 * turns, each answering a call made before it.
 */
function toMessages(input: ResponsesBody['input'], system: string[]): ChatMessage[] {
  if (typeof input === 'string') return [{ role: 'user', content: input }];
  const out: ChatMessage[] = [];
  const called = new Set<string>();
  input.forEach((entry, i) => {
    const at = `input[${i}]`;
    const type = entry.type ?? 'message';
    if (type === 'function_call') {
      if (!entry.call_id || !entry.name) throw invalid(at, `${at}: a function_call needs call_id and name`);
      const call: ToolCall = { id: entry.call_id, name: entry.name, arguments: entry.arguments ?? '{}' };
      called.add(call.id);
      const last = out.at(-1);
      if (last?.role === 'assistant') last.toolCalls = [...(last.toolCalls ?? []), call];
      else out.push({ role: 'assistant', content: '', toolCalls: [call] });
      return;
    }
    if (type === 'function_call_output') {
      if (!entry.call_id || !called.has(entry.call_id))
        throw invalid(
          `${at}.call_id`,
          `${at}: No tool call found for function call output with call_id ${entry.call_id ?? '(none)'}.`,
        );
      const output = typeof entry.output === 'string' ? entry.output : textOf(entry.output ?? [], at);
      out.push({ role: 'tool', toolCallId: entry.call_id, content: output });
      return;
    }
    if (type !== 'message' || !entry.role)
      throw invalid(`${at}.type`, `${at}: "${type}" items are not supported by Parley's API`);
    const content = entry.content ?? '';
    if (entry.role === 'system' || entry.role === 'developer')
      system.push(typeof content === 'string' ? content : textOf(content, at));
    else if (entry.role === 'assistant')
      out.push({ role: 'assistant', content: typeof content === 'string' ? content : textOf(content, at) });
    else out.push(userTurn(content, at));
  });
  return out;
}

function userTurn(content: string | z.infer<typeof part>[], at: string): ChatMessage {
  if (typeof content === 'string') return { role: 'user', content };
  if (!content.some((p) => p.type === 'input_image' || p.type === 'input_file'))
    return { role: 'user', content: textOf(content, at) };
  const parts = content.map((p, j): UserPart => {
    if (p.type === 'input_image') {
      if (typeof p.image_url !== 'string')
        throw invalid(
          `${at}.content[${j}].image_url`,
          `${at}.content[${j}]: an input_image needs an image_url (file ids are not supported)`,
        );
      return { type: 'image', source: imageFromUrl(p.image_url, `${at}.content[${j}].image_url`) };
    }
    if (p.type === 'input_file') return inputFile(p, `${at}.content[${j}]`);
    return { type: 'text', text: textOf([p], at) };
  });
  return { role: 'user', content: parts.flatMap((p) => (p.type === 'text' ? [p.text] : [])).join('\n'), parts };
}

/**
 * A PDF as OpenAI's file inputs guide sends one to the Responses API: `{type: 'input_file', filename,
 * file_data: 'data:application/pdf;base64,…'}`. File ids and URLs name files Parley does not hold.
 */
function inputFile(p: z.infer<typeof part>, at: string): UserPart {
  const { file_data: data, filename } = p as { file_data?: unknown; filename?: unknown };
  if (typeof data !== 'string')
    throw invalid(
      `${at}.file_data`,
      `${at}: an input_file needs file_data, a data:application/pdf;base64 URL (file ids and URLs are not supported)`,
    );
  return pdfFromDataUrl(data, typeof filename === 'string' && filename ? filename : 'document.pdf', `${at}.file_data`);
}

function textOf(parts: z.infer<typeof part>[], at: string): string {
  return parts
    .map((p, j) => {
      if ((p.type === 'input_text' || p.type === 'output_text' || p.type === 'text') && typeof p.text === 'string')
        return p.text;
      throw invalid(
        `${at}.content[${j}]`,
        `${at}.content[${j}]: ${p.type === 'input_image' ? 'images are only taken in user messages' : `"${p.type}" parts are not supported`}`,
      );
    })
    .join('\n');
}

function toTools(body: ResponsesBody): Tools | undefined {
  const offered = body.tools ?? [];
  const choice = body.tool_choice;
  if (offered.length === 0) {
    if (choice != null && choice !== 'none' && choice !== 'auto')
      throw invalid('tool_choice', 'tool_choice requires tools: none are offered');
    return undefined;
  }
  const names = new Set(offered.map((t) => t.name));
  if (names.size !== offered.length) throw invalid('tools', 'tools: function names must be unique');
  if (typeof choice === 'object' && choice !== null && !names.has(choice.name))
    throw invalid('tool_choice', `tool_choice names the function '${choice.name}', which is not among the tools`);
  return {
    definitions: offered.map((t) => ({
      name: t.name,
      ...(t.description ? { description: t.description } : {}),
      parameters: { type: 'object', properties: {}, ...t.parameters },
    })),
    ...(choice == null ? {} : { choice: typeof choice === 'string' ? choice : { name: choice.name } }),
    ...(body.parallel_tool_calls != null ? { parallel: body.parallel_tool_calls } : {}),
  };
}
