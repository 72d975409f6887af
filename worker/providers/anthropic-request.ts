// Parley's chat request in the Anthropic Messages API's terms: images, tool calls and tool results as
// content blocks, tool definitions and choice, structured outputs. anthropic.ts sends it and reads the reply.
import type {
  ContentBlockParam,
  DocumentBlockParam,
  ImageBlockParam,
  JSONOutputFormat,
  MessageCreateParamsBase,
  MessageParam,
  Tool,
  ToolChoice,
  ToolUseBlockParam,
} from '@anthropic-ai/sdk/resources/messages';
import type {
  ChatMessage,
  ChatRequest,
  DocumentPart,
  ImageSource,
  ResponseFormat,
  ToolCall,
  ToolDefinition,
  Tools,
} from './types.ts';

type UserMessage = Extract<ChatMessage, { role: 'user' }>;

/** A request that cannot be put in Anthropic's terms: refused before the vendor is called. */
export class UnsendableRequest extends Error {}

/** The Messages API params for `request` (streamed or not); throws UnsendableRequest for what Anthropic cannot take. */
export function messageParams(request: ChatRequest): MessageCreateParamsBase {
  const { sampling, tools, responseFormat } = request;
  return {
    model: request.model,
    max_tokens: request.maxOutputTokens,
    messages: anthropicMessages(request.messages),
    ...(request.system ? { system: request.system } : {}),
    ...(sampling?.temperature !== undefined ? { temperature: sampling.temperature } : {}),
    ...(sampling?.topP !== undefined ? { top_p: sampling.topP } : {}),
    ...(sampling?.stop?.length ? { stop_sequences: sampling.stop } : {}),
    ...(tools?.definitions.length ? toolParams(tools) : {}),
    ...(responseFormat ? { output_config: { format: outputFormat(responseFormat) } } : {}),
  };
}

/**
 * Turns as Anthropic takes them. A reply's tool calls become `tool_use` blocks after its text; the
 * `tool` turns answering them become ONE user message of `tool_result` blocks (Anthropic wants every
 * result of a reply in the next message), and a user turn straight after joins that message as text
 * after the results, the order Anthropic requires. A user turn with images or PDFs is its parts as
 * text, image and document blocks, in order.
 */
function anthropicMessages(messages: ChatMessage[]): MessageParam[] {
  const params: MessageParam[] = [];
  for (const message of messages) {
    const results = resultsMessage(params.at(-1));
    if (message.role === 'tool') {
      const block: ContentBlockParam = {
        type: 'tool_result',
        tool_use_id: message.toolCallId,
        content: message.content,
      };
      if (results) results.push(block);
      else params.push({ role: 'user', content: [block] });
    } else if (message.role === 'user') {
      if (results) results.push(...userBlocks(message));
      else params.push({ role: 'user', content: message.parts ? userBlocks(message) : message.content });
    } else if (message.toolCalls?.length) {
      // Anthropic refuses empty text blocks: a reply that only called tools has none.
      const text: ContentBlockParam[] = message.content ? [{ type: 'text', text: message.content }] : [];
      params.push({ role: 'assistant', content: [...text, ...message.toolCalls.map(toolUse)] });
    } else {
      params.push({ role: 'assistant', content: message.content });
    }
  }
  return params;
}

/**
 * A user turn as content blocks: its parts in order, or its text. Anthropic refuses empty text
 * blocks, so an empty piece of text (an image sent alone) is left out.
 */
function userBlocks({ content, parts }: UserMessage): ContentBlockParam[] {
  return (parts ?? [{ type: 'text', text: content }]).flatMap((part): ContentBlockParam[] => {
    if (part.type === 'image') return [imageBlock(part.source)];
    if (part.type === 'document') return [documentBlock(part)];
    return part.text ? [{ type: 'text', text: part.text }] : [];
  });
}

