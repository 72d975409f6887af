// Anthropic's Messages API request (`POST /v1/messages`), as Parley accepts it, so that
// @anthropic-ai/sdk and the tools built on it (Claude Code among them) work unmodified with a Parley
// key, for Claude models and, translated, for the others. Supported: model, max_tokens, messages
// (text, image, document (base64 PDF), tool_use and tool_result blocks), system (text or text blocks), stop_sequences,
// temperature, top_p, stream, tools (custom tools), tool_choice, metadata, output_config.format.
// What would change the answer and cannot be honoured on every model (extended thinking, top_k,
// server tools, documents other than base64 PDFs) is refused by name; an unknown field is refused as
// Anthropic refuses it.
import * as z from 'zod';
import { AppError } from '../errors.ts';
import type { ModelInfo } from '../providers/registry.ts';
import type { ChatMessage, ImageSource, ResponseFormat, Tools, UserPart } from '../providers/types.ts';
import { checkImages, imageFromBase64, imageFromUrl } from '../chat/images.ts';
import { checkDocuments, pdfFromBase64 } from '../chat/documents.ts';
import type { CompletionRequest } from '../openai/request.ts';

const textBlock = z.looseObject({ type: z.literal('text'), text: z.string() });
const block = z.looseObject({ type: z.string() });
const content = z.union([z.string(), z.array(block)]);
const toolName = z
  .string()
  .regex(/^[a-zA-Z0-9_-]{1,64}$/, 'a tool name is 1 to 64 letters, digits, underscores or dashes');

export const messagesBody = z.strictObject({
  model: z
    .string()
    .min(1)
    .describe('A Parley model id (GET /v1/models), or a Claude model name such as claude-sonnet-5-5'),
  max_tokens: z.number().int().min(1),
  messages: z.array(z.looseObject({ role: z.enum(['user', 'assistant']), content })).min(1),
  system: z.union([z.string(), z.array(textBlock)]).optional(),
  stop_sequences: z.array(z.string()).optional(),
  temperature: z.number().min(0).max(1).optional(),
  top_p: z.number().min(0).max(1).optional(),
  stream: z.boolean().optional(),
  metadata: z.looseObject({ user_id: z.string().nullish() }).optional(),
  service_tier: z.string().optional(),
  tools: z
    .array(
      z.looseObject({
        name: toolName,
        description: z.string().optional(),
        input_schema: z.looseObject({ type: z.literal('object') }),
        type: z.literal('custom', 'only custom tools (name, description, input_schema) are supported').optional(),
      }),
    )
    .optional(),
  tool_choice: z
    .looseObject({
      type: z.enum(['auto', 'any', 'tool', 'none']),
      name: toolName.optional(),
      disable_parallel_tool_use: z.boolean().optional(),
    })
    .optional(),
  output_config: z
    .looseObject({
      format: z.looseObject({ type: z.literal('json_schema'), schema: z.record(z.string(), z.unknown()) }).optional(),
    })
    .optional(),
  thinking: z
    .unknown()
    .refine(() => false, "thinking (extended thinking) is not supported by Parley's API")
    .optional(),
  top_k: z
    .unknown()
    .refine(() => false, 'top_k is not supported by every model Parley offers')
    .optional(),
  container: z
    .unknown()
    .refine(() => false, 'container is not supported by Parley')
    .optional(),
  mcp_servers: z
    .unknown()
    .refine(() => false, 'mcp_servers is not supported by Parley')
    .optional(),
});
export type MessagesBody = z.infer<typeof messagesBody>;

const invalid = (message: string) => new AppError(400, 'invalid_request', message);

/** What a Messages request asks Parley for, in the terms every vendor adapter takes. */
export function toMessagesRequest(body: MessagesBody, model: ModelInfo): CompletionRequest {
  if (body.max_tokens > model.maxOutputTokens)
    throw invalid(
      `max_tokens: ${body.max_tokens} > ${model.maxOutputTokens}, which is the maximum allowed number of output tokens for ${model.id}`,
    );
  const messages = toMessages(body.messages);
  if (messages[0]?.role !== 'user') throw invalid('messages: the first message must use the "user" role');
  checkImages(model, messages, 'messages');
  checkDocuments(model, messages, 'messages');
  const system = typeof body.system === 'string' ? body.system : body.system?.map((b) => b.text).join('\n\n');
  const tools = toTools(body);
  const format = body.output_config?.format;
  const responseFormat: ResponseFormat | undefined = format
    ? { type: 'json_schema', name: 'output', schema: format.schema, strict: true }
    : undefined;
  return {
    ...(system ? { system } : {}),
    messages,
    sampling: {
      ...(body.temperature !== undefined ? { temperature: body.temperature } : {}),
      ...(body.top_p !== undefined ? { topP: body.top_p } : {}),
      ...(body.stop_sequences?.length ? { stop: body.stop_sequences } : {}),
    },
    ...(tools ? { tools } : {}),
    ...(responseFormat ? { responseFormat } : {}),
    maxOutputTokens: body.max_tokens,
    stream: body.stream === true,
    includeUsage: true,
  };
}

/**
 * Anthropic's turns as Parley's: a user turn's tool_result blocks become `tool` turns (each must
 * answer a tool_use of the assistant turn before it, as Anthropic requires), its text a user turn;
 * an assistant turn's tool_use blocks become its tool calls.
 */
