// Function calling and structured outputs on OpenAI's Chat Completions, for the fake (openai.ts
// frames the bytes). `tools`, `tool_choice`, `parallel_tool_calls`, `response_format` and the
// tool turns are checked as the API checks them (in the words of the errors it sends, where they
// are known), and where they change the reply this decides what the fake model "says": a call to
// a function, an answer to function results, or JSON.
import { randomInt } from 'node:crypto';
import { demoLabel, planReply } from './reply.ts';
import type { Sampling } from './sampling.ts';
import { argumentsFor, toolResultText } from './tool-reply.ts';
import type { OfferedTools, StopKind, VendorName } from './types.ts';

export interface ToolCallReply {
  id: string;
  name: string;
  arguments: string;
  /** The arguments as the stream sends them, a fragment per chunk. */
  fragments: string[];
}

/** A reply the fake writes itself rather than the demo text. */
export type Scripted = { kind: 'calls'; calls: ToolCallReply[] } | { kind: 'text'; tokens: string[]; stop: StopKind };

/** The request fields this module reads, as sent (anything may be missing or of the wrong type). */
export interface ToolsWire {
  tools?: unknown;
  tool_choice?: unknown;
  parallel_tool_calls?: unknown;
  response_format?: unknown;
  messages: { role?: unknown; tool_calls?: unknown; tool_call_id?: unknown }[];
}

export interface ToolsContext {
  vendor: VendorName;
  sampling: Sampling;
  /** Where `[[fake tools=N]]` is read. */
  lastUserText: string;
  /** Every message's text: json_object wants the word "json" in it. */
  promptText: string;
  /** The texts of the tool turns that end the conversation, in order (none when it ends otherwise). */
  toolResults: string[];
}

export interface ToolsReading {
  offered?: OfferedTools;
  scripted?: Scripted;
}

type Definition = { name: string; parameters: unknown };
type Choice = { mode: 'auto' | 'none' | 'required' } | { mode: 'function'; name: string };
type Format = { type: 'json_object' } | { type: 'json_schema'; schema: unknown } | undefined;

const NAME = /^[a-zA-Z0-9_-]{1,64}$/;
const ONLY_WITH_TOOLS = (field: string) =>
  `Invalid value for '${field}': '${field}' is only allowed when 'tools' are specified.`;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Checks the request's tool fields and turns; a string is the message of the API's 400. */
export function readTools(wire: ToolsWire, context: ToolsContext): ToolsReading | string {
  const definitions = readDefinitions(wire.tools);
  if (typeof definitions === 'string') return definitions;
  const choice = readChoice(wire.tool_choice, definitions);
  if (typeof choice === 'string') return choice;
  const parallel = wire.parallel_tool_calls ?? undefined;
  if (parallel !== undefined && !definitions) return ONLY_WITH_TOOLS('parallel_tool_calls');
  if (parallel !== undefined && typeof parallel !== 'boolean')
    return `Invalid type for 'parallel_tool_calls': expected a boolean, but got ${typeof parallel} instead.`;
  const format = readFormat(wire.response_format, context.promptText);
  if (typeof format === 'string') return format;
  const turns = checkToolTurns(wire.messages);
  if (turns) return turns;

  const offered: OfferedTools | undefined = definitions && {
    names: definitions.map((d) => d.name),
    ...(wire.tool_choice != null ? { choice: wire.tool_choice } : {}),
    ...(parallel !== undefined ? { parallel } : {}),
  };
  const scripted = script(definitions, choice, parallel, format, context);
  return { ...(offered ? { offered } : {}), ...(scripted ? { scripted } : {}) };
}

function readDefinitions(tools: unknown): Definition[] | undefined | string {
  if (tools == null) return undefined;
  if (!Array.isArray(tools)) return `Invalid type for 'tools': expected an array, but got ${typeof tools} instead.`;
  if (tools.length === 0)
    return "Invalid 'tools': empty array. Expected an array with minimum length 1, but got an empty array instead.";
  const definitions: Definition[] = [];
  for (const [i, tool] of tools.entries()) {
    if (!isObject(tool) || tool.type !== 'function')
      return `Invalid value for 'tools[${i}].type': the fake upstream serves function tools only.`;
    const fn = tool.function;
    if (!isObject(fn)) return `Missing required parameter: 'tools[${i}].function'.`;
    if (typeof fn.name !== 'string') return `Missing required parameter: 'tools[${i}].function.name'.`;
    if (!NAME.test(fn.name))
      return `Invalid 'tools[${i}].function.name': string does not match pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]+$'.`;
    definitions.push({ name: fn.name, parameters: fn.parameters });
  }
  return definitions;
}

function readChoice(choice: unknown, definitions: Definition[] | undefined): Choice | string {
  if (choice == null) return { mode: definitions ? 'auto' : 'none' };
  if (!definitions) return ONLY_WITH_TOOLS('tool_choice');
  if (choice === 'auto' || choice === 'none' || choice === 'required') return { mode: choice };
  if (typeof choice === 'string')
    return `Invalid value: '${choice}'. Supported values are: 'none', 'auto', and 'required'.`;
  const name = isObject(choice) && choice.type === 'function' && isObject(choice.function) && choice.function.name;
  if (typeof name !== 'string') return "Missing required parameter: 'tool_choice.function.name'.";
  // OpenAI's wording for a choice naming a tool the request does not define.
  if (!definitions.some((d) => d.name === name)) return `Tool choice '${name}' not found in 'tools' parameter.`;
  return { mode: 'function', name };
}