/** Anthropic fetches an image's URL itself, so a URL goes as it came; bytes go as base64 with their media type. */
function imageBlock(source: ImageSource): ImageBlockParam {
  if (source.kind === 'url') return { type: 'image', source: { type: 'url', url: source.url } };
  return { type: 'image', source: { type: 'base64', media_type: source.mediaType, data: source.data } };
}

/**
 * A PDF as Anthropic's PDF support guide sends it: "a document content block with base64-encoded
 * PDF data": `{type: 'document', source: {type: 'base64', media_type: 'application/pdf', data}}`.
 * Its `title` ("the title of the document", shown to the model) is the file's name.
 */
function documentBlock(part: DocumentPart): DocumentBlockParam {
  return {
    type: 'document',
    source: { type: 'base64', media_type: part.mediaType, data: part.data },
    ...(part.name ? { title: part.name } : {}),
  };
}

/** The blocks of `param` when it is a user message of tool results only (more results may join it). */
function resultsMessage(param: MessageParam | undefined): ContentBlockParam[] | undefined {
  if (param?.role !== 'user' || !Array.isArray(param.content)) return undefined;
  return param.content.every((block) => block.type === 'tool_result') ? param.content : undefined;
}

function toolUse(call: ToolCall): ToolUseBlockParam {
  return { type: 'tool_use', id: call.id, name: call.name, input: callInput(call) };
}

/** Anthropic takes a call's input as an object, where Parley keeps the JSON text the model wrote. */
function callInput(call: ToolCall): Record<string, unknown> {
  // Anthropic streams a call without arguments as no JSON at all, so Parley's record of it is ''.
  if (call.arguments.trim() === '') return {};
  let input: unknown;
  try {
    input = JSON.parse(call.arguments);
  } catch {
    input = undefined;
  }
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new UnsendableRequest(
      `Tool call ${call.id} (${call.name}) cannot be sent to Anthropic: its arguments are not a JSON object, ` +
        'and Anthropic takes a call only with an object as its input. Send the arguments as JSON object text.',
    );
  }
  return input as Record<string, unknown>;
}

function toolParams(tools: Tools): Pick<MessageCreateParamsBase, 'tools' | 'tool_choice'> {
  const choice = toolChoice(tools);
  return { tools: tools.definitions.map(anthropicTool), ...(choice ? { tool_choice: choice } : {}) };
}

function anthropicTool(definition: ToolDefinition): Tool {
  return {
    name: definition.name,
    ...(definition.description ? { description: definition.description } : {}),
    // Anthropic's input schema is always an object schema; Parley's `parameters` is one without saying so.
    input_schema: { type: 'object', ...definition.parameters },
  };
}

/** auto, none, required and a named tool are Anthropic's auto, none, any and tool; `parallel: false` disables parallel use. */
function toolChoice({ choice, parallel }: Tools): ToolChoice | undefined {
  const single = parallel === false ? { disable_parallel_tool_use: true } : {};
  if (choice === 'none') return { type: 'none' };
  if (choice === 'required') return { type: 'any', ...single };
  if (typeof choice === 'object') return { type: 'tool', name: choice.name, ...single };
  // Absent, Anthropic's default is auto; it is said only to carry disable_parallel_tool_use.
  return choice === 'auto' || parallel === false ? { type: 'auto', ...single } : undefined;
}

/**
 * Anthropic's structured outputs hold the reply to a JSON Schema. It has no schema-less JSON mode:
 * every object in such a schema must set `additionalProperties: false`, so a bare object schema would
 * allow only `{}`. A JSON-object request is therefore refused rather than sent as something else.
 */
function outputFormat(format: ResponseFormat): JSONOutputFormat {
  if (format.type === 'json_schema') return { type: 'json_schema', schema: format.schema };
  throw new UnsendableRequest(
    'Anthropic has no JSON mode without a schema: its structured outputs follow a JSON Schema whose objects ' +
      "must all set additionalProperties to false. Ask for responseFormat 'json_schema' with the reply's schema.",
  );
}
