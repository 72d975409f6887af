// Issue 24: a PDF is counted by its pages in the prompt estimate, so the quota reservation holds it.
import { describe, expect, it } from 'vitest';
import { minimalPdf, minimalPdfBase64 } from '../../test/pdf-fixture.ts';
import type { ChatMessage } from '../providers/types.ts';
import { PDF_PAGE_TOKEN_ESTIMATE, pdfPageCount } from './pdf.ts';
import { estimatePromptTokens, estimateTokens, fitToContext } from './prompt.ts';

const withPdf = (text: string, pages: number): ChatMessage => ({
  role: 'user',
  content: text,
  parts: [
    { type: 'text', text },
    { type: 'document', mediaType: 'application/pdf', name: 'report.pdf', data: minimalPdfBase64(pages) },
  ],
});

describe('pdfPageCount', () => {
  it('counts the /Type /Page objects of a real two-page PDF, not its /Type /Pages tree', () => {
    const pdf = minimalPdf(2);
    expect(pdf).toContain('/Type /Pages');
    expect(pdfPageCount(pdf)).toBe(2);
    expect(pdfPageCount(minimalPdf(7))).toBe(7);
  });

  it('falls back to one page a 100 KB when no page object is visible (compressed object streams)', () => {
    expect(pdfPageCount('%PDF-1.7\n')).toBe(1);
    expect(pdfPageCount(`%PDF-1.7\n${'x'.repeat(250 * 1024)}`)).toBe(3);
  });
});

describe('the prompt estimate with a PDF', () => {
  it('adds PDF_PAGE_TOKEN_ESTIMATE (3,000, the top of Anthropic’s 1,500–3,000) for each page', () => {
    expect(PDF_PAGE_TOKEN_ESTIMATE).toBe(3_000);
    const text = 'Summarise this report';
    expect(estimatePromptTokens([withPdf(text, 2)])).toBe(estimateTokens(text) + 2 * 3_000);
    expect(estimatePromptTokens([withPdf(text, 5)]) - estimatePromptTokens([withPdf(text, 2)])).toBe(9_000);
  });

  it('trims an old turn carrying a PDF by what its pages cost, not by its text alone', () => {
    const history: ChatMessage[] = [
      withPdf('old question', 2),
      { role: 'assistant', content: 'old answer' },
      { role: 'user', content: 'new question' },
    ];
    // Room for the short texts but not for two PDF pages: the PDF turn goes (and the reply after it).
    expect(fitToContext(history, { contextWindow: 5_000, maxOutputTokens: 1_000 })).toEqual([history[2]]);
    expect(fitToContext(history, { contextWindow: 8_000, maxOutputTokens: 1_000 })).toEqual(history);
  });
});