function toMessages(input: MessagesBody['messages']): ChatMessage[] {
  const out: ChatMessage[] = [];
  let open = new Set<string>();
  input.forEach((message, i) => {
    const blocks = typeof message.content === 'string' ? [{ type: 'text', text: message.content }] : message.content;
    const texts: string[] = [];
    if (message.role === 'assistant') {
      const toolCalls = blocks.flatMap((b, j) => {
        if (b.type === 'text') texts.push(String(b.text ?? ''));
        else if (b.type === 'tool_use') {
          const { id, name, input: args } = b as { id?: unknown; name?: unknown; input?: unknown };
          if (typeof id !== 'string' || typeof name !== 'string')
            throw invalid(`messages.${i}.content.${j}: a tool_use block needs an id and a name`);
          return [{ id, name, arguments: JSON.stringify(args ?? {}) }];
        } else if (b.type !== 'thinking' && b.type !== 'redacted_thinking') throw unsupportedBlock(i, j, b.type);
        return [];
      });
      open = new Set(toolCalls.map((call) => call.id));
      out.push({ role: 'assistant', content: texts.join(''), ...(toolCalls.length ? { toolCalls } : {}) });
      return;
    }
    const parts: UserPart[] = [];
    blocks.forEach((b, j) => {
      if (b.type === 'text') {
        texts.push(String(b.text ?? ''));
        parts.push({ type: 'text', text: String(b.text ?? '') });
      } else if (b.type === 'image') parts.push({ type: 'image', source: imageBlock(b, `messages.${i}.content.${j}`) });
      else if (b.type === 'document') parts.push(documentBlock(b, `messages.${i}.content.${j}`));
      else if (b.type === 'tool_result') {
        const {
          tool_use_id: id,
          content: result,
          is_error: isError,
        } = b as {
          tool_use_id?: unknown;
          content?: unknown;
          is_error?: unknown;
        };
        if (typeof id !== 'string' || !open.delete(id))
          throw invalid(
            `messages.${i}.content.${j}: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${String(id)}. Each \`tool_result\` block must have a corresponding \`tool_use\` block in the previous message.`,
          );
        const text = resultText(result, i, j);
        out.push({ role: 'tool', toolCallId: id, content: isError === true ? `Error: ${text}` : text });
      } else throw unsupportedBlock(i, j, b.type);
    });
    if (open.size > 0)
      throw invalid(
        `messages.${i}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${[...open].join(', ')}. Each \`tool_use\` block must have a corresponding \`tool_result\` block in the next message.`,
      );
    const images = parts.some((p) => p.type !== 'text');
    if (texts.length > 0 || images) out.push({ role: 'user', content: texts.join('\n'), ...(images ? { parts } : {}) });
  });
  return out;
}

/** An image block's source: base64 bytes with their media type, or a URL. */
function imageBlock(block: { type: string }, at: string): ImageSource {
  const source = (block as { source?: { type?: unknown; media_type?: unknown; data?: unknown; url?: unknown } }).source;
  if (source?.type === 'base64' && typeof source.media_type === 'string' && typeof source.data === 'string')
    return imageFromBase64(source.media_type, source.data, `${at}.source`);
  if (source?.type === 'url' && typeof source.url === 'string') return imageFromUrl(source.url, `${at}.source.url`);
  throw invalid(`${at}.source: an image source is {type: "base64", media_type, data} or {type: "url", url}`);
}

/**
 * A document block with a base64 PDF source, as Anthropic's PDF support guide sends one:
 * `{type: 'document', source: {type: 'base64', media_type: 'application/pdf', data}, title?}`.
 * Text, URL and file sources are not taken (Parley does not fetch or hold them).
 */
function documentBlock(block: { type: string }, at: string): UserPart {
  const { source, title } = block as {
    source?: { type?: unknown; media_type?: unknown; data?: unknown };
    title?: unknown;
  };
  if (source?.type !== 'base64' || source.media_type !== 'application/pdf' || typeof source.data !== 'string')
    throw invalid(`${at}.source: a document source is {type: "base64", media_type: "application/pdf", data}`);
  return pdfFromBase64(source.data, typeof title === 'string' && title ? title : 'document.pdf', `${at}.source`);
}

function resultText(result: unknown, i: number, j: number): string {
  if (result === undefined) return '';
  if (typeof result === 'string') return result;
  if (Array.isArray(result))
    return result
      .map((part: { type?: unknown; text?: unknown }, k) => {
        if (part?.type === 'text' && typeof part.text === 'string') return part.text;
        throw unsupportedBlock(i, j, `${String(part?.type)} (in tool_result content ${k})`);
      })
      .join('\n');
  throw invalid(`messages.${i}.content.${j}.content: a string or text blocks`);
}

function unsupportedBlock(i: number, j: number, type: string) {
  return invalid(
    `messages.${i}.content.${j}: ${type} blocks are not supported by Parley's API (text, image, document, tool_use and tool_result are)`,
  );
}

function toTools(body: MessagesBody): Tools | undefined {
  const offered = body.tools ?? [];
  const choice = body.tool_choice;
  if (offered.length === 0) {
    if (choice && choice.type !== 'none' && choice.type !== 'auto')
      throw invalid('tool_choice: a tool must be offered in `tools` for tool_choice to require one');
    return undefined;
  }
  const names = new Set(offered.map((t) => t.name));
  if (names.size !== offered.length) throw invalid('tools: tool names must be unique');
  if (choice?.type === 'tool' && (!choice.name || !names.has(choice.name)))
    throw invalid(`tool_choice.name: '${choice.name ?? ''}' is not one of the tools offered`);
  return {
    definitions: offered.map((t) => ({
      name: t.name,
      ...(t.description ? { description: t.description } : {}),
      parameters: t.input_schema,
    })),
    ...(choice
      ? {
          choice: choice.type === 'any' ? 'required' : choice.type === 'tool' ? { name: choice.name! } : choice.type,
        }
      : {}),
    ...(choice?.disable_parallel_tool_use ? { parallel: false } : {}),
  };
}
