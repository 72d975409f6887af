// Issue 24: the fakes read PDFs as each vendor documents them (scripts/fake-upstreams/documents.ts),
// through the vendors' own SDKs: Anthropic `document` blocks, OpenAI Chat Completions `file` parts,
// Gemini `inlineData` of application/pdf. Each says what it read (name, pages, bytes), counts the
// pages in the prompt tokens, logs the PDFs, and refuses what its vendor refuses with the vendor's
// status and error body.
import Anthropic from '@anthropic-ai/sdk';
import { GoogleGenAI } from '@google/genai';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeUpstreams, type FakeUpstreams } from '../../scripts/fake-upstreams.ts';
import { PAGE_TOKENS } from '../../scripts/fake-upstreams/documents.ts';
import type { LoggedRequest } from '../../scripts/fake-upstreams/request-log.ts';
import { minimalPdf, minimalPdfBase64 } from '../pdf-fixture.ts';

let fakes: FakeUpstreams;
let anthropic: Anthropic;
let openai: OpenAI;
let gemini: GoogleGenAI;

beforeAll(async () => {
  fakes = await startFakeUpstreams({ port: 0 });
  anthropic = new Anthropic({ apiKey: 'test-key', baseURL: `${fakes.url}/anthropic`, maxRetries: 0 });
  openai = new OpenAI({ apiKey: 'test-key', baseURL: `${fakes.url}/openai/v1`, maxRetries: 0 });
  gemini = new GoogleGenAI({
    apiKey: 'test-key',
    httpOptions: { baseUrl: `${fakes.url}/gemini`, apiVersion: 'v1beta' },
  });
});
beforeEach(async () => {
  await fetch(`${fakes.url}/__control/requests`, { method: 'DELETE' });
});
afterAll(() => fakes?.close());

const PACE = ' [[fake ttft=0 tps=0]]';
const PDF2 = minimalPdfBase64(2);
const PDF2_BYTES = minimalPdf(2).length;
const read = `I read 1 PDF: report.pdf (2 pages, ${PDF2_BYTES} bytes)`;

async function logged(): Promise<LoggedRequest[]> {
  return (await fetch(`${fakes.url}/__control/requests`)).json() as Promise<LoggedRequest[]>;
}

/** The error an SDK call raised, as the vendor's status and body. */
async function failure(call: Promise<unknown>) {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeDefined();
  return error as { status: number; error: unknown; message: string };
}

describe('fake Anthropic PDFs', () => {
  const doc = (data = PDF2, title = 'report.pdf') =>
    ({ type: 'document', source: { type: 'base64', media_type: 'application/pdf', data }, title }) as const;
  const ask = (...content: Anthropic.ContentBlockParam[]) =>
    anthropic.messages.create({
      model: 'claude-test',
      max_tokens: 64,
      messages: [{ role: 'user', content: [...content, { type: 'text', text: `Summarise${PACE}` }] }],
    });

  it('reads a document block, names its title, pages and bytes, and counts its pages in input tokens', async () => {
    const plain = await ask();
    const message = await ask(doc());
    expect(message.content).toEqual([{ type: 'text', text: read }]);
    expect(message.usage.input_tokens - plain.usage.input_tokens).toBe(2 * PAGE_TOKENS.anthropic);
    expect((await logged()).at(-1)?.documents).toEqual([
      { name: 'report.pdf', mediaType: 'application/pdf', bytes: PDF2_BYTES, pages: 2 },
    ]);
  });

  it('refuses more than 100 pages in a request with 400 invalid_request_error, in the API’s words', async () => {
    const error = await failure(ask(doc(minimalPdfBase64(101))));
    expect(error.status).toBe(400);
    expect(error.error).toEqual({
      type: 'error',
      error: { type: 'invalid_request_error', message: 'A maximum of 100 PDF pages may be provided.' },
    });
  });

  it('refuses a document whose media type is not application/pdf, and bytes that are no PDF', async () => {
    const wrongType = await failure(
      anthropic.messages.create({
        model: 'claude-test',
        max_tokens: 64,
        messages: [
          {
            role: 'user',
            content: [
              {
                type: 'document',
                source: { type: 'base64', media_type: 'image/png' as 'application/pdf', data: PDF2 },
              },
            ],
          },
        ],
      }),
    );
    expect(wrongType.status).toBe(400);
    expect(JSON.stringify(wrongType.error)).toContain("media_type: Input should be 'application/pdf'");
    const notPdf = await failure(ask(doc(btoa('hello, not a pdf'))));
    expect(notPdf.status).toBe(400);
    expect(JSON.stringify(notPdf.error)).toContain('The PDF specified was not valid.');
  });

  it('refuses a request over 32 MB with 413 request_too_large', async () => {
    const big = btoa(`%PDF-1.4\n${'x'.repeat(25 * 1024 * 1024)}`);
    const error = await failure(ask(doc(big)));
    expect(error.status).toBe(413);
    expect(error.error).toEqual({
      type: 'error',
      error: { type: 'request_too_large', message: 'Request exceeds the maximum allowed number of bytes.' },
    });
  });
});

