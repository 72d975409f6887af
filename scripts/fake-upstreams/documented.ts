// The vendors' own documented example streams (documented/README.md names each source), served
// for `[[fake documented=1]]`. The default streams are this fake's reading of the docs; these are
// the docs themselves, so a test can show Parley copes with what vendors say they send.
import { readFile } from 'node:fs/promises';
import type { VendorName } from './types.ts';

// The compatible server speaks OpenAI's protocol, so OpenAI's documentation is its documentation.
const FILES: Record<VendorName, string> = {
  anthropic: 'anthropic.sse',
  openai: 'openai.sse',
  compat: 'openai.sse',
  gemini: 'gemini.sse',
};

// A documented reply that calls a tool, for requests that offer tools; other vendors fall back to FILES.
const TOOL_FILES: Partial<Record<VendorName, string>> = {
  anthropic: 'anthropic-tools.sse',
};

/** Where a vendor's documented stream is kept, for the fake and for tests that compare bytes. */
export function documentedStreamUrl(vendor: VendorName, offersTools = false): URL {
  const file = (offersTools && TOOL_FILES[vendor]) || FILES[vendor];
  return new URL(`./documented/${file}`, import.meta.url);
}

/** The documented stream's bytes, exactly as kept: never re-encoded, so CRLFs and spacing survive. */
export function documentedStream(vendor: VendorName, offersTools = false): Promise<Buffer> {
  return readFile(documentedStreamUrl(vendor, offersTools));
}
