// The seam between the shared request flow (generate.ts) and the three vendor protocols.
// A vendor file only translates: request JSON in, wire bytes out. Timing, failures and
// logging live in the shared flow so every vendor behaves the same under the same directive.
import type { IncomingHttpHeaders } from 'node:http';
import type { Refusal, SeenDocument } from './documents.ts';
import type { Sampling } from './sampling.ts';

export type VendorName = 'anthropic' | 'openai' | 'compat' | 'gemini';

/** What a vendor's request means to the fake, whatever its wire shape. */
export interface ChatRequest {
  model: string;
  stream: boolean;
  /** Temperature, top-p, stop sequences and the output-token limit, as the request carried them. */
  sampling: Sampling;
  /** Text of the last user message: where `[[fake …]]` directives are read. */
  lastUserText: string;
  /** Every prompt text (system and messages) joined: the input-token estimate and failcount fallback key. */
  promptText: string;
  messageCount: number;
  hasSystem: boolean;
  /** OpenAI streams report usage only when asked (`stream_options.include_usage`). */
  includeUsage: boolean;
  /** The request offers tools: `documented=1` replays the vendor's documented tool call where there is one. */
  offersTools?: boolean;
  /** The functions the request offers, for the request log; absent when none (OpenAI's fake). */
  offered?: OfferedTools;
  /** The tools offered, the tool choice and the structured output asked for, as the vendor's wire carried them (for the log). */
  tools?: unknown;
  toolChoice?: unknown;
  responseFormat?: unknown;
  /** The tool results the request's last turn carried, in order. */
  toolResults?: ToolResult[];
  /** The calls the fake model makes instead of writing text; the vendor's stream close carries them. */
  toolCalls?: ToolCallPlan[];
  /** The text the vendor chose to answer (a tool result acknowledged, structured JSON) instead of the demo reply. */
  replyText?: string;
  /** Prompt tokens the request's images cost (IMAGE_TOKENS each), counted on top of the text's estimate. */
  imageTokens?: number;
  /** The request's PDFs, in order (for the log), and the prompt tokens they cost (PAGE_TOKENS a page). */
  documents?: SeenDocument[];
  documentTokens?: number;
}

/** What a request offered the model to call; the choice and parallel flag as the vendor spelled them. */
export interface OfferedTools {
  names: string[];
  choice?: unknown;
  parallel?: boolean;
}

/** One tool result as received: the call's id and function name where the wire carries them, the result as JSON text. */
export interface ToolResult {
  id?: string;
  name?: string;
  content: string;
}

export interface ToolCallPlan {
  name: string;
  arguments: Record<string, unknown>;
}

export type StopKind = 'end' | 'max_tokens' | 'stop_sequence';

export interface Usage {
  inputTokens: number;
  outputTokens: number;
}

export interface Finish {
  text: string;
  stop: StopKind;
  stopSequence: string | null;
  usage: Usage;
}

/** Ids minted once per request, so every chunk of one reply carries the same ones. */
export interface ReplyIds {
  requestId: string;
  messageId: string;
  created: number;
}

/** One vendor's SSE framing. Each method returns the bytes to write; the shared flow decides when. */
export interface StreamWriter {
  /** Events sent straight after the headers, before any text (may be empty). */
  open(usage: Usage): string;
  delta(text: string, usage: Usage): string;
  close(finish: Finish): string;
  /** An error reported inside an already-started stream. */
  error(status: number, message: string): string;
}

export interface ErrorReply {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

export type Route = { kind: 'chat'; model?: string; stream?: boolean } | { kind: 'models' };

export interface Vendor {
  name: VendorName;
  /** Matches a method and path below the vendor's prefix, e.g. `POST /v1/messages`. */
  route(method: string, path: string): Route | null;
  hasApiKey(headers: IncomingHttpHeaders, query: URLSearchParams): boolean;
  /**
   * Reads the request body (`bodyBytes` long); a string is the message of a 400 the vendor would
   * send, a Refusal an error of another status.
   */
  parseChat(body: unknown, route: Route & { kind: 'chat' }, bodyBytes: number): ChatRequest | string | Refusal;
  error(status: number, message?: string, retryAfterSeconds?: number): ErrorReply;
  missingKey(): ErrorReply;
  /** Headers every response carries (request ids as the vendor names them). */
  headers(ids: ReplyIds): Record<string, string>;
  streamWriter(request: ChatRequest, ids: ReplyIds): StreamWriter;
  completion(request: ChatRequest, finish: Finish, ids: ReplyIds): unknown;
  models?(): unknown;
}
