// Issue 24: PDFs through every adapter and through /v1. The real vendor SDKs inside workerd send a
// `document` part as each vendor documents it (read from the SDK's own fetch, as the vendor would
// receive it), the fake vendor reads the bytes and names what it read (its name, pages and size), and
// the OpenAI-compatible server, which documents no file input, is never sent one. Then the same PDF
// through /v1/chat/completions (OpenAI `file` parts), /v1/responses (`input_file`) and /v1/messages
// (Anthropic `document` blocks) for a Claude, an OpenAI and a Gemini model, with the limits every
// vendor can honour.
import { exports } from 'cloudflare:workers';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterEach, describe, expect, inject, it, vi } from 'vitest';
import { PAGE_TOKENS } from '../../scripts/fake-upstreams/documents.ts';
import type { LoggedRequest } from '../../scripts/fake-upstreams/request-log.ts';
import {
  adapters,
  type ChatMessage,
  type ProviderEvent,
  type ProviderId,
  type UserPart,
} from '../../worker/providers/index.ts';
import { minimalPdf, minimalPdfBase64 } from '../pdf-fixture.ts';
import { BASE, call, complete, type OpenAiErrorBody, userWithKey } from './helpers.ts';

const upstream = inject('fakeUpstreamUrl');
const PDF = minimalPdfBase64(2);
const PDF_BYTES = minimalPdf(2).length;
const READ = `I read 1 PDF: report.pdf (2 pages, ${PDF_BYTES} bytes)`;
const doc: UserPart = { type: 'document', mediaType: 'application/pdf', name: 'report.pdf', data: PDF };

afterEach(() => vi.restoreAllMocks());

const ADAPTERS: Record<ProviderId, { model: string; baseURL: string }> = {
  anthropic: { model: 'claude-sonnet-5-5', baseURL: `${upstream}/anthropic` },
  openai: { model: 'gpt-4.1-mini', baseURL: `${upstream}/openai/v1` },
  google: { model: 'gemini-2.5-flash', baseURL: `${upstream}/gemini` },
  'openai-compat': { model: 'llama-test', baseURL: `${upstream}/compat/v1` },
};

/** One reply's events through `provider`'s adapter, the JSON bodies its SDK sent, and the key that tags the fake's log. */
async function run(provider: ProviderId, parts: UserPart[]) {
  const key = crypto.randomUUID();
  const directives = ` [[fake ttft=0 tps=0 key=${key}]]`;
  const paced = [...parts, { type: 'text', text: `Summarise it${directives}` } as const];
  const messages: ChatMessage[] = [
    { role: 'user', content: paced.flatMap((p) => (p.type === 'text' ? [p.text] : [])).join('\n'), parts: paced },
  ];
  const spy = vi.spyOn(globalThis, 'fetch');
  const { model, baseURL } = ADAPTERS[provider];
  const events: ProviderEvent[] = [];
  const stream = adapters[provider].stream(
    { model, maxOutputTokens: 128, signal: new AbortController().signal, messages },
    { apiKey: 'sk-test-0123456789abcdef', baseURL },
  );
  for await (const event of stream) events.push(event);
  const sent = spy.mock.calls.map(([, init]) => JSON.parse(String(init?.body)) as Record<string, unknown>);
  const log = (await (await fetch(`${upstream}/__control/requests?key=${key}`)).json()) as LoggedRequest[];
  return { events, sent, log };
}

const textOf = (events: ProviderEvent[]) => events.flatMap((e) => (e.type === 'text' ? [e.text] : [])).join('');
const LOGGED = [{ name: 'report.pdf', mediaType: 'application/pdf', bytes: PDF_BYTES, pages: 2 }];

