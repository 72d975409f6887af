// Tool use and structured outputs on the fake Anthropic upstream: the checks the Messages API makes
// on `tools`, `tool_choice` and tool_use / tool_result pairs (in its wording), and the reply a model
// would give instead of the demo text: a call to an offered tool, an answer to tool results, or JSON
// for an `output_config.format` schema. anthropic.ts puts these on the wire.
import { randomBytes } from 'node:crypto';
import { argumentsFor, toolResultText } from './tool-reply.ts';

type Block = {
  type?: unknown;
  text?: unknown;
  id?: unknown;
  name?: unknown;
  input?: unknown;
  tool_use_id?: unknown;
  content?: unknown;
};
type Message = { role?: unknown; content?: unknown };
type Tool = { name: string; input_schema: unknown };
type ToolChoice = { type?: unknown; name?: unknown; disable_parallel_tool_use?: unknown };

/** The parts of a Messages API request body that tools and structured outputs read. */
export type ToolFields = { messages: Message[]; tools?: unknown; tool_choice?: unknown; output_config?: unknown };

export type ToolCall = { id: string; name: string; input: Record<string, unknown> };
/** What a reply holds in place of the demo text: tool calls, or a text of its own. */
export type Scripted = { calls: ToolCall[] } | { text: string };

// The pattern and the messages below are the API's own 400s (`invalid_request_error`).
const NAME = /^[a-zA-Z0-9_-]{1,128}$/;
const CHOICES = new Set(['auto', 'any', 'tool', 'none']);

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);
const blocks = (message: Message | undefined): Block[] =>
  Array.isArray(message?.content) ? (message.content as Block[]).filter(isObject) : [];
const toolUseIds = (message: Message | undefined): unknown[] =>
  message?.role === 'assistant' ? blocks(message).flatMap((b) => (b.type === 'tool_use' ? [b.id] : [])) : [];

/** The text of a message's content, or of a tool result's: a string, or its text blocks joined. */
export function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  // Only the text blocks: an image or a tool result between two texts adds nothing to either.
  return content
    .flatMap((block: Block) => (block?.type === 'text' && typeof block.text === 'string' ? [block.text] : []))
    .join('\n');
}

/** Why the API would refuse the request's tools, tool choice or tool turns; undefined when it would not. */
export function toolProblem(body: ToolFields): string | undefined {
  const tools = body.tools;
  if (tools !== undefined && !Array.isArray(tools)) return 'tools: Input should be a valid list';
  const names = new Set<string>();
  for (const [i, tool] of (tools ?? []).entries()) {
    if (typeof tool?.name !== 'string' || !NAME.test(tool.name))
      return `tools.${i}.custom.name: String should match pattern '^[a-zA-Z0-9_-]{1,128}$'`;
    if (!isObject(tool.input_schema)) return `tools.${i}.custom.input_schema: Field required`;
    if (names.has(tool.name)) return 'tools: Tool names must be unique.';
    names.add(tool.name);
  }
  const choice = body.tool_choice as ToolChoice | undefined;
  if (choice !== undefined && !(isObject(choice) && CHOICES.has(choice.type as string)))
    return "tool_choice: Input tag does not match any of the expected tags: 'auto', 'any', 'tool', 'none'";
  if (choice?.type === 'tool' && typeof choice.name !== 'string') return 'tool_choice.tool.name: Field required';
  const pairing = pairingProblem(body.messages);
  if (pairing) return pairing;
  if (names.size === 0 && toolTurns(body.messages))
    return 'Requests which include `tool_use` or `tool_result` blocks must define tools.';
  return undefined;
}

function toolTurns(messages: Message[]): boolean {
  return messages.some((m) => blocks(m).some((b) => b.type === 'tool_use' || b.type === 'tool_result'));
}

/**
 * Every tool_use answered by a tool_result in the very next message, and every tool_result
 * answering a tool_use of the message before it; checked message by message, as the API names one.
 */
function pairingProblem(messages: Message[]): string | undefined {
  for (const [i, message] of messages.entries()) {
    for (const [j, block] of blocks(message).entries()) {
      if (message.role === 'assistant' && block.type === 'tool_use' && !isObject(block.input))
        return `messages.${i}.content.${j}.tool_use.input: Input should be a valid dictionary`;
      if (
        message.role === 'user' &&
        block.type === 'tool_result' &&
        !toolUseIds(messages[i - 1]).includes(block.tool_use_id)
      )
        return `messages.${i}.content.${j}: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${String(block.tool_use_id)}. Each \`tool_result\` block must have a corresponding \`tool_use\` block in the previous message.`;
    }
    const next = messages[i + 1];
    const answered =
      next?.role === 'user' ? blocks(next).map((b) => (b.type === 'tool_result' ? b.tool_use_id : undefined)) : [];
    const unanswered = toolUseIds(message).filter((id) => !answered.includes(id));
    if (unanswered.length > 0)
      return `messages.${i}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${unanswered.join(', ')}. Each \`tool_use\` block must have a corresponding \`tool_result\` block in the next message.`;
  }
  return undefined;
}

