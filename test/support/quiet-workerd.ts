// Drops exactly the workerd log entries that the suites cause on purpose, so a green run prints
// test results only. @cloudflare/vitest-plugin writes each of workerd's structured log entries to
// this process's stdout/stderr with one write (it filters a few such "disconnected" entries itself
// and offers no hook of its own: `verbose: false` would hide every runtime log, real ones too).
// A failing test still shows its own console output; anything not listed here still prints.

/**
 * workerd's own report of a connection the test cut deliberately, and of the fetch it broke:
 * - the outage suite's switch (test/support/db-fault-proxy.ts) cutting every database connection,
 *   and the driver's fetch rejecting with "Network connection lost" (caught by the room and the
 *   Limiter, which retry; workerd still logs the rejection it saw inside the driver);
 * - tests that point the database or a vendor at a closed port (`127.0.0.1:9`) to prove the retry;
 * - the fake upstreams' `drop=N` directive, which cuts a vendor stream mid-body;
 * - a test's reader leaving a reply stream midway (the resume and client-leaves tests), which
 *   workerd reports as the response body's pipe being aborted;
 * - the room dropping a reader that stopped reading (test/worker/stalled-reader.test.ts): the
 *   stream is errored on purpose, and workerd's pump that carries it over RPC reports the error as
 *   uncaught (no handler in JavaScript can reach it);
 * - the sentry suite's `Limiter.reserve(null)`, an error thrown inside a Durable Object method on
 *   purpose: workerd logs an RPC method's rejection as uncaught though the caller handles it.
 */
const DELIBERATE = [
  'disconnected: client error (SendRequest)',
  'Error: Network connection lost.',
  'disconnected: Connection refused (os error 111)',
  'disconnected: HTTP body: error reading a body from connection',
  'disconnected: abortRead() has been called',
  'disconnected: read end of pipe was aborted',
  'Error: Reader dropped: it stopped reading.',
  'jsg.Error: ReadableStream received over RPC disconnected prematurely.',
  "TypeError: Cannot read properties of null (reading 'userId')",
];

/**
 * Vite's warning for packages that ship source maps without their sources (stripe, standardwebhooks,
 * @google/genai): harmless for us, printed once per module on a cold transform cache.
 */
const MISSING_SOURCES = /^Sourcemap for "[^"]*\/node_modules\/[^"]*" points to missing source files\n?$/;

/** True for a write that is one of workerd's entries above; vitest's own reports never start this way. */
function deliberate(text: string): boolean {
  if (MISSING_SOURCES.test(text)) return true;
  return /^(uncaught exception; |exception = )/.test(text) && DELIBERATE.some((line) => text.includes(line));
}

/** Wraps process.stdout and process.stderr once; a dropped entry's own stack lines go with it. */
export function quietDeliberateWorkerdLogs() {
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream) as (chunk: unknown, ...rest: unknown[]) => boolean;
    let droppedLast = false;
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      const raw =
        typeof chunk === 'string' ? chunk : chunk instanceof Uint8Array ? Buffer.from(chunk).toString('utf8') : '';
      // biome-ignore lint/suspicious/noControlCharactersInRegex: strips ANSI colour codes, which start with ESC
      const text = raw.replace(/\x1b\[[0-9;]*m/g, '');
      if (deliberate(text) || (droppedLast && /^(stack: | {4}at )/.test(text))) {
        droppedLast = true;
        const callback = rest.find((arg) => typeof arg === 'function') as (() => void) | undefined;
        callback?.();
        return true;
      }
      droppedLast = false;
      return write(chunk, ...rest);
    }) as typeof stream.write;
  }
}
