import { describe, expect, it } from 'vitest';
import { MODELS, type ModelInfo } from '../providers/registry.ts';
import { sniffFile } from './sniff.ts';
import type { ChatMessage, UserPart } from '../providers/types.ts';
import { readableTurns, unsendableFile } from './parts.ts';

const model = MODELS[0]!;

describe('what a model can be sent', () => {
  const pdf = { kind: 'pdf' as const, name: 'paper.pdf', mediaType: 'application/pdf', size: 40_000 };
  const image = { kind: 'image' as const, name: 'dot.png', mediaType: 'image/png', size: 2_000 };
  const text = { kind: 'text' as const, name: 'notes.md', mediaType: 'text/markdown', size: 300 };
  const message = (refusal: ReturnType<typeof unsendableFile>) => refusal?.message;

  it("follows the registry's reads, naming the model, the kind and the file", () => {
    const textOnly = { ...model, reads: { image: false, pdf: false, gif: false } } as ModelInfo;
    expect(unsendableFile(textOnly, [text])).toBeUndefined();
    expect(unsendableFile(textOnly, [text, pdf])).toEqual({
      status: 400,
      code: 'model_cannot_read_file',
      message: `${model.id} does not read PDFs (paper.pdf): choose a model that does, or send the message without it`,
    });
    expect(
      message(unsendableFile({ ...model, reads: { image: false, pdf: true, gif: false } } as ModelInfo, [pdf, image])),
    ).toContain('does not read images (dot.png)');
    expect(unsendableFile(model, [image, pdf, text])).toBeUndefined();
  });

  it('refuses a GIF to a Gemini model only, as Gemini reads no GIF', () => {
    const gif = { ...image, name: 'wave.gif', mediaType: 'image/gif' };
    const gemini = MODELS.find((m) => m.provider === 'google')!;
    const claude = MODELS.find((m) => m.provider === 'anthropic')!;
    expect(unsendableFile(gemini, [gif])).toMatchObject({ status: 400, code: 'model_cannot_read_file' });
    expect(message(unsendableFile(gemini, [gif]))).toContain(`${gemini.id} does not read GIF images (wave.gif)`);
    expect(unsendableFile(claude, [gif])).toBeUndefined();
  });

  it("refuses an image or a PDF past the smallest vendor's limit, which a larger plan still allows to upload", () => {
    // Anthropic takes 5 MB of base64 (3.75 MB of image); Gemini a 20 MB request (15 MB of PDF).
    const bigImage = { ...image, name: 'photo.jpg', size: 4 * 1024 * 1024 };
    const bigPdf = { ...pdf, name: 'scan.pdf', size: 16 * 1024 * 1024 };
    expect(unsendableFile(model, [bigImage])).toEqual({
      status: 413,
      code: 'file_too_large',
      message: 'photo.jpg is 4.00 MB: the models read images of at most 3.75 MB; send a smaller one',
    });
    expect(message(unsendableFile(model, [bigPdf]))).toBe(
      'scan.pdf is 16.00 MB: the models read PDFs of at most 15.00 MB; send a smaller one',
    );
    expect(unsendableFile(model, [{ ...bigImage, size: 3 * 1024 * 1024 }])).toBeUndefined();
  });
});

describe('readableTurns', () => {
  it('says in words an earlier image or PDF the model does not read, and keeps the rest', () => {
    const image: UserPart = { type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: 'AAAA' } };
    const paper: UserPart = { type: 'document', mediaType: 'application/pdf', name: 'paper.pdf', data: 'AAAA' };
    const turns: ChatMessage[] = [
      { role: 'user', content: 'see', parts: [image, paper, { type: 'text', text: 'see' }] },
      { role: 'assistant', content: 'seen' },
    ];
    const noPdf = { ...model, reads: { image: true, pdf: false, gif: true } } as ModelInfo;
    expect(readableTurns(noPdf, turns)).toEqual([
      {
        role: 'user',
        content: 'see',
        parts: [
          image,
          { type: 'text', text: 'paper.pdf (a PDF this model does not read)' },
          { type: 'text', text: 'see' },
        ],
      },
      { role: 'assistant', content: 'seen' },
    ]);
    expect(readableTurns({ ...model, reads: { image: true, pdf: true, gif: true } } as ModelInfo, turns)).toBe(turns);
  });
});

describe('sniffing', () => {
  const bytes = (...b: number[]) => new Uint8Array(b);
  it('reads text as UTF-8 without NUL, typed by its extension', () => {
    const csv = new TextEncoder().encode('a,b\n1,2\n');
    expect(sniffFile(csv, 'data.csv')).toEqual({ mediaType: 'text/csv', kind: 'text' });
    expect(sniffFile(csv, 'main.ts')).toEqual({ mediaType: 'text/plain', kind: 'text' });
    expect(sniffFile(new TextEncoder().encode('héllo wörld ✓'), 'x.txt')?.kind).toBe('text');
  });
  it('refuses bytes that are not UTF-8, carry NUL, or are empty', () => {
    expect(sniffFile(bytes(0xc3, 0x28), 'a.txt')).toBeUndefined();
    expect(sniffFile(bytes(0x61, 0x00, 0x62), 'a.txt')).toBeUndefined();
    expect(sniffFile(bytes(), 'a.txt')).toBeUndefined();
  });
});
