// Gemini's function calling and JSON mode, as the fake reads and checks them: `tools`
// (functionDeclarations), `toolConfig.functionCallingConfig`, functionCall / functionResponse parts
// in `contents`, and `generationConfig.responseMimeType` with a schema. The checks refuse what the
// real API refuses with 400 INVALID_ARGUMENT; messages copy Google's where they are known.
import { demoLabel } from './reply.ts';
import { argumentsFor, toolResultText } from './tool-reply.ts';
import type { ToolCallPlan, ToolResult } from './types.ts';

export type Part = {
  text?: unknown;
  functionCall?: { name?: unknown; args?: unknown; id?: unknown };
  functionResponse?: { name?: unknown; response?: unknown; id?: unknown };
};
export type Content = { role?: string; parts?: Part[] };

type Declaration = { name: string; schema: unknown };

export type GeminiToolsBody = {
  tools?: unknown;
  toolConfig?: { functionCallingConfig?: { mode?: unknown; allowedFunctionNames?: unknown } };
  generationConfig?: { responseMimeType?: unknown; responseJsonSchema?: unknown; responseSchema?: unknown };
};

/** What the request's tools, results and JSON mode make the fake model answer, and what the log shows of them. */
export type ToolsReading = {
  tools?: unknown;
  toolChoice?: unknown;
  responseFormat?: unknown;
  toolResults?: ToolResult[];
  toolCalls?: ToolCallPlan[];
  replyText?: string;
};

const NAME = /^[A-Za-z_][A-Za-z0-9_.:-]{0,127}$/;
// Server-side tools: entries that declare no functions and still are tools.
const OTHER_TOOLS = [
  'googleSearch',
  'googleSearchRetrieval',
  'codeExecution',
  'urlContext',
  'fileSearch',
  'googleMaps',
];

function declarations(tools: unknown): Declaration[] | string {
  if (tools === undefined) return [];
  if (!Array.isArray(tools)) return '* GenerateContentRequest.tools: tools must be a list';
  const found: Declaration[] = [];
  for (const [t, tool] of tools.entries()) {
    const entry = (tool ?? {}) as { functionDeclarations?: unknown };
    if (!Array.isArray(entry.functionDeclarations)) {
      if (OTHER_TOOLS.some((key) => key in entry)) continue;
      return `* GenerateContentRequest.tools[${t}].tool_type: required one_of 'tool_type' must have one initialized field`;
    }
    for (const [d, declaration] of entry.functionDeclarations.entries()) {
      const { name, parametersJsonSchema, parameters } = (declaration ?? {}) as Record<string, unknown>;
      if (typeof name !== 'string' || !NAME.test(name)) {
        return `* GenerateContentRequest.tools[${t}].function_declarations[${d}].name: Invalid function name. Must start with a letter or an underscore. Must be alphameric (a-z, A-Z, 0-9), underscores (_), dots (.), colons (:), or dashes (-), with a maximum length of 128.`;
      }
      found.push({ name, schema: parametersJsonSchema ?? parameters });
    }
  }
  return found;
}

const responsesOf = (content: Content | undefined) => (content?.parts ?? []).flatMap((p) => p?.functionResponse ?? []);
const callsOf = (content: Content | undefined) => (content?.parts ?? []).flatMap((p) => p?.functionCall ?? []);

/**
 * A turn of function responses must follow the model turn that made the calls, one response a
 * call, each naming a declared function that turn called. The first two messages are Google's; the
 * name checks are the fake's wording for the same refusal.
 */
function checkResponses(contents: Content[], declared: Declaration[]): string | undefined {
  for (const [c, content] of contents.entries()) {
    const responses = responsesOf(content);
    if (responses.length === 0) continue;
    const before = contents[c - 1];
    const calls = before?.role === 'model' ? callsOf(before) : [];
    if (calls.length === 0)
      return 'Please ensure that function response turn comes immediately after a function call turn.';
    if (calls.length !== responses.length) {
      return 'Please ensure that the number of function response parts is equal to the number of function call parts of the function call turn.';
    }
    for (const [p, part] of (content.parts ?? []).entries()) {
      const name = part?.functionResponse?.name;
      if (part?.functionResponse === undefined) continue;
      const field = `* GenerateContentRequest.contents[${c}].parts[${p}].function_response.name`;
      if (typeof name !== 'string' || !declared.some((d) => d.name === name))
        return `${field}: function response name ${JSON.stringify(name ?? '')} matches no declared function.`;
      if (!calls.some((call) => call.name === name))
        return `${field}: function response name ${JSON.stringify(name)} matches no function call of the turn before it.`;
    }
  }
  return undefined;
}

