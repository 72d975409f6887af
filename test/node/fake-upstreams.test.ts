// The fakes are only useful if the real SDKs cannot tell them from the vendors, so every check
// here goes through @anthropic-ai/sdk, openai and @google/genai exactly as Parley's providers do.
import Anthropic from '@anthropic-ai/sdk';
import { ApiError, GoogleGenAI, type GenerateContentResponse } from '@google/genai';
import { readFile } from 'node:fs/promises';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { expectedReplyText, startFakeUpstreams } from '../../scripts/fake-upstreams.ts';
import type { FakeUpstreams, LoggedRequest } from '../../scripts/fake-upstreams.ts';

let fakes: FakeUpstreams;
let anthropic: Anthropic;
let openai: OpenAI;
let compat: OpenAI;
let gemini: GoogleGenAI;

beforeAll(async () => {
  fakes = await startFakeUpstreams({ port: 0 });
  anthropic = new Anthropic({ apiKey: 'test-key', baseURL: `${fakes.url}/anthropic`, maxRetries: 0 });
  openai = new OpenAI({ apiKey: 'test-key', baseURL: `${fakes.url}/openai/v1`, maxRetries: 0 });
  compat = new OpenAI({ apiKey: 'test-key', baseURL: `${fakes.url}/compat/v1`, maxRetries: 0 });
  gemini = new GoogleGenAI({
    apiKey: 'test-key',
    httpOptions: { baseUrl: `${fakes.url}/gemini`, apiVersion: 'v1beta' },
  });
});

afterAll(() => fakes?.close());

beforeEach(async () => {
  await fetch(`${fakes.url}/__control/requests`, { method: 'DELETE' });
});

async function requests(key?: string): Promise<LoggedRequest[]> {
  const response = await fetch(`${fakes.url}/__control/requests${key ? `?key=${key}` : ''}`);
  return (await response.json()) as LoggedRequest[];
}

/** Waits for the fake to finish recording a request whose client has just gone. */
async function settled(key: string): Promise<LoggedRequest> {
  for (let i = 0; i < 100; i++) {
    const [entry] = await requests(key);
    if (entry && entry.status !== 'in_progress') return entry;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`request ${key} never settled`);
}

interface Reply {
  text: string;
  deltas: number;
  inputTokens: number | undefined;
  outputTokens: number | undefined;
  stop: string | null | undefined;
}

interface CallOptions {
  maxTokens?: number;
  signal?: AbortSignal;
  onDelta?: (count: number) => void;
}

/** One vendor as Parley drives it: the SDK call, and where that SDK reports usage and the stop reason. */
interface Driver {
  vendor: 'anthropic' | 'openai' | 'compat' | 'gemini';
  stopReasons: { end: string; max: string };
  failStatuses: number[];
  stream(prompt: string, options?: CallOptions): Promise<Reply>;
  complete(prompt: string, options?: CallOptions): Promise<Reply>;
}

const anthropicDriver: Driver = {
  vendor: 'anthropic',
  stopReasons: { end: 'end_turn', max: 'max_tokens' },
  failStatuses: [429, 500, 529, 401, 400],
  async stream(prompt, { maxTokens = 1024, signal, onDelta } = {}) {
    let deltas = 0;
    const stream = anthropic.messages.stream(
      { model: 'claude-test', max_tokens: maxTokens, messages: [{ role: 'user', content: prompt }] },
      { signal },
    );
    stream.on('text', () => {
      deltas++;
      onDelta?.(deltas);
    });
    const message = await stream.finalMessage();
    const text = message.content.map((block) => (block.type === 'text' ? block.text : '')).join('');
    return {
      text,
      deltas,
      inputTokens: message.usage.input_tokens,
      outputTokens: message.usage.output_tokens,
      stop: message.stop_reason,
    };
  },
  async complete(prompt, { maxTokens = 1024 } = {}) {
    const message = await anthropic.messages.create({
      model: 'claude-test',
      max_tokens: maxTokens,
      messages: [{ role: 'user', content: prompt }],
    });
    const text = message.content.map((block) => (block.type === 'text' ? block.text : '')).join('');
    return {
      text,
      deltas: 0,
      inputTokens: message.usage.input_tokens,
      outputTokens: message.usage.output_tokens,
      stop: message.stop_reason,
    };
  },
};

