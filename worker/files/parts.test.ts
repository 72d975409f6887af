import { describe, expect, it } from 'vitest';
import { MODELS, type ModelInfo } from '../providers/registry.ts';
import { sniffFile } from './sniff.ts';
import type { ChatMessage, UserPart } from '../providers/types.ts';
import { modelReads, readableTurns, unreadableFile } from './parts.ts';

const model = MODELS[0]!;
const pdf = { kind: 'pdf' as const, name: 'paper.pdf' };
const image = { kind: 'image' as const, name: 'dot.png' };
const text = { kind: 'text' as const, name: 'notes.md' };

describe('what a model reads', () => {
  it("follows the registry's reads, naming the model, the kind and the file", () => {
    const textOnly = { ...model, reads: { image: false, pdf: false } } as ModelInfo;
    expect(unreadableFile(textOnly, [text])).toBeUndefined();
    expect(unreadableFile(textOnly, [text, pdf])).toBe(
      `${model.id} does not read PDFs (paper.pdf): choose a model that does, or send the message without it`,
    );
    expect(unreadableFile({ ...model, reads: { image: false, pdf: true } } as ModelInfo, [pdf, image])).toContain(
      'does not read images (dot.png)',
    );
  });

  it('takes a model the registry says nothing of as reading images and PDFs', () => {
    const { reads: _, ...silent } = model as ModelInfo & { reads?: unknown };
    expect(modelReads(silent as ModelInfo)).toEqual({ image: true, pdf: true });
    expect(unreadableFile(silent as ModelInfo, [image, pdf])).toBeUndefined();
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
    const noPdf = { ...model, reads: { image: true, pdf: false } } as ModelInfo;
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
    expect(readableTurns({ ...model, reads: { image: true, pdf: true } } as ModelInfo, turns)).toBe(turns);
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