/** `[[fake tools=N]]` in the last user text: how many calls the fake model makes at once (default 1). */
function callCount(lastUserText: string): number {
  const match = /\[\[fake\b[^\]]*\btools=(\d+)/i.exec(lastUserText);
  return Math.max(1, Number(match?.[1] ?? 1));
}

/**
 * Reads and checks the request's tools; a string is the message of the 400 Gemini would send.
 * The fake model then calls a tool whenever it may (tools offered, mode not NONE, the last turn
 * not a turn of results), acknowledges results when given them, and writes JSON when asked to.
 */
export function readTools(body: GeminiToolsBody, contents: Content[], lastUserText: string): ToolsReading | string {
  const declared = declarations(body.tools);
  if (typeof declared === 'string') return declared;
  const refused = checkResponses(contents, declared);
  if (refused) return refused;

  const config = body.toolConfig?.functionCallingConfig;
  const generation = body.generationConfig ?? {};
  const reading: ToolsReading = {
    ...(Array.isArray(body.tools) && body.tools.length > 0 ? { tools: body.tools } : {}),
    ...(body.toolConfig !== undefined ? { toolChoice: body.toolConfig } : {}),
    ...(generation.responseMimeType !== undefined
      ? {
          responseFormat: Object.fromEntries(
            Object.entries({
              responseMimeType: generation.responseMimeType,
              responseJsonSchema: generation.responseJsonSchema,
              responseSchema: generation.responseSchema,
            }).filter(([, value]) => value !== undefined),
          ),
        }
      : {}),
  };

  const results = responsesOf(contents.at(-1));
  if (results.length > 0) {
    const toolResults = results.map((r) => ({
      ...(typeof r.id === 'string' ? { id: r.id } : {}),
      ...(typeof r.name === 'string' ? { name: r.name } : {}),
      content: JSON.stringify(r.response ?? {}),
    }));
    // A response Parley wraps as {result: "<text>"} is acknowledged by that text, as the other vendors' fakes do.
    const said = results.map((r) => {
      const response = r.response as { result?: unknown } | undefined;
      const keys = response && typeof response === 'object' ? Object.keys(response) : [];
      return keys.length === 1 && typeof response?.result === 'string'
        ? response.result
        : JSON.stringify(r.response ?? {});
    });
    return { ...reading, toolResults, replyText: toolResultText(said) };
  }
  if (declared.length > 0 && config?.mode !== 'NONE') {
    const names: unknown[] = Array.isArray(config?.allowedFunctionNames) ? config.allowedFunctionNames : [];
    const allowed = names.map((name) => declared.find((d) => d.name === name));
    const unknown = names.find((_, i) => allowed[i] === undefined);
    if (unknown !== undefined) {
      return `* GenerateContentRequest.tool_config.function_calling_config.allowed_function_names: ${JSON.stringify(unknown)} is not a declared function.`;
    }
    const pool = allowed.length > 0 ? (allowed as Declaration[]) : declared;
    const toolCalls = Array.from({ length: callCount(lastUserText) }, (_, i) => {
      const declaration = pool[i % pool.length] as Declaration;
      return { name: declaration.name, arguments: argumentsFor(declaration.schema) };
    });
    return { ...reading, toolCalls };
  }
  if (generation.responseMimeType === 'application/json') {
    const schema = generation.responseJsonSchema ?? generation.responseSchema;
    const json = schema !== undefined ? argumentsFor(schema) : { reply: demoLabel('gemini') };
    return { ...reading, replyText: JSON.stringify(json) };
  }
  return reading;
}