describe('a PDF through each adapter', () => {
  it('anthropic: a document block with a base64 source, titled with the file name', async () => {
    const { events, sent, log } = await run('anthropic', [doc]);
    const [message] = sent[0]!.messages as { content: unknown[] }[];
    expect(message!.content[0]).toEqual({
      type: 'document',
      source: { type: 'base64', media_type: 'application/pdf', data: PDF },
      title: 'report.pdf',
    });
    expect(textOf(events)).toBe(READ);
    expect(log[0]?.documents).toEqual(LOGGED);
  });

  it('openai: a file part whose file_data is a data URL of the PDF, with its filename', async () => {
    const { events, sent, log } = await run('openai', [doc]);
    const [message] = sent[0]!.messages as { content: unknown[] }[];
    expect(message!.content[0]).toEqual({
      type: 'file',
      file: { filename: 'report.pdf', file_data: `data:application/pdf;base64,${PDF}` },
    });
    expect(textOf(events)).toBe(READ);
    expect(log[0]?.documents).toEqual(LOGGED);
  });

  it('google: inline data of type application/pdf (Gemini takes no file name there)', async () => {
    const { events, sent, log } = await run('google', [doc]);
    const [content] = sent[0]!.contents as { parts: unknown[] }[];
    expect(content!.parts[0]).toEqual({ inlineData: { mimeType: 'application/pdf', data: PDF } });
    expect(textOf(events)).toBe(`I read 1 PDF: application/pdf (2 pages, ${PDF_BYTES} bytes)`);
    expect(log[0]?.documents).toEqual([{ mediaType: 'application/pdf', bytes: PDF_BYTES, pages: 2 }]);
  });

  it('openai-compat: refused before the server is called, as such servers document no file input', async () => {
    const { events, sent } = await run('openai-compat', [doc]);
    expect(sent).toEqual([]);
    expect(events).toEqual([
      expect.objectContaining({
        type: 'error',
        code: 'bad_request',
        message: expect.stringMatching(/PDF files cannot be sent/),
      }),
    ]);
  });

  it('keeps text, image and PDF parts in their order (Anthropic)', async () => {
    const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';
    const { events, sent } = await run('anthropic', [
      { type: 'text', text: 'Compare' },
      { type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: PNG } },
      doc,
    ]);
    const [message] = sent[0]!.messages as { content: { type: string }[] }[];
    expect(message!.content.map((b) => b.type)).toEqual(['text', 'image', 'document', 'text']);
    expect(textOf(events)).toBe(`I see 1 image: image/png (70 bytes); ${READ}`);
  });
});

const MODELS = [
  ['anthropic/claude-haiku-4-5', 'anthropic'],
  ['openai/gpt-4.1-mini', 'openai'],
  ['google/gemini-2.5-flash', 'gemini'],
] as const;

const workerFetch = ((input: RequestInfo | URL, init?: RequestInit) =>
  exports.default.fetch(new Request(input, init))) as typeof fetch;
const openai = (apiKey: string) => new OpenAI({ apiKey, baseURL: `${BASE}/v1`, maxRetries: 0, fetch: workerFetch });
const anthropic = (apiKey: string) => new Anthropic({ apiKey, baseURL: BASE, maxRetries: 0, fetch: workerFetch });
/** What the fake model answers for the PDF: Gemini's wire carries no file name. */
const readBy = (vendor: string) =>
  vendor === 'gemini' ? `I read 1 PDF: application/pdf (2 pages, ${PDF_BYTES} bytes)` : READ;

describe('PDFs through /v1', () => {
  it.each(MODELS)(
    '%s: an OpenAI file part in Chat Completions reaches the model, its pages billed',
    async (model, vendor) => {
      const { key } = await userWithKey();
      const ask = (content: OpenAI.Chat.ChatCompletionContentPart[]) =>
        openai(key).chat.completions.create({ model, messages: [{ role: 'user', content }] });
      const text = await ask([{ type: 'text', text: 'Summarise it' }]);
      const withPdf = await ask([
        { type: 'text', text: 'Summarise it' },
        { type: 'file', file: { filename: 'report.pdf', file_data: `data:application/pdf;base64,${PDF}` } },
      ]);
      expect(withPdf.choices[0]!.message.content).toBe(readBy(vendor));
      // The vendor's own count for the pages, on top of the same text, is what the call reports.
      expect(withPdf.usage!.prompt_tokens - text.usage!.prompt_tokens).toBe(2 * PAGE_TOKENS[vendor]);
    },
  );

  it.each(MODELS)('%s: an Anthropic document block in Messages reaches the model', async (model, vendor) => {
    const { key } = await userWithKey();
    const message = await anthropic(key).messages.create({
      model,
      max_tokens: 100,
      messages: [
        {
          role: 'user',
          content: [
            {
              type: 'document',
              source: { type: 'base64', media_type: 'application/pdf', data: PDF },
              title: 'report.pdf',
            },
            { type: 'text', text: 'Summarise it' },
          ],
        },
      ],
    });
    expect(message.content).toEqual([{ type: 'text', text: readBy(vendor) }]);
  });

  it.each(MODELS)('%s: an input_file in the Responses API reaches the model', async (model, vendor) => {
    const { key } = await userWithKey();
    const response = await openai(key).responses.create({
      model,
      input: [
        {
          role: 'user',
          content: [
            { type: 'input_text', text: 'Summarise it' },
            { type: 'input_file', filename: 'report.pdf', file_data: `data:application/pdf;base64,${PDF}` },
          ],
        },
      ],
    });
    expect(response.output_text).toBe(readBy(vendor));
  });

  it.each<[string, string, Record<string, unknown>, number, string | null, RegExp]>([
    [
      'a PDF for a model that reads none',
      'openai-compat/llama-test',
      { filename: 'a.pdf', file_data: `data:application/pdf;base64,${PDF}` },
      400,
      'model_cannot_read_file',
      /openai-compat\/llama-test does not read PDF files/,
    ],
    [
      'file_data that is not a data URL',
      'openai/gpt-4.1-mini',
      { filename: 'a.pdf', file_data: PDF },
      400,
      null,
      /data:application\/pdf;base64/,
    ],
    [
      'bytes that are no PDF',
      'openai/gpt-4.1-mini',
      { filename: 'a.pdf', file_data: `data:application/pdf;base64,${btoa('hello there!')}` },
      400,
      null,
      /not a PDF/,
    ],
    [
      'a file uploaded to OpenAI (file_id)',
      'openai/gpt-4.1-mini',
      { file_id: 'file-abc123' },
      400,
      null,
      /file_id: files uploaded to OpenAI are not taken here/,
    ],
    [
      'more than 100 pages',
      'anthropic/claude-haiku-4-5',
      { filename: 'a.pdf', file_data: `data:application/pdf;base64,${minimalPdfBase64(101)}` },
      400,
      null,
      /at most 100 PDF pages in one request; this one has 101/,
    ],
  ])('refuses %s with a clear 400', async (_, model, file, status, code, message) => {
    const { key } = await userWithKey();
    const res = await complete(key, {
      model,
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'hi' },
            { type: 'file', file },
          ],
        },
      ],
    });
    expect(res.status).toBe(status);
    const body = await res.json<OpenAiErrorBody>();
    // OpenAI's envelope: a plain validation error has no code, only its type and message.
    expect(body.error.code).toBe(code);
    expect(body.error.type).toBe('invalid_request_error');
    expect(body.error.message).toMatch(message);
  });
});

