// What the fakes saw and how each request ended. Tests read it to prove what happened upstream,
// e.g. that a stopped chat aborted the vendor call (`client_closed`) rather than letting it finish.
import { createHash } from 'node:crypto';
import type { SeenDocument } from './documents.ts';
import type { Sampling } from './sampling.ts';
import type { OfferedTools, ToolResult, VendorName } from './types.ts';

export type RequestStatus = 'in_progress' | 'completed' | 'client_closed' | 'failed' | 'dropped';

export interface LoggedRequest {
  id: string;
  vendor: VendorName;
  model: string;
  stream: boolean;
  status: RequestStatus;
  /** HTTP status sent, once headers went out. */
  httpStatus: number | null;
  tokensSent: number;
  inputTokens: number;
  startedAt: number;
  endedAt: number | null;
  key?: string;
  messages: number;
  /** The prompt's text, every message's in order (as the vendor's parser joins it): only when the request asked with `prompt=1`. */
  prompt?: string;
  system: boolean;
  /** The sampling the request carried, absent when it carried none (fields it left out are absent too). */
  sampling?: Sampling;
  /** The functions the request offered and its tool choice, absent when it offered none (OpenAI's fake). */
  offered?: OfferedTools;
  /** Tools offered, tool choice and structured output as the request's wire carried them; each absent when it carried none. */
  tools?: unknown;
  toolChoice?: unknown;
  responseFormat?: unknown;
  /** The tool results the last turn carried (the function name as Gemini's wire names it, ids as the others do). */
  toolResults?: ToolResult[];
  /** The PDFs the request carried, in order: name (where the wire has one), decoded bytes and pages. */
  documents?: SeenDocument[];
}

// Enough for any test or benchmark run, bounded so a long `npm start` does not grow without end.
const MAX_ENTRIES = 10_000;

export class RequestLog {
  #entries: LoggedRequest[] = [];
  #failures = new Map<string, number>();
  #nextId = 1;

  nextId(): string {
    return `fake_${(this.#nextId++).toString().padStart(6, '0')}`;
  }

  add(entry: LoggedRequest): LoggedRequest {
    this.#entries.push(entry);
    if (this.#entries.length > MAX_ENTRIES) this.#entries.splice(0, this.#entries.length - MAX_ENTRIES);
    return entry;
  }

  list(filter: { key?: string | null; vendor?: string | null } = {}): LoggedRequest[] {
    return this.#entries.filter(
      (entry) => (!filter.key || entry.key === filter.key) && (!filter.vendor || entry.vendor === filter.vendor),
    );
  }

  /** Forgets requests and failure counters, so each test starts from a clean upstream. */
  clear(): void {
    this.#entries = [];
    this.#failures.clear();
  }

  /**
   * Whether an injected failure applies to this attempt. With `failcount=N`, only the first N
   * attempts of one conversation fail, so a client's retry can succeed.
   */
  shouldFail(vendor: VendorName, status: number, conversation: string, failcount: number | undefined): boolean {
    if (failcount === undefined) return true;
    const counter = `${vendor}|${status}|${createHash('sha256').update(conversation).digest('hex')}`;
    const failed = this.#failures.get(counter) ?? 0;
    if (failed >= failcount) return false;
    this.#failures.set(counter, failed + 1);
    return true;
  }
}
