// Protocol-faithful fake upstreams for Anthropic, OpenAI (and OpenAI-compatible) and Gemini on
// one local port, close enough to the real wire formats that the official SDKs cannot tell.
// Used by tests, benchmarks and the offline `npm start`, where it answers with a labelled demo reply.
//
// Base URLs (PORT default 8790, env FAKE_UPSTREAM_PORT):
//   Anthropic  new Anthropic({ baseURL: 'http://127.0.0.1:PORT/anthropic', apiKey: 'any' })
//   OpenAI     new OpenAI({ baseURL: 'http://127.0.0.1:PORT/openai/v1', apiKey: 'any' })
//   compat     new OpenAI({ baseURL: 'http://127.0.0.1:PORT/compat/v1', apiKey: 'any' })  any model name
//   Gemini     new GoogleGenAI({ apiKey: 'any', httpOptions: { baseUrl: 'http://127.0.0.1:PORT/gemini', apiVersion: 'v1beta' } })
// Any non-empty key is accepted; a missing key gets the vendor's own auth error
// (Anthropic 401, OpenAI 401, Gemini 403 PERMISSION_DENIED as Google sends).
//
// Directives, read from the LAST user message, any subset, e.g. `[[fake ttft=200 tps=50 tokens=120]]`:
//   ttft=MS         delay before the first text token (default 0, env FAKE_UPSTREAM_TTFT)
//   tps=N           tokens per second; 0 = as fast as possible (default 1000, env FAKE_UPSTREAM_TPS)
//   tokens=N        reply length in tokens before max_tokens cuts it (default 40, env FAKE_UPSTREAM_TOKENS)
//   fail=STATUS     answer with the vendor's error for 400|401|403|404|429|500|503|529 before any token
//   failcount=N     fail only the first N attempts per vendor+status+conversation, so a retry succeeds;
//                   the conversation is `key=…` when given, else the whole prompt text
//   failafter=N     with fail: send N tokens, then the vendor's in-stream error event (streams only)
//   retryafter=S    Retry-After seconds on 429/529 (Anthropic), 429/503 (OpenAI), RetryInfo (Gemini); default 1
//   drop=N          end the TCP connection after N tokens; N equal to the reply length cuts just the closing
//                   events, a larger N never drops. A JSON reply drops halfway through its body
//   hang=1          send headers (and the opening events: Anthropic message_start…ping, OpenAI role chunk)
//                   and then nothing until the client closes
//   hangafter=N     the same, after N tokens
//   key=ABC         tags the request in the log (filter with /__control/requests?key=ABC) and keys failcount
//   prompt=1        keeps the prompt's text (every message's, in order) in the log entry as `prompt`
//   documented=1    answer with the vendor's documented example reply, byte for byte: its example
//                   stream to a streaming request, its example JSON body to one that is not
//                   (fake-upstreams/documented/, sources in its README); an upfront fail still
//                   applies, pacing, length, drop and hang do not. A request that offers tools gets the
//                   documented tool call
//   tools=N         a reply that calls functions makes N calls (one with parallel use disabled, but on Gemini)
// Tools (Gemini): the request is checked as Gemini checks it (declarations need names; a functionResponse
// must follow the model turn of calls, one a call, named after a declared function that turn called),
// else 400 INVALID_ARGUMENT. With tools offered and mode not NONE, the model calls allowedFunctionNames[0]
// (or the first declaration) with arguments built from its schema (fake-upstreams/tool-reply.ts), in one
// chunk, finishReason STOP; a last turn of functionResponses is answered `The tool said: <responses>`;
// responseMimeType application/json answers JSON of the schema (or {"reply": <demo label>}).
// The reply is the labelled demo sentence then ` token-N` words, one token per text delta, cut at the
// output-token limit or just before the first stop sequence (Anthropic stop_reason `stop_sequence`
// with the sequence named, OpenAI finish_reason `stop`, Gemini finishReason `STOP`);
// `expectedReplyText()` in fake-upstreams/reply.ts computes it. Input tokens = ceil(prompt chars / 4).
// Streams are shaped like the vendors' documented examples: fields the docs leave out are left out
// (Anthropic's message_delta reports only output_tokens, Gemini's interim chunks only the prompt count).
// Functions, OpenAI and compat (fake-upstreams/openai-tools.ts): a request offering `tools` is answered
// with a call to the function tool_choice names, else the first (with tools=N, each in turn), its
// arguments made from its schema (fake-upstreams/tool-reply.ts); unless tool_choice is `none`, or the
// conversation ends with tool results under `auto`: those are answered "The tool said: …".
// `response_format` gets JSON (json_schema: argumentsFor(schema); json_object: {"reply": …}). With
// tools, documented=1 replays the documented call (streamed or not). Tool turns answering no call, a
// tool_choice naming an undefined function and the like get the API's 400.
//
// Cloudflare Turnstile's Siteverify and api.js, as its documented test keys behave: scripts/fake-turnstile.ts.
//
// Control:
//   GET    /__control/requests[?key=&vendor=]  [{id, vendor, model, stream, status, httpStatus, tokensSent,
//          inputTokens, startedAt, endedAt, key?, messages, system, sampling?, offered?, tools?, toolChoice?,
//          responseFormat?, toolResults?}]; status is in_progress, completed, client_closed (the client left
//          before the end), failed (an error was sent) or dropped; sampling is {temperature?, topP?, stop?,
//          maxTokens?} as the request carried them; offered (OpenAI, compat) is {names, choice?, parallel?}:
//          the functions offered, tool choice and parallel flag as sent; tools, toolChoice (Gemini: toolConfig)
//          and responseFormat (Gemini: {responseMimeType, responseJsonSchema?, responseSchema?}) as the wire
//          carried them; toolResults [{id?, name?, content}] the last turn's results, content as JSON text
//   DELETE /__control/requests                 clears the log and the failcount counters
//   GET|POST /__control/defaults {ttft,tps,tokens}   process-wide pacing for requests without directives
//   GET    /__control/health
// Every vendor response carries `x-fake-request-id`, the id of its log entry.
import { fakeStripe } from './fake-stripe/index.ts';
import { createServer } from 'node:http';
import { defaultsFromEnv } from './fake-upstreams/directives.ts';
import { RequestLog } from './fake-upstreams/request-log.ts';
import { createHandler } from './fake-upstreams/router.ts';

export { expectedReplyText, demoLabel } from './fake-upstreams/reply.ts';
export type { LoggedRequest } from './fake-upstreams/request-log.ts';

export interface FakeUpstreams {
  /** `http://127.0.0.1:PORT`, without a trailing slash. */
  url: string;
  close(): Promise<void>;
}

export async function startFakeUpstreams(
  opts: {
    port?: number;
    host?: string /** Where the fake Stripe keeps its account across restarts. */;
    stripeStateFile?: string;
  } = {},
): Promise<FakeUpstreams> {
  const host = opts.host ?? '127.0.0.1';
  if (opts.stripeStateFile) fakeStripe.persistTo(opts.stripeStateFile);
  const server = createServer(createHandler({ log: new RequestLog(), defaults: defaultsFromEnv(process.env) }));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('fake upstreams: no TCP address');
  const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${address.port}`,
    // Hung streams never end by themselves, so connections are cut rather than awaited.
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

if (import.meta.main) {
  const fakes = await startFakeUpstreams({
    port: Number(process.env.FAKE_UPSTREAM_PORT ?? 8790),
    host: process.env.FAKE_UPSTREAM_HOST,
  });
  console.log(`fake upstreams listening on ${fakes.url}`);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => void fakes.close().then(() => process.exit(0)));
  }
}