function readFormat(format: unknown, promptText: string): Format | string {
  if (format == null) return undefined;
  const type = isObject(format) ? format.type : undefined;
  if (type === 'text') return undefined;
  if (type === 'json_object') {
    if (!/json/i.test(promptText))
      return "'messages' must contain the word 'json' in some form, to use 'response_format' of type 'json_object'.";
    return { type };
  }
  if (type === 'json_schema') {
    const spec = isObject(format) ? format.json_schema : undefined;
    if (!isObject(spec) || typeof spec.name !== 'string')
      return "Missing required parameter: 'response_format.json_schema.name'.";
    if (!NAME.test(spec.name))
      return `Invalid 'response_format.json_schema.name': string does not match pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]+$'.`;
    return { type, schema: spec.schema };
  }
  return `Invalid value: '${String(type)}'. Supported values are: 'text', 'json_object', and 'json_schema'.`;
}

/**
 * Tool turns as the API requires them: each answers, by id, a call of the assistant turn just
 * before (or of the tool turns since), and every call of an assistant turn is answered before
 * anything else comes. A mapping mistake in an adapter shows here as the vendor's own 400.
 */
function checkToolTurns(messages: ToolsWire['messages']): string | undefined {
  let open: { ids: Set<string>; unanswered: Set<string> } | undefined;
  const unansweredError = (ids: Set<string>) =>
    `An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: ${[...ids].join(', ')}`;
  for (const [i, message] of messages.entries()) {
    if (message.role === 'tool') {
      if (!open)
        return "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.";
      const id = message.tool_call_id;
      if (typeof id !== 'string') return `Missing required parameter: 'messages.[${i}].tool_call_id'.`;
      if (!open.ids.has(id))
        return `Invalid parameter: 'tool_call_id' of '${id}' not found in 'tool_calls' of previous message.`;
      open.unanswered.delete(id);
      continue;
    }
    if (open?.unanswered.size) return unansweredError(open.unanswered);
    const calls = message.role === 'assistant' && Array.isArray(message.tool_calls) ? message.tool_calls : [];
    const ids = calls.map((call: unknown) => (isObject(call) && typeof call.id === 'string' ? call.id : ''));
    open = ids.length > 0 ? { ids: new Set(ids), unanswered: new Set(ids) } : undefined;
  }
  return open?.unanswered.size ? unansweredError(open.unanswered) : undefined;
}

/**
 * What the fake model does. With functions offered and not refused it calls one, unless it has
 * just read results and is free to answer (`auto`): `required` or a named function makes it call
 * again, as the API does. Otherwise it answers the results, or writes the JSON asked for.
 */
function script(
  definitions: Definition[] | undefined,
  choice: Choice,
  parallel: boolean | undefined,
  format: Format,
  context: ToolsContext,
): Scripted | undefined {
  const answering = context.toolResults.length > 0;
  if (definitions && choice.mode !== 'none' && !(answering && choice.mode === 'auto')) {
    const count = parallel === false ? 1 : Math.max(1, callsAsked(context.lastUserText));
    const calls = Array.from({ length: count }, (_, i) => {
      const definition =
        choice.mode === 'function'
          ? definitions.find((d) => d.name === choice.name)!
          : definitions[i % definitions.length]!;
      const args = JSON.stringify(argumentsFor(definition.parameters));
      return { id: callId(), name: definition.name, arguments: args, fragments: pieces(args) };
    });
    return { kind: 'calls', calls };
  }
  const answer = answering ? toolResultText(context.toolResults) : undefined;
  let text = answer;
  if (format?.type === 'json_schema') text = JSON.stringify(argumentsFor(format.schema));
  else if (format?.type === 'json_object') text = JSON.stringify({ reply: answer ?? demoLabel(context.vendor) });
  if (text === undefined) return undefined;
  const plan = planReply(pieces(text), context.sampling.maxTokens, context.sampling.stop ?? []);
  return { kind: 'text', tokens: plan.tokens, stop: plan.stop };
}

/** `[[fake tools=N]]`: how many calls one reply makes (read here; the shared directives do not know it). */
function callsAsked(text: string): number {
  let count = 1;
  for (const block of text.matchAll(/\[\[fake\b([^\]]*)\]\]/gi)) {
    for (const [, value] of (block[1] ?? '').matchAll(/(?:^|\s)tools=(\d+)(?=\s|$)/gi)) count = Number(value);
  }
  return count;
}

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** An id shaped like OpenAI's: `call_` and 24 letters and digits. */
function callId(): string {
  return `call_${Array.from({ length: 24 }, () => ID_ALPHABET[randomInt(ID_ALPHABET.length)]).join('')}`;
}

/** Text cut as a tokenizer might: words and runs of punctuation, each with the spaces before it. */
function pieces(text: string): string[] {
  return text.match(/\s*[\w-]+|\s*[^\w\s-]+|\s+$/g) ?? [];
}
