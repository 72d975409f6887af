// (l) An image message's time to first token beside a text message's, in the same run: the image
// (a small PNG, uploaded once before the clock starts) is read from R2 and sent to the vendor as a
// base64 image part on every send, so the difference is what an attachment adds to the send path.
// Sends alternate text and image, each in a fresh conversation (created before the clock starts).
import { deflateSync } from 'node:zlib';
import { assertAllOk } from './context.ts';
import type { BenchContext } from './context.ts';
import { createConversations, sendMessage, uploadFile } from './parley.ts';
import { percentile } from './stats.ts';
import type { StreamResult } from './timed-stream.ts';
import { DIRECTIVE } from './ttft.ts';

/** The image's side in pixels: a 256×256 PNG of some 200 KB, a screenshot-sized attachment. */
const SIDE = 256;

export type ImageTtftSummary = {
  samples: number;
  imageBytes: number;
  textP50: number;
  textP99: number;
  imageP50: number;
  imageP99: number;
  deltaP50: number;
};

/** `count` sends of each kind, alternating which goes first. */
export async function imageTtft(ctx: BenchContext, count: number): Promise<ImageTtftSummary> {
  const png = noisePng(SIDE);
  const fileId = await uploadFile(ctx.parley, 'bench.png', 'image/png', png);
  const ids = await createConversations(ctx.parley, count * 2);
  const text: StreamResult[] = [];
  const image: StreamResult[] = [];
  for (let i = 0; i < count; i++) {
    const sendText = async () =>
      text.push(await sendMessage(ctx.parley, ids[2 * i]!, `Text message ${i} ${DIRECTIVE}`));
    const sendImage = async () =>
      image.push(await sendMessage(ctx.parley, ids[2 * i + 1]!, `Image message ${i} ${DIRECTIVE}`, [fileId]));
    if (i % 2 === 0) {
      await sendText();
      await sendImage();
    } else {
      await sendImage();
      await sendText();
    }
  }
  assertAllOk('text TTFT beside images', text);
  assertAllOk('image TTFT', image);
  const t = text.map((r) => r.ttftMs!);
  const m = image.map((r) => r.ttftMs!);
  return {
    samples: count,
    imageBytes: png.length,
    textP50: percentile(t, 50),
    textP99: percentile(t, 99),
    imageP50: percentile(m, 50),
    imageP99: percentile(m, 99),
    deltaP50: percentile(m, 50) - percentile(t, 50),
  };
}

/** A valid RGB PNG of random pixels (incompressible, so its size is honest). */
export function noisePng(side: number): Uint8Array<ArrayBuffer> {
  const raw = Buffer.alloc((side * 3 + 1) * side);
  for (let y = 0; y < side; y++) {
    const row = y * (side * 3 + 1);
    raw[row] = 0; // filter: none
    for (let x = 1; x <= side * 3; x++) raw[row + x] = Math.floor(Math.random() * 256);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(side, 0);
  header.writeUInt32BE(side, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // truecolour
  const png = Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
  return new Uint8Array(png);
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

function crc32(bytes: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}