describe('fake OpenAI PDFs', () => {
  const ask = (file: { filename?: string; file_data?: string }) =>
    openai.chat.completions.create({
      model: 'gpt-test',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'file', file },
            { type: 'text', text: `Summarise${PACE}` },
          ],
        },
      ],
    });

  it('reads a file part with a PDF data URL, names it, and counts its pages', async () => {
    const completion = await ask({ filename: 'report.pdf', file_data: `data:application/pdf;base64,${PDF2}` });
    expect(completion.choices[0]?.message.content).toBe(read);
    const plain = await openai.chat.completions.create({
      model: 'gpt-test',
      messages: [{ role: 'user', content: [{ type: 'text', text: `Summarise${PACE}` }] }],
    });
    expect(completion.usage!.prompt_tokens - plain.usage!.prompt_tokens).toBe(2 * PAGE_TOKENS.openai);
    expect((await logged()).find((r) => r.documents)?.documents).toEqual([
      { name: 'report.pdf', mediaType: 'application/pdf', bytes: PDF2_BYTES, pages: 2 },
    ]);
  });

  it('refuses file_data that is not a data URL with 400 invalid_request_error', async () => {
    const error = await failure(ask({ filename: 'report.pdf', file_data: PDF2 }));
    expect(error.status).toBe(400);
    expect(error.error).toMatchObject({ type: 'invalid_request_error' });
    expect(error.message).toContain(
      "Invalid 'messages[0].content[0].file.file_data'. Expected a base64-encoded data URL with an application/pdf MIME type",
    );
  });

  it('refuses a data URL of another type: Chat Completions takes only PDFs', async () => {
    const error = await failure(ask({ filename: 'notes.txt', file_data: `data:text/plain;base64,${btoa('hi')}` }));
    expect(error.status).toBe(400);
    expect(error.message).toContain('accepts only PDF files');
  });
});

describe('fake Gemini PDFs', () => {
  const ask = (data: string) =>
    gemini.models.generateContent({
      model: 'gemini-test',
      contents: [
        { role: 'user', parts: [{ inlineData: { mimeType: 'application/pdf', data } }, { text: `Summarise${PACE}` }] },
      ],
    });

  it('reads inline PDF data and counts 258 tokens a page', async () => {
    const plain = await gemini.models.generateContent({
      model: 'gemini-test',
      contents: [{ role: 'user', parts: [{ text: `Summarise${PACE}` }] }],
    });
    const reply = await ask(PDF2);
    // Gemini's inline data carries no name: the fake names the media type.
    expect(reply.text).toBe(`I read 1 PDF: application/pdf (2 pages, ${PDF2_BYTES} bytes)`);
    expect(reply.usageMetadata!.promptTokenCount! - plain.usageMetadata!.promptTokenCount!).toBe(
      2 * PAGE_TOKENS.gemini,
    );
  });

  it('refuses a request over 20 MB with 400 INVALID_ARGUMENT, in Google’s words', async () => {
    const response = await fetch(`${fakes.url}/gemini/v1beta/models/gemini-test:generateContent`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-goog-api-key': 'test-key' },
      body: JSON.stringify({
        contents: [
          {
            role: 'user',
            parts: [
              { inlineData: { mimeType: 'application/pdf', data: btoa(`%PDF-1.4\n${'x'.repeat(16 * 1024 * 1024)}`) } },
            ],
          },
        ],
      }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: {
        code: 400,
        message: 'Request payload size exceeds the limit: 20971520 bytes.',
        status: 'INVALID_ARGUMENT',
      },
    });
  });
});