describe('a file for a model that cannot read it', () => {
  it('refuses an image for the OpenAI-compatible server’s model with 400 model_cannot_read_file, as a PDF', async () => {
    const { key } = await userWithKey();
    const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';
    const res = await complete(key, {
      model: 'openai-compat/llama-test',
      messages: [
        { role: 'user', content: [{ type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}` } }] },
      ],
    });
    expect(res.status).toBe(400);
    const { error } = await res.json<OpenAiErrorBody>();
    expect(error.code).toBe('model_cannot_read_file');
    expect(error.message).toBe(
      'messages: openai-compat/llama-test does not read images: choose a model that does (GET /api/models says what each reads)',
    );
  });
});

describe('the estimate a PDF is reserved by', () => {
  it('counts 3,000 tokens a page on top of the text (Anthropic’s count_tokens, answered from the estimate)', async () => {
    const { key } = await userWithKey();
    const count = (pages?: number) =>
      anthropic(key).messages.countTokens({
        model: 'anthropic/claude-haiku-4-5',
        messages: [
          {
            role: 'user',
            content: [
              ...(pages
                ? [
                    {
                      type: 'document' as const,
                      source: {
                        type: 'base64' as const,
                        media_type: 'application/pdf' as const,
                        data: minimalPdfBase64(pages),
                      },
                    },
                  ]
                : []),
              { type: 'text', text: 'Summarise it' },
            ],
          },
        ],
      });
    const text = (await count()).input_tokens;
    const two = (await count(2)).input_tokens;
    const five = (await count(5)).input_tokens;
    // On top of the same text (a separator more or less, as the parts' text is joined), 3,000 a page.
    expect(two - text).toBeGreaterThanOrEqual(2 * 3_000);
    expect(two - text).toBeLessThan(2 * 3_000 + 5);
    expect(five - two).toBe(3 * 3_000);
  });
});

describe('GET /api/models says what each model reads', () => {
  it('vendor models read images and PDFs; the OpenAI-compatible server’s, neither', async () => {
    const { models } = await (await call('/api/models')).json<{
      models: { id: string; reads: { image: boolean; pdf: boolean; gif: boolean } }[];
    }>();
    const reads = Object.fromEntries(models.map((m) => [m.id, m.reads]));
    expect(reads['anthropic/claude-haiku-4-5']).toEqual({ image: true, pdf: true, gif: true });
    expect(reads['openai/gpt-4.1-mini']).toEqual({ image: true, pdf: true, gif: true });
    expect(reads['google/gemini-2.5-flash']).toEqual({ image: true, pdf: true, gif: false });
    expect(reads['openai-compat/llama-test']).toEqual({ image: false, pdf: false, gif: false });
  });
});