function openaiDriver(vendor: 'openai' | 'compat', client: () => OpenAI, model: string): Driver {
  return {
    vendor,
    stopReasons: { end: 'stop', max: 'length' },
    failStatuses: [429, 500, 503, 401, 400],
    async stream(prompt, { maxTokens, signal, onDelta } = {}) {
      const reply: Reply = { text: '', deltas: 0, inputTokens: undefined, outputTokens: undefined, stop: undefined };
      const stream = await client().chat.completions.create(
        {
          model,
          stream: true,
          stream_options: { include_usage: true },
          max_completion_tokens: maxTokens,
          messages: [{ role: 'user', content: prompt }],
        },
        { signal },
      );
      for await (const chunk of stream) {
        const choice = chunk.choices[0];
        if (choice?.delta.content) {
          reply.text += choice.delta.content;
          reply.deltas++;
          onDelta?.(reply.deltas);
        }
        if (choice?.finish_reason) reply.stop = choice.finish_reason;
        if (chunk.usage) {
          reply.inputTokens = chunk.usage.prompt_tokens;
          reply.outputTokens = chunk.usage.completion_tokens;
        }
      }
      // The openai SDK ends an aborted stream silently; Parley checks the signal the same way.
      if (signal?.aborted) throw new Error('aborted');
      return reply;
    },
    async complete(prompt, { maxTokens } = {}) {
      const completion = await client().chat.completions.create({
        model,
        max_completion_tokens: maxTokens,
        messages: [{ role: 'user', content: prompt }],
      });
      const choice = completion.choices[0];
      return {
        text: choice?.message.content ?? '',
        deltas: 0,
        inputTokens: completion.usage?.prompt_tokens,
        outputTokens: completion.usage?.completion_tokens,
        stop: choice?.finish_reason,
      };
    },
  };
}

const geminiDriver: Driver = {
  vendor: 'gemini',
  stopReasons: { end: 'STOP', max: 'MAX_TOKENS' },
  failStatuses: [429, 500, 503, 401, 400],
  async stream(prompt, { maxTokens, signal, onDelta } = {}) {
    const reply: Reply = { text: '', deltas: 0, inputTokens: undefined, outputTokens: undefined, stop: undefined };
    const stream = await gemini.models.generateContentStream({
      model: 'gemini-test',
      contents: [{ role: 'user', parts: [{ text: prompt }] }],
      config: { maxOutputTokens: maxTokens, abortSignal: signal },
    });
    for await (const chunk of stream) {
      const candidate = chunk.candidates?.[0];
      const text = (candidate?.content?.parts ?? []).map((part) => part.text ?? '').join('');
      if (text) {
        reply.text += text;
        reply.deltas++;
        onDelta?.(reply.deltas);
      }
      if (candidate?.finishReason) reply.stop = candidate.finishReason;
      // Interim chunks carry running counts: keep the last, never add them up.
      if (chunk.usageMetadata) {
        reply.inputTokens = chunk.usageMetadata.promptTokenCount;
        reply.outputTokens = chunk.usageMetadata.candidatesTokenCount;
      }
    }
    return reply;
  },
  async complete(prompt, { maxTokens } = {}) {
    const response = await gemini.models.generateContent({
      model: 'gemini-test',
      contents: [{ role: 'user', parts: [{ text: prompt }] }],
      config: { maxOutputTokens: maxTokens },
    });
    const candidate = response.candidates?.[0];
    const text = (candidate?.content?.parts ?? []).map((part) => part.text ?? '').join('');
    return {
      text,
      deltas: 0,
      inputTokens: response.usageMetadata?.promptTokenCount,
      outputTokens: response.usageMetadata?.candidatesTokenCount,
      stop: candidate?.finishReason,
    };
  },
};

const drivers: Driver[] = [
  anthropicDriver,
  openaiDriver('openai', () => openai, 'gpt-test'),
  openaiDriver('compat', () => compat, 'any/model-name:latest'),
  geminiDriver,
];

