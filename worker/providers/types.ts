// The one interface every vendor adapter implements. Parley speaks this; each adapter translates
// to and from its vendor's SDK, and nothing vendor-specific leaks past it.

export type ProviderId = 'anthropic' | 'openai' | 'google' | 'openai-compat';

/** A function call the model asked for: `arguments` is the JSON text it wrote (parse it yourself). */
export type ToolCall = { id: string; name: string; arguments: string };

/**
 * An image in a user turn: fetched by the vendor from an https URL, or its bytes (base64) with their
 * media type. Adapters for vendors that cannot fetch a URL get it fetched first (`fetchImage`).
 */
export type ImageSource = { kind: 'url'; url: string } | { kind: 'base64'; mediaType: ImageMediaType; data: string };
export const IMAGE_MEDIA_TYPES = ['image/png', 'image/jpeg', 'image/webp', 'image/gif'] as const;
export type ImageMediaType = (typeof IMAGE_MEDIA_TYPES)[number];

/**
 * A PDF in a user turn: its bytes (base64) and its file name. Each adapter sends it as its vendor
 * documents PDF input (Anthropic a `document` block, OpenAI a `file` part, Gemini inline data).
 */
export type DocumentPart = { type: 'document'; mediaType: 'application/pdf'; name: string; data: string };

/** A user turn's parts in order, when it has images or files: its text pieces, its images and its PDFs. */
export type UserPart = { type: 'text'; text: string } | { type: 'image'; source: ImageSource } | DocumentPart;

/**
 * One turn. A user turn may carry images and PDFs (`parts`, in order; `content` is then its text alone); a
 * reply may carry tool calls beside (or instead of) its text; a `tool` turn answers one call by its
 * id. Conversations in the app have only text.
 */
export type ChatMessage =
  | { role: 'user'; content: string; parts?: UserPart[] }
  | { role: 'assistant'; content: string; toolCalls?: ToolCall[] }
  | { role: 'tool'; toolCallId: string; content: string };

/** A function the model may call: `parameters` is a JSON Schema object. */
export type ToolDefinition = { name: string; description?: string; parameters: Record<string, unknown> };

/** Whether the model may call tools (auto), must call one (required, or the one named), or must not (none). */
export type ToolChoice = 'auto' | 'none' | 'required' | { name: string };

/** Structured output: any JSON object, or JSON matching a schema (`strict`: exactly, where the vendor can promise it). */
export type ResponseFormat =
  | { type: 'json_object' }
  | { type: 'json_schema'; name: string; description?: string; schema: Record<string, unknown>; strict?: boolean };

export type Tools = {
  definitions: ToolDefinition[];
  choice?: ToolChoice;
  /** false: at most one call per reply. Absent: the vendor's default (several allowed). */
  parallel?: boolean;
};

export type StopReason = 'end_turn' | 'max_tokens' | 'stop_sequence' | 'content_filter' | 'tool_use' | 'other';

/** Normalised vendor failures; `retryable` ones may be retried before the first token. */
export type ProviderErrorCode = 'auth' | 'rate_limited' | 'overloaded' | 'context_length' | 'bad_request' | 'upstream';

export type ProviderEvent =
  | { type: 'text'; text: string }
  /**
   * Part of a tool call, in the order written: the first event of an `index` carries the call's id
   * and name, later ones more of its arguments' JSON text (a vendor that sends a call whole sends
   * one event with all of it).
   */
  | { type: 'tool_call'; index: number; id?: string; name?: string; arguments: string }
  /**
   * Totals for the whole reply so far; a later usage event replaces an earlier one. `inputTokens`
   * counts every prompt token, cached ones included (Anthropic reports cache reads and writes
   * apart; the adapter adds them); `cachedTokens` is the part of it read from the vendor's cache.
   */
  | { type: 'usage'; inputTokens: number; outputTokens: number; cachedTokens: number }
  | { type: 'done'; stopReason: StopReason }
  | {
      type: 'error';
      code: ProviderErrorCode;
      message: string;
      retryable: boolean;
      /** From the vendor's retry-after header, when it sent one. */
      retryAfterMs?: number;
      status?: number;
    };

export type ProviderConfig = { apiKey: string; baseURL?: string };

/** Sampling the caller asked for; absent fields are left to the vendor's defaults. */
export type Sampling = { temperature?: number; topP?: number; stop?: string[] };

export type ChatRequest = {
  /** The vendor's own model name, e.g. `claude-sonnet-5-5`. */
  model: string;
  system?: string;
  messages: ChatMessage[];
  maxOutputTokens: number;
  sampling?: Sampling;
  /** Functions the model may call; absent, it may call none. */
  tools?: Tools;
  /** The reply must be JSON (of this schema); absent, free text. */
  responseFormat?: ResponseFormat;
  /**
   * The caller wants the reply whole, not as it is written (a /v1 client that did not stream): the
   * adapter asks its vendor for an unstreamed reply where it can, and yields its events at once.
   */
  whole?: boolean;
  /** Aborting it must abort the vendor HTTP request. */
  signal: AbortSignal;
};

export interface ProviderAdapter {
  readonly id: ProviderId;
  /**
   * Streams one reply (or yields it all at once, when asked for it `whole`). Yields text deltas,
   * tool calls, usage, and finally `done`, or an `error` event and nothing after it. Never throws for vendor or network failures. When `signal` aborts, the
   * vendor request is aborted and the stream ends without `done`.
   */
  stream(request: ChatRequest, config: ProviderConfig): AsyncIterable<ProviderEvent>;
}
