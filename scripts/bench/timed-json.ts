// One non-streamed request, timed from issuing it to the end of its JSON body, the same way
// whichever server answers (the counterpart of timed-stream.ts for `stream: false`).

export type JsonResult = {
  status: number;
  /** Request issued → end of the body (parsing it is not timed). */
  totalMs: number;
  /** The reply's text, as the reader says where it is. */
  text: string | undefined;
  error: string | undefined;
};

const REQUEST_TIMEOUT_MS = 120_000;

export async function timedJson(
  url: string,
  init: RequestInit,
  textOf: (body: unknown) => string | undefined,
): Promise<JsonResult> {
  const started = performance.now();
  try {
    const res = await fetch(url, { ...init, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    const raw = await res.text();
    const totalMs = performance.now() - started;
    if (!res.ok)
      return { status: res.status, totalMs, text: undefined, error: `HTTP ${res.status}: ${raw.slice(0, 300)}` };
    const text = textOf(JSON.parse(raw));
    return {
      status: res.status,
      totalMs,
      text,
      error: text === undefined ? `no reply text in ${raw.slice(0, 300)}` : undefined,
    };
  } catch (error) {
    return {
      status: 0,
      totalMs: performance.now() - started,
      text: undefined,
      error: `${(error as Error).name}: ${(error as Error).message}`,
    };
  }
}