/** Whether the request offers the model any tool (then `documented=1` replays the documented tool-use reply). */
export function offersTools(body: ToolFields): boolean {
  return Array.isArray(body.tools) && body.tools.length > 0;
}

/**
 * The reply a model would give: a call to the tool `tool_choice` names, or to the first tools
 * (`[[fake tools=N]]` in the last user text asks for N calls, one when parallel use is disabled),
 * unless the choice is `none` or the last user turn hands back tool results; then JSON for the
 * `output_config.format` schema if there is one, or an answer quoting the results. Undefined: the
 * demo text, as without tools.
 */
export function scriptedReply(body: ToolFields, lastUserText: string): Scripted | undefined {
  const lastUser = body.messages.findLast((m) => m.role === 'user');
  const results = blocks(lastUser).flatMap((b) => (b.type === 'tool_result' ? [textOf(b.content)] : []));
  const tools = offersTools(body) ? (body.tools as Tool[]) : [];
  const choice = (body.tool_choice ?? {}) as ToolChoice;
  if (tools.length > 0 && choice.type !== 'none' && results.length === 0) {
    const asked = Number(/\[\[fake\b[^\]]*\btools=(\d+)/i.exec(lastUserText)?.[1] ?? 1);
    const count = choice.disable_parallel_tool_use === true ? 1 : Math.max(1, asked);
    const named = choice.type === 'tool' ? tools.find((t) => t.name === choice.name) : undefined;
    const calls = Array.from({ length: count }, (_, i) => {
      const tool = named ?? tools[i % tools.length]!;
      return { id: `toolu_01${randomId(22)}`, name: tool.name, input: argumentsFor(tool.input_schema) };
    });
    return { calls };
  }
  const format = isObject(body.output_config) ? body.output_config.format : undefined;
  if (isObject(format) && format.type === 'json_schema') return { text: JSON.stringify(argumentsFor(format.schema)) };
  if (results.length > 0) return { text: toolResultText(results) };
  return undefined;
}

/** Why the API would refuse `output_config`; undefined when it would not. */
export function outputConfigProblem(outputConfig: unknown): string | undefined {
  if (outputConfig === undefined) return undefined;
  if (!isObject(outputConfig)) return 'output_config: Input should be a valid dictionary';
  const format = outputConfig.format;
  if (format === undefined || format === null) return undefined;
  if (!isObject(format) || format.type !== 'json_schema')
    return "output_config.format: Input tag does not match any of the expected tags: 'json_schema'";
  if (!isObject(format.schema)) return 'output_config.format.schema: Field required';
  return undefined;
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function randomId(length: number): string {
  return [...randomBytes(length)].map((byte) => ALPHABET[byte % ALPHABET.length]).join('');
}

/**
 * The content blocks' stream events, as data: a text block in a few deltas, or each call's
 * `tool_use` block opened with an empty `input`, then its JSON in `input_json_delta` pieces (an
 * empty one first, then pieces cut anywhere, mid-string too, as the documented stream shows).
 */
export function contentEvents(scripted: Scripted): { type: string; [field: string]: unknown }[] {
  if ('text' in scripted) {
    return [
      { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
      ...piecesOf(scripted.text).map((text) => ({
        type: 'content_block_delta',
        index: 0,
        delta: { type: 'text_delta', text },
      })),
      { type: 'content_block_stop', index: 0 },
    ];
  }
  return scripted.calls.flatMap(({ id, name, input }, index) => [
    { type: 'content_block_start', index, content_block: { type: 'tool_use', id, name, input: {} } },
    ...['', ...piecesOf(JSON.stringify(input))].map((partial_json) => ({
      type: 'content_block_delta',
      index,
      delta: { type: 'input_json_delta', partial_json },
    })),
    { type: 'content_block_stop', index },
  ]);
}

/** The content of a whole (non-streamed) message. */
export function contentBlocks(scripted: Scripted): unknown[] {
  if ('text' in scripted) return [{ type: 'text', text: scripted.text }];
  return scripted.calls.map(({ id, name, input }) => ({ type: 'tool_use', id, name, input }));
}

/** What the reply writes, for its output-token count. */
export function scriptedText(scripted: Scripted): string {
  return 'text' in scripted ? scripted.text : scripted.calls.map((c) => c.name + JSON.stringify(c.input)).join('');
}

function piecesOf(text: string): string[] {
  const size = Math.max(1, Math.ceil(text.length / 4));
  const pieces: string[] = [];
  for (let at = 0; at < text.length; at += size) pieces.push(text.slice(at, at + size));
  return pieces;
}
