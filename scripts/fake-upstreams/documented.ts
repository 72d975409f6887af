// The vendors' own documented example replies (documented/README.md names each source), served
// for `[[fake documented=1]]`: a stream (`.sse`) to a streamed request, a JSON body (`.json`) to
// one that is not. The default replies are this fake's reading of the docs; these are the docs
// themselves, so a test can show Parley copes with what vendors say they send.
import { readFile } from 'node:fs/promises';
import type { VendorName } from './types.ts';

// The compatible server speaks OpenAI's protocol, so OpenAI's documentation is its documentation.
const DOCUMENTED: Record<VendorName, string> = {
  anthropic: 'anthropic',
  openai: 'openai',
  compat: 'openai',
  gemini: 'gemini',
};

/** Where a vendor's documented reply is kept: streamed or not, and the one that calls a tool with `tools`. */
export function documentedUrl(vendor: VendorName, tools: boolean, stream: boolean): URL {
  const file = `${DOCUMENTED[vendor]}${tools ? '-tools' : ''}.${stream ? 'sse' : 'json'}`;
  return new URL(`./documented/${file}`, import.meta.url);
}

/** Where a vendor's documented stream is kept (its tool-calling one with `tools`), for the fake and for tests that compare bytes. */
export function documentedStreamUrl(vendor: VendorName, tools = false): URL {
  return documentedUrl(vendor, tools, true);
}

/** The documented reply's bytes, exactly as kept: never re-encoded, so CRLFs and spacing survive. */
export function documentedBody(vendor: VendorName, tools: boolean, stream: boolean): Promise<Buffer> {
  return readFile(documentedUrl(vendor, tools, stream));
}
