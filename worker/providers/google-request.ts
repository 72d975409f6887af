// Parley's request in Gemini's terms (google.ts sends it): turns as `contents` with images inline,
// function calls and responses, tools as function declarations, the tool choice as a
// function-calling mode, and a response format as JSON mode.
import {
  type Content,
  FunctionCallingConfigMode,
  type GenerateContentConfig,
  type Part,
  type ToolConfig,
} from '@google/genai';
import { type FetchedImage, fetchImage } from './fetch-image.ts';
import type { ChatMessage, ChatRequest, ResponseFormat, ToolCall, Tools, UserPart } from './types.ts';

/** A request Parley cannot put into Gemini's terms; it would fail the same way on every attempt. */
export class UnmappableRequest extends Error {}

/**
 * The signature Google's thought-signatures guide gives for function calls Gemini did not write
 * (another vendor's turn, or one whose signature was not kept): Gemini 3 models refuse, with 400, a
 * turn whose first functionCall part has no signature. Parley keeps no signatures, so every
 * replayed turn of calls carries this one, on its first call, where the model puts its own.
 */
const FOREIGN_SIGNATURE = 'skip_thought_signature_validator';

/** A tool's text as the `response` object Gemini wants: JSON that is an object or list as such, else the text. */
function toolResponse(content: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(content);
    if (parsed !== null && typeof parsed === 'object') return { result: parsed };
  } catch {
    // Not JSON: the text itself is the result.
  }
  return { result: content };
}

function callArguments(call: ToolCall): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(call.arguments || '{}');
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed))
      return parsed as Record<string, unknown>;
  } catch {
    // Reported below: Gemini takes arguments only as an object.
  }
  throw new UnmappableRequest(`Tool call '${call.id}' (${call.name}) has arguments that are not a JSON object.`);
}

function modelTurn(message: Extract<ChatMessage, { role: 'assistant' }>): Content {
  const calls = message.toolCalls ?? [];
  const parts: Part[] = calls.map((call, i) => ({
    functionCall: { name: call.name, args: callArguments(call), ...(call.id ? { id: call.id } : {}) },
    ...(i === 0 ? { thoughtSignature: FOREIGN_SIGNATURE } : {}),
  }));
  // A reply that only called tools gets no empty text part before its calls.
  if (message.content || calls.length === 0) parts.unshift({ text: message.content });
  return { role: 'model', parts };
}

type UserMessage = Extract<ChatMessage, { role: 'user' }>;

const imageUrls = (messages: ChatMessage[]) =>
  new Set(
    messages.flatMap((m) =>
      m.role === 'user'
        ? (m.parts ?? []).flatMap((p) => (p.type === 'image' && p.source.kind === 'url' ? [p.source.url] : []))
        : [],
    ),
  );

/**
 * The images given by URL, each fetched once, all at once: Gemini is sent an image's bytes, never
 * its URL, so an image by URL meets the same types and size limit as one given inline. The first
 * refusal stops the other fetches.
 */
async function fetchImages(messages: ChatMessage[], signal: AbortSignal): Promise<Map<string, FetchedImage>> {
  const urls = imageUrls(messages);
  if (urls.size === 0) return new Map();
  const stop = new AbortController();
  const either = AbortSignal.any([signal, stop.signal]);
  try {
    return new Map(await Promise.all([...urls].map(async (url) => [url, await fetchImage(url, either)] as const)));
  } finally {
    stop.abort();
  }
}

/**
 * A user turn's parts in order: its text alone, or its text pieces, images and PDFs, all as inline
 * data. Gemini's document processing guide passes a PDF inline the same way as an image: "You can
 * pass PDF data directly in the request" as `inlineData: {mimeType: 'application/pdf', data}`
 * (base64); a PDF has no name there, so its name is not sent.
 */
function userTurn(message: UserMessage, fetched: Map<string, FetchedImage>): Content {
  if (!message.parts) return { role: 'user', parts: [{ text: message.content }] };
  const part = (p: UserPart): Part => {
    if (p.type === 'text') return { text: p.text };
    if (p.type === 'document') return { inlineData: { mimeType: p.mediaType, data: p.data } };
    const image = p.source.kind === 'url' ? fetched.get(p.source.url)! : p.source;
    return { inlineData: { mimeType: image.mediaType, data: image.data } };
  };
  return { role: 'user', parts: message.parts.map(part) };
}

/**
 * Turns into contents, images fetched first where given by URL (see fetchImages). Gemini answers a
 * call by its function's name (the id is optional), so each tool result takes the name of the call
 * it answers; consecutive results are one user turn, the way Gemini expects the responses to a turn
 * of parallel calls.
 */
export async function contents(messages: ChatMessage[], signal: AbortSignal): Promise<Content[]> {
  const fetched = await fetchImages(messages, signal);
  const names = new Map<string, string>();
  const out: Content[] = [];
  let results: Part[] | undefined;
  for (const message of messages) {
    if (message.role !== 'tool') {
      results = undefined;
      if (message.role === 'user') out.push(userTurn(message, fetched));
      else {
        for (const call of message.toolCalls ?? []) names.set(call.id, call.name);
        out.push(modelTurn(message));
      }
      continue;
    }
    const name = names.get(message.toolCallId);
    if (name === undefined) {
      throw new UnmappableRequest(`Tool result '${message.toolCallId}' answers no earlier tool call.`);
    }
    const part: Part = {
      functionResponse: { name, response: toolResponse(message.content), id: message.toolCallId },
    };
    if (results) results.push(part);
    else {
      results = [part];
      out.push({ role: 'user', parts: results });
    }
  }
  return out;
}

function toolConfig(choice: Tools['choice']): ToolConfig | undefined {
  if (choice === undefined) return undefined;
  if (typeof choice === 'object') {
    return {
      functionCallingConfig: { mode: FunctionCallingConfigMode.ANY, allowedFunctionNames: [choice.name] },
    };
  }
  const mode = {
    auto: FunctionCallingConfigMode.AUTO,
    none: FunctionCallingConfigMode.NONE,
    required: FunctionCallingConfigMode.ANY,
  }[choice];
  return { functionCallingConfig: { mode } };
}

/**
 * Tools as one tool of function declarations (parameters as JSON Schema, which Gemini reads as
 * given) and the choice as its function-calling mode. `parallel: false` has no Gemini counterpart:
 * Gemini may still answer with several calls, and Parley passes them all on.
 */
function toolsConfig(tools: Tools | undefined): Pick<GenerateContentConfig, 'tools' | 'toolConfig'> {
  if (!tools?.definitions.length) return {};
  const functionDeclarations = tools.definitions.map((d) => ({
    name: d.name,
    ...(d.description ? { description: d.description } : {}),
    parametersJsonSchema: d.parameters,
  }));
  const config = toolConfig(tools.choice);
  return { tools: [{ functionDeclarations }], ...(config ? { toolConfig: config } : {}) };
}

/**
 * JSON mode, with the schema when there is one. Gemini constrains its output to the schema
 * whether or not `strict` is asked, and has no place for the format's name or description.
 */
function formatConfig(format: ResponseFormat | undefined): GenerateContentConfig {
  if (!format) return {};
  return {
    responseMimeType: 'application/json',
    ...(format.type === 'json_schema' ? { responseJsonSchema: format.schema } : {}),
  };
}

/** Everything in the request's config that is not sampling, limits or the abort signal. */
export function toolAndFormatConfig(request: ChatRequest): GenerateContentConfig {
  return { ...toolsConfig(request.tools), ...formatConfig(request.responseFormat) };
}
