import * as z from 'zod';

/**
 * A string a person or program sends us to keep. Postgres `text` cannot hold a NUL character, so
 * one would fail the write later (a 500, or a 503 that blames the database); it is refused here.
 */
export const text = () =>
  // biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is exactly what this refuses
  z.string().regex(/^[^\u0000]*$/, 'must not contain NUL characters (\\u0000)');
