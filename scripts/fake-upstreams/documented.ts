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

// Documented replies that call a tool, served when the request offers tools.
const TOOL_FILES: Partial<Record<VendorName, string>> = {
  openai: 'openai-tools.sse',
  compat: 'openai-tools.sse',
  gemini: 'gemini-tools.sse',
  anthropic: 'anthropic-tools.sse',
};

/** Where a vendor's documented stream is kept (its tool-calling one with `tools`, where there is one), for the fake and for tests that compare bytes. */
export function documentedStreamUrl(vendor: VendorName, tools = false): URL {
  const file = (tools ? TOOL_FILES[vendor] : undefined) ?? FILES[vendor];
  return new URL(`./documented/${file}`, import.meta.url);
}

/** The documented stream's bytes, exactly as kept: never re-encoded, so CRLFs and spacing survive. */
export function documentedStream(vendor: VendorName, tools = false): Promise<Buffer> {
  return readFile(documentedStreamUrl(vendor, tools));
}