function statusOf(error: unknown): number | undefined {
  if (error instanceof Anthropic.APIError || error instanceof OpenAI.APIError || error instanceof ApiError)
    return error.status;
  return undefined;
}

describe.each(drivers)('$vendor through its official SDK', (driver) => {
  const { vendor } = driver;
  const tokens = (prompt: string) => Math.ceil(prompt.length / 4);

  it('streams the deterministic reply one token per delta, with usage and the end stop reason', async () => {
    const prompt = `Hello there [[fake tokens=30 key=${vendor}-stream]]`;
    const reply = await driver.stream(prompt);
    expect(reply.text).toBe(expectedReplyText(vendor, 30));
    expect(reply.text).toMatch(
      /^\(Offline demo reply from Parley's fake .* upstream — set \w+ for real answers\.\) token-\d+/,
    );
    expect(reply.text.endsWith(' token-30')).toBe(true);
    expect(reply.deltas).toBe(30);
    expect(reply).toMatchObject({ inputTokens: tokens(prompt), outputTokens: 30, stop: driver.stopReasons.end });
    expect(await requests(`${vendor}-stream`)).toMatchObject([
      { vendor, stream: true, status: 'completed', tokensSent: 30, messages: 1, system: false },
    ]);
  });

  it('cuts the reply at a small max tokens and says why', async () => {
    const reply = await driver.stream(`[[fake tokens=30]] short please`, { maxTokens: 4 });
    expect(reply.text).toBe(expectedReplyText(vendor, 30, 4));
    expect(reply).toMatchObject({ deltas: 4, outputTokens: 4, stop: driver.stopReasons.max });
  });

  it('answers without streaming', async () => {
    const prompt = `[[fake tokens=12 key=${vendor}-json]]`;
    const reply = await driver.complete(prompt);
    expect(reply).toMatchObject({
      text: expectedReplyText(vendor, 12),
      inputTokens: tokens(prompt),
      outputTokens: 12,
      stop: driver.stopReasons.end,
    });
    const short = await driver.complete('[[fake tokens=12]]', { maxTokens: 3 });
    expect(short).toMatchObject({
      text: expectedReplyText(vendor, 12, 3),
      outputTokens: 3,
      stop: driver.stopReasons.max,
    });
    expect(await requests(`${vendor}-json`)).toMatchObject([{ stream: false, status: 'completed', tokensSent: 12 }]);
  });

  it.each(driver.failStatuses)('turns fail=%i into the SDK error with that status', async (status) => {
    const error = await driver.stream(`[[fake fail=${status} key=${vendor}-fail-${status}]]`).catch((e: unknown) => e);
    expect(statusOf(error)).toBe(status);
    expect(await requests(`${vendor}-fail-${status}`)).toMatchObject([
      { status: 'failed', httpStatus: status, tokensSent: 0 },
    ]);
  });

  it('fails only the first attempt with failcount=1, so a retry succeeds', async () => {
    const prompt = `[[fake fail=429 failcount=1 key=${vendor}-retry tokens=5]]`;
    expect(statusOf(await driver.stream(prompt).catch((e: unknown) => e))).toBe(429);
    expect((await driver.stream(prompt)).text).toBe(expectedReplyText(vendor, 5));
    expect((await requests(`${vendor}-retry`)).map((r) => r.status)).toEqual(['failed', 'completed']);
  });

  it('records an aborted stream as client_closed before the reply is done', async () => {
    const controller = new AbortController();
    const key = `${vendor}-abort`;
    const outcome = driver.stream(`[[fake tokens=200 tps=100 key=${key}]]`, {
      signal: controller.signal,
      onDelta: (count) => count === 3 && controller.abort(),
    });
    await expect(outcome).rejects.toThrow();
    const entry = await settled(key);
    expect(entry.status).toBe('client_closed');
    expect(entry.tokensSent).toBeGreaterThanOrEqual(3);
    expect(entry.tokensSent).toBeLessThan(200);
  });

  it('records a hung stream as client_closed once the client gives up', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 150);
    await expect(driver.stream(`[[fake hang=1 key=${vendor}-hang]]`, { signal: controller.signal })).rejects.toThrow();
    expect(await settled(`${vendor}-hang`)).toMatchObject({ status: 'client_closed', tokensSent: 0 });
  });

  it('surfaces a dropped connection as an error on the client', async () => {
    let received = 0;
    const outcome = driver.stream(`[[fake tokens=20 drop=5 key=${vendor}-drop]]`, {
      onDelta: (count) => (received = count),
    });
    await expect(outcome).rejects.toThrow();
    expect(received).toBe(5);
    expect(await settled(`${vendor}-drop`)).toMatchObject({ status: 'dropped', tokensSent: 5 });
  });

  it('reports a mid-stream failure as an error after the first tokens', async () => {
    let received = 0;
    const outcome = driver.stream(`[[fake tokens=20 fail=500 failafter=3 key=${vendor}-midfail]]`, {
      onDelta: (count) => (received = count),
    });
    await expect(outcome).rejects.toThrow();
    expect(received).toBe(3);
    expect(await settled(`${vendor}-midfail`)).toMatchObject({ status: 'failed', tokensSent: 3 });
  });

  it('paces tokens by ttft and tps', async () => {
    const started = Date.now();
    let firstAt = 0;
    await driver.stream('[[fake ttft=120 tps=100 tokens=11]]', {
      onDelta: (count) => count === 1 && (firstAt = Date.now()),
    });
    const total = Date.now() - started;
    expect(firstAt - started).toBeGreaterThanOrEqual(110);
    expect(total).toBeGreaterThanOrEqual(210); // 120 ms, then 10 more tokens at 10 ms each
  });
});

