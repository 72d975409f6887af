import { createHash } from 'node:crypto';

/** A fixed UUID for a seeded thing, in the version 5 layout (name-based, SHA-1): the same name always gives the same id, so a rerun finds what the last run wrote. */
export function seedId(name: string): string {
  const digest = createHash('sha1').update(`parley-seed:${name}`).digest();
  digest[6] = (digest[6]! & 0x0f) | 0x50;
  digest[8] = (digest[8]! & 0x3f) | 0x80;
  const hex = digest.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** A number in [0, 1) fixed by the name: the seed's timings vary between replies but not between runs. */
export function seedFraction(name: string): number {
  return createHash('sha1').update(`parley-seed-fraction:${name}`).digest().readUInt32BE(0) / 2 ** 32;
}