describe('fake upstreams beyond one SDK call', () => {
  it('echo=1 replies with the last user message, its directives removed, a word per token', async () => {
    const text = 'Here is `<b>code</b>` and *more*\n\n```js\nalert(1)\n```';
    const stream = anthropic.messages.stream({
      model: 'claude-test',
      max_tokens: 100,
      messages: [{ role: 'user', content: `[[fake echo=1]] ${text}` }],
    });
    const deltas: string[] = [];
    stream.on('text', (delta) => deltas.push(delta));
    const final = await stream.finalMessage();
    expect(deltas.join('')).toBe(text);
    expect(deltas.length).toBe(final.usage.output_tokens);
    expect(final.stop_reason).toBe('end_turn');
  });

  it('answers a request without a key with the vendor auth error', async () => {
    const post = (path: string, body: unknown) =>
      fetch(`${fakes.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const a = await post('/anthropic/v1/messages', {
      model: 'm',
      max_tokens: 5,
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(a.status).toBe(401);
    expect(await a.json()).toMatchObject({ type: 'error', error: { type: 'authentication_error' } });
    const o = await post('/openai/v1/chat/completions', { model: 'm', messages: [{ role: 'user', content: 'hi' }] });
    expect(o.status).toBe(401);
    expect(await o.json()).toMatchObject({ error: { type: 'invalid_request_error' } });
    const g = await post('/gemini/v1beta/models/m:generateContent', {
      contents: [{ role: 'user', parts: [{ text: 'hi' }] }],
    });
    expect(g.status).toBe(403);
    expect(await g.json()).toMatchObject({ error: { code: 403, status: 'PERMISSION_DENIED' } });
  });

  it('sends Retry-After and the vendor error type on an Anthropic 429, and the SDK retries past failcount', async () => {
    const error = await anthropic.messages
      .create({
        model: 'claude-test',
        max_tokens: 10,
        messages: [{ role: 'user', content: '[[fake fail=429 retryafter=7]]' }],
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Anthropic.RateLimitError);
    const rateLimited = error as InstanceType<typeof Anthropic.RateLimitError>;
    expect(rateLimited.headers.get('retry-after')).toBe('7');
    expect(rateLimited.type).toBe('rate_limit_error');
    expect(rateLimited.requestID).toMatch(/^req_/);
    expect(
      await anthropic.messages
        .create({ model: 'x', max_tokens: 5, messages: [{ role: 'user', content: '[[fake fail=529]]' }] })
        .catch((e: unknown) => e),
    ).toBeInstanceOf(Anthropic.OverloadedError);

    const retrying = new Anthropic({ apiKey: 'k', baseURL: `${fakes.url}/anthropic`, maxRetries: 2 });
    const reply = await retrying.messages.create({
      model: 'claude-test',
      max_tokens: 10,
      messages: [{ role: 'user', content: '[[fake fail=529 failcount=2 retryafter=0.01 key=sdk-retry tokens=3]]' }],
    });
    expect(reply.content).toEqual([{ type: 'text', text: expectedReplyText('anthropic', 3) }]);
    expect((await requests('sdk-retry')).map((r) => r.status)).toEqual(['failed', 'failed', 'completed']);
  });

  it('drops or hangs a non-streaming reply too', async () => {
    const create = (content: string, signal?: AbortSignal) =>
      anthropic.messages.create(
        { model: 'claude-test', max_tokens: 100, messages: [{ role: 'user', content }] },
        { signal },
      );
    await expect(create('[[fake drop=3 key=json-drop]]')).rejects.toThrow(); // the body read fails: undici's "terminated"
    expect(await settled('json-drop')).toMatchObject({ status: 'dropped', httpStatus: 200 });
    await expect(create('[[fake hang=1 key=json-hang]]', AbortSignal.timeout(100))).rejects.toThrow();
    expect(await settled('json-hang')).toMatchObject({ status: 'client_closed', tokensSent: 0 });
  });

  it('cuts an Anthropic reply at a stop sequence and names it', async () => {
    const message = await anthropic.messages.create({
      model: 'claude-test',
      max_tokens: 100,
      stop_sequences: ['reply from'],
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(message).toMatchObject({
      stop_reason: 'stop_sequence',
      stop_sequence: 'reply from',
      content: [{ type: 'text', text: '(Offline demo ' }],
    });
  });

  it('logs the conversation shape without its text', async () => {
    await anthropic.messages.create({
      model: 'claude-test',
      max_tokens: 10,
      system: 'Be brief.',
      messages: [
        { role: 'user', content: 'one' },
        { role: 'assistant', content: 'two' },
        { role: 'user', content: [{ type: 'text', text: 'three [[fake key=shape tokens=2]]' }] },
      ],
    });
    const [entry] = await requests('shape');
    expect(entry).toMatchObject({
      vendor: 'anthropic',
      model: 'claude-test',
      stream: false,
      messages: 3,
      system: true,
      tokensSent: 2,
    });
    expect(entry?.inputTokens).toBe(
      Math.ceil(['Be brief.', 'one', 'two', 'three [[fake key=shape tokens=2]]'].join('\n').length / 4),
    );
    expect(entry).not.toHaveProperty('prompt');
  });

  it('tags every response with its log id', async () => {
    const { data, response } = await openai.chat.completions
      .create({ model: 'gpt-test', messages: [{ role: 'user', content: '[[fake key=tagged tokens=1]]' }] })
      .withResponse();
    expect(data.choices[0]?.message.content).toBe('(Offline');
    const [entry] = await requests('tagged');
    expect(response.headers.get('x-fake-request-id')).toBe(entry?.id);
  });

  it('lists models for OpenAI and the compatible server', async () => {
    expect((await openai.models.list()).data.length).toBeGreaterThan(0);
    expect((await compat.models.list()).data.length).toBeGreaterThan(0);
  });

  it('applies process-wide defaults to requests without directives', async () => {
    const set = (body: unknown) =>
      fetch(`${fakes.url}/__control/defaults`, { method: 'POST', body: JSON.stringify(body) }).then((r) => r.json());
    const before = await set({});
    try {
      expect(await set({ tokens: 6 })).toMatchObject({ tokens: 6 });
      const reply = await geminiDriver.stream('no directive here');
      expect(reply.text).toBe(expectedReplyText('gemini', 6));
    } finally {
      await set(before);
    }
  });
});

interface RawOptions {
  /** Streamed (the default) or not. */
  stream?: boolean;
  /** Offer one function, `get_weather`, as the vendor spells a tool. */
  tools?: boolean;
}

const weatherSchema = { type: 'object', properties: { location: { type: 'string' } }, required: ['location'] };

/** An OpenAI Chat Completions request, for OpenAI itself and the compatible server. */
const openaiRequest =
  (prefix: string, model: string) =>
  (text: string, { stream = true, tools = false }: RawOptions) => ({
    path: `${prefix}/v1/chat/completions`,
    headers: { authorization: 'Bearer test-key' },
    body: {
      model,
      ...(stream ? { stream: true, stream_options: { include_usage: true } } : {}),
      messages: [{ role: 'user', content: text }],
      ...(tools ? { tools: [{ type: 'function', function: { name: 'get_weather', parameters: weatherSchema } }] } : {}),
    },
  });

/** A request as each vendor's wire protocol carries it, with `text` as the last user message. */
const rawRequests: Record<
  Driver['vendor'],
  (text: string, options: RawOptions) => { path: string; headers: Record<string, string>; body: unknown }
> = {
  anthropic: (text, { stream = true, tools = false }) => ({
    path: '/anthropic/v1/messages',
    headers: { 'x-api-key': 'test-key', 'anthropic-version': '2023-06-01' },
    body: {
      model: 'claude-test',
      max_tokens: 256,
      ...(stream ? { stream: true } : {}),
      messages: [{ role: 'user', content: text }],
      ...(tools ? { tools: [{ name: 'get_weather', input_schema: weatherSchema }] } : {}),
    },
  }),
  openai: openaiRequest('/openai', 'gpt-test'),
  compat: openaiRequest('/compat', 'any/model'),
  gemini: (text, { stream = true, tools = false }) => ({
    path: `/gemini/v1beta/models/gemini-test:${stream ? 'streamGenerateContent?alt=sse' : 'generateContent'}`,
    headers: { 'x-goog-api-key': 'test-key' },
    body: {
      contents: [{ role: 'user', parts: [{ text }] }],
      ...(tools
        ? { tools: [{ functionDeclarations: [{ name: 'get_weather', parametersJsonSchema: weatherSchema }] }] }
        : {}),
    },
  }),
};

async function sendRaw(vendor: Driver['vendor'], text: string, options: RawOptions = {}): Promise<Response> {
  const { path, headers, body } = rawRequests[vendor](text, options);
  return fetch(`${fakes.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

/** The JSON of every `data:` field in an SSE body, with the name of the event it belongs to. */
function sseEvents(body: string): { event: string | undefined; data: Record<string, unknown> }[] {
  return body
    .split(/\r?\n\r?\n/)
    .map((block) => ({ event: /^event: (.*)$/m.exec(block)?.[1], data: /^data: (.*)$/m.exec(block)?.[1] }))
    .filter((e): e is { event: string | undefined; data: string } => e.data !== undefined && e.data !== '[DONE]')
    .map((e) => ({ event: e.event, data: JSON.parse(e.data) as Record<string, unknown> }));
}

describe('documented vendor streams', () => {
  const fixtures: Record<Driver['vendor'], string> = {
    anthropic: 'anthropic.sse',
    openai: 'openai.sse',
    compat: 'openai.sse',
    gemini: 'gemini.sse',
  };

  it.each(Object.keys(fixtures) as Driver['vendor'][])(
    'replays the %s documented stream byte for byte for documented=1',
    async (vendor) => {
      const fixture = await readFile(
        new URL(`../../scripts/fake-upstreams/documented/${fixtures[vendor]}`, import.meta.url),
      );
      const response = await sendRaw(vendor, `Hi [[fake documented=1 key=${vendor}-documented]]`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/event-stream');
      expect(Buffer.from(await response.arrayBuffer()).equals(fixture)).toBe(true);
      expect(await settled(`${vendor}-documented`)).toMatchObject({
        vendor,
        stream: true,
        status: 'completed',
        httpStatus: 200,
      });
    },
  );
});

describe('documented vendor replies without streaming', () => {
  /** Each vendor's documented JSON bodies (the compatible server's are OpenAI's), and the header its replies carry its request id in. */
  const documented: Record<Driver['vendor'], { text: string; tools: string; requestId: string }> = {
    anthropic: { text: 'anthropic.json', tools: 'anthropic-tools.json', requestId: 'request-id' },
    openai: { text: 'openai.json', tools: 'openai-tools.json', requestId: 'x-request-id' },
    compat: { text: 'openai.json', tools: 'openai-tools.json', requestId: 'x-request-id' },
    gemini: { text: 'gemini.json', tools: 'gemini-tools.json', requestId: 'x-goog-request-id' },
  };
  const cases = (Object.keys(documented) as Driver['vendor'][]).flatMap((vendor) =>
    [false, true].map((tools) => ({ vendor, tools, file: documented[vendor][tools ? 'tools' : 'text'] })),
  );

  it.each(cases)(
    'sends $file byte for byte for documented=1 to a $vendor request not streamed (tools: $tools)',
    async ({ vendor, tools, file }) => {
      const fixture = await readFile(new URL(`../../scripts/fake-upstreams/documented/${file}`, import.meta.url));
      const key = `${vendor}-documented-json-${tools ? 'tools' : 'text'}`;
      const response = await sendRaw(vendor, `Hi [[fake documented=1 key=${key}]]`, { stream: false, tools });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('application/json');
      expect(response.headers.get(documented[vendor].requestId)).toMatch(/^req_/);
      expect(Buffer.from(await response.arrayBuffer()).equals(fixture)).toBe(true);
      expect(await settled(key)).toMatchObject({
        vendor,
        stream: false,
        status: 'completed',
        httpStatus: 200,
        tokensSent: 0,
      });
    },
  );

  it('still fails such a request upfront for fail=N', async () => {
    const response = await sendRaw('anthropic', '[[fake documented=1 fail=529 key=documented-json-fail]]', {
      stream: false,
    });
    expect(response.status).toBe(529);
    expect(await response.json()).toMatchObject({ type: 'error', error: { type: 'overloaded_error' } });
    expect(await settled('documented-json-fail')).toMatchObject({ status: 'failed', httpStatus: 529 });
  });
});

describe('default streams leave out what the vendors document as left out', () => {
  it("gives Anthropic's message_delta only output_tokens and message_start only the documented counts", async () => {
    const events = sseEvents(await (await sendRaw('anthropic', '[[fake tokens=3]]')).text());
    const start = events.find((e) => e.event === 'message_start')?.data as { message: { usage: unknown } };
    expect(start.message.usage).toEqual({ input_tokens: expect.any(Number), output_tokens: 1 });
    const delta = events.find((e) => e.event === 'message_delta')?.data;
    expect(delta).toEqual({
      type: 'message_delta',
      delta: { stop_reason: 'end_turn', stop_sequence: null },
      usage: { output_tokens: 3 },
    });
  });

  it("gives Gemini's interim chunks only promptTokenCount and the last one the candidates' count", async () => {
    const chunks = sseEvents(await (await sendRaw('gemini', '[[fake tokens=3]]')).text()).map(
      (e) => e.data.usageMetadata,
    );
    const prompt = Math.ceil('[[fake tokens=3]]'.length / 4);
    expect(chunks).toEqual([
      { promptTokenCount: prompt },
      { promptTokenCount: prompt },
      { promptTokenCount: prompt },
      { promptTokenCount: prompt, candidatesTokenCount: 3, totalTokenCount: prompt + 3 },
    ]);
  });

  it('gives OpenAI chunks usage null and one last choices-less chunk with the required counts', async () => {
    const chunks = sseEvents(await (await sendRaw('openai', '[[fake tokens=3]]')).text()).map((e) => e.data);
    expect(
      chunks.slice(0, -1).every((c) => c.usage === null && Array.isArray(c.choices) && c.choices.length === 1),
    ).toBe(true);
    const prompt = Math.ceil('[[fake tokens=3]]'.length / 4);
    expect(chunks.at(-1)).toMatchObject({
      choices: [],
      usage: { prompt_tokens: prompt, completion_tokens: 3, total_tokens: prompt + 3 },
    });
    expect(Object.keys(chunks.at(-1)?.usage as object)).toEqual(['prompt_tokens', 'completion_tokens', 'total_tokens']);
  });
});

describe('sampling in the request log', () => {
  const cut = '(Offline demo ';
  /** One raw request per vendor, its sampling under the vendor's own field names, and where its reply says why it stopped. */
  const cases = [
    {
      vendor: 'anthropic',
      path: '/anthropic/v1/messages',
      headers: { 'x-api-key': 'test-key', 'anthropic-version': '2023-06-01' },
      body: (text: string) => ({
        model: 'claude-test',
        max_tokens: 50,
        temperature: 0.3,
        top_p: 0.9,
        stop_sequences: ['reply from'],
        messages: [{ role: 'user', content: text }],
      }),
      sampling: { temperature: 0.3, topP: 0.9, stop: ['reply from'], maxTokens: 50 },
      reply: (json: unknown) => {
        const message = json as Anthropic.Message;
        return {
          text: message.content.map((block) => (block.type === 'text' ? block.text : '')).join(''),
          stop: message.stop_reason,
          sequence: message.stop_sequence,
        };
      },
      stopped: { text: cut, stop: 'stop_sequence', sequence: 'reply from' },
    },
    {
      vendor: 'openai',
      path: '/openai/v1/chat/completions',
      headers: { authorization: 'Bearer test-key' },
      // Both limits sent: max_completion_tokens is the one read.
      body: (text: string) => ({
        model: 'gpt-test',
        temperature: 1.5,
        top_p: 0.5,
        stop: 'reply from',
        max_completion_tokens: 50,
        max_tokens: 7,
        messages: [{ role: 'user', content: text }],
      }),
      sampling: { temperature: 1.5, topP: 0.5, stop: ['reply from'], maxTokens: 50 },
      reply: (json: unknown) => {
        const choice = (json as OpenAI.ChatCompletion).choices[0];
        return { text: choice?.message.content, stop: choice?.finish_reason };
      },
      stopped: { text: cut, stop: 'stop' },
    },
    {
      vendor: 'gemini',
      path: '/gemini/v1beta/models/gemini-test:generateContent',
      headers: { 'x-goog-api-key': 'test-key' },
      body: (text: string) => ({
        contents: [{ role: 'user', parts: [{ text }] }],
        generationConfig: { temperature: 0, topP: 1, stopSequences: ['reply from', 'token-3'], maxOutputTokens: 50 },
      }),
      sampling: { temperature: 0, topP: 1, stop: ['reply from', 'token-3'], maxTokens: 50 },
      reply: (json: unknown) => {
        const candidate = (json as GenerateContentResponse).candidates?.[0];
        return {
          text: candidate?.content?.parts?.map((part) => part.text ?? '').join(''),
          stop: candidate?.finishReason,
        };
      },
      stopped: { text: cut, stop: 'STOP' },
    },
  ] as const;

  const post = (path: string, headers: Record<string, string>, body: unknown) =>
    fetch(`${fakes.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });

  it.each(cases)('records $vendor sampling from its own field names and stops at the stop sequence', async (c) => {
    const key = `${c.vendor}-sampling`;
    const response = await post(c.path, c.headers, c.body(`hi [[fake key=${key}]]`));
    expect(response.status).toBe(200);
    expect(c.reply(await response.json())).toEqual(c.stopped);
    const [entry] = await requests(key);
    expect(entry?.sampling).toEqual(c.sampling);
  });

  it('reads an OpenAI stop list and the legacy max_tokens, and leaves out what the request left out', async () => {
    const ask = (key: string, extra: object) =>
      post(
        '/openai/v1/chat/completions',
        { authorization: 'Bearer test-key' },
        { model: 'gpt-test', messages: [{ role: 'user', content: `[[fake key=${key}]]` }], ...extra },
      );
    await ask('sampling-list', { stop: ['token-9', 'token-5'], max_tokens: 20 });
    await ask('sampling-temperature', { temperature: 0.2, top_p: null });
    await ask('sampling-none', {});
    expect((await requests('sampling-list'))[0]?.sampling).toEqual({ stop: ['token-9', 'token-5'], maxTokens: 20 });
    expect((await requests('sampling-temperature'))[0]?.sampling).toEqual({ temperature: 0.2 });
    expect((await requests('sampling-none'))[0]).not.toHaveProperty('sampling');
  });
});
