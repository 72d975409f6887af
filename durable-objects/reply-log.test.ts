import { afterEach, describe, expect, it, vi } from 'vitest';
import { encodeEvent } from '../worker/chat/events.ts';
import { MAX_UNREAD_BYTES, ReplyLog } from './reply-log.ts';

const decoder = new TextDecoder();
const REPLY = '00000000-0000-4000-8000-000000000001';

async function readSome(reader: ReadableStreamDefaultReader<Uint8Array>) {
  const { value } = await reader.read();
  return decoder.decode(value);
}

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

const token = (n: number) => ({ event: 'delta', data: { text: ` token-${n}` } }) as const;
const tokenTexts = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => ` token-${from + i}`);

/** Appends deltas `from`..`to` the way a fast upstream delivers them: 50 per network read, one read per 4 ms. */
async function streamTokens(log: ReplyLog, from: number, to: number) {
  for (let n = from; n <= to; n++) {
    log.append(token(n));
    if (n % 50 === 0) await vi.advanceTimersByTimeAsync(4);
  }
  await vi.advanceTimersByTimeAsync(4);
}

type Client = {
  reader: ReadableStreamDefaultReader<Uint8Array>;
  /** Sequence numbers and texts of the deltas taken, in order. */
  seqs: number[];
  texts: string[];
  bytes: number;
  largestChunk: number;
  /** Settles when the stream ends or the client stops reading; rejects if the stream fails. */
  done: Promise<void>;
};

/** A client reading a reply stream; `msPerKiB` makes it slow, `stopAfter` makes it stall after that many events. */
function connect(stream: ReadableStream<Uint8Array>, options: { msPerKiB?: number; stopAfter?: number } = {}): Client {
  const client: Client = {
    reader: stream.getReader(),
    seqs: [],
    texts: [],
    bytes: 0,
    largestChunk: 0,
    done: Promise.resolve(),
  };
  client.done = (async () => {
    while (true) {
      const { value, done } = await client.reader.read();
      if (done) return;
      client.bytes += value.byteLength;
      client.largestChunk = Math.max(client.largestChunk, value.byteLength);
      for (const [, seq, data] of decoder.decode(value).matchAll(/^id: [^\n]+:(\d+)\nevent: delta\ndata: (.*)$/gm)) {
        client.seqs.push(Number(seq));
        client.texts.push(JSON.parse(data!).text);
      }
      if (options.stopAfter !== undefined && client.seqs.length >= options.stopAfter) return;
      if (options.msPerKiB)
        await new Promise((r) => setTimeout(r, Math.ceil((value.byteLength / 1024) * options.msPerKiB!)));
    }
  })();
  return client;
}

function dropWarnings() {
  const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
  return () => warn.mock.calls.map(([line]) => JSON.parse(String(line)));
}

describe('ReplyLog', () => {
  it('sends a keepalive comment after 10 s without events, so proxies keep the stream open', async () => {
    vi.useFakeTimers();
    const log = new ReplyLog(REPLY);
    const reader = log.attach().getReader();
    log.append({ event: 'delta', data: { text: 'hi' } });
    expect(await readSome(reader)).toContain('event: delta');
    await vi.advanceTimersByTimeAsync(9_000);
    log.append({ event: 'delta', data: { text: ' there' } });
    expect(await readSome(reader)).toContain('" there"');
    await vi.advanceTimersByTimeAsync(15_000);
    expect(await readSome(reader)).toBe(': keepalive\n\n');
    log.finish();
  });

  it('replays from a position, then follows live, then ends when the reply does', async () => {
    const log = new ReplyLog(REPLY);
    for (const text of ['a', 'b', 'c']) log.append({ event: 'delta', data: { text } });
    const late = log.attach(2);
    log.append({ event: 'done', data: { stopReason: 'end_turn', model: 'm' } });
    log.finish();
    const body = await new Response(late).text();
    expect(body.match(/^id: .*$/gm)).toEqual([`id: ${REPLY}:3`, `id: ${REPLY}:4`]);
    expect(body).toContain('event: done');
  });

  it('keeps going for the other readers when one leaves', async () => {
    const log = new ReplyLog(REPLY);
    const leaving = log.attach();
    const staying = log.attach();
    await leaving.cancel();
    log.append({ event: 'delta', data: { text: 'still here' } });
    log.finish();
    expect(await new Response(staying).text()).toContain('still here');
  });

  it('a reader that never reads is dropped once 256 KiB are queued, while 20,000 tokens stream', async () => {
    vi.useFakeTimers();
    const warnings = dropWarnings();
    const log = new ReplyLog(REPLY);
    const stalled = log.attach();
    const reading = connect(log.attach());
    await streamTokens(log, 1, 20_000);
    log.finish();
    await reading.done;

    expect(reading.texts).toEqual(tokenTexts(1, 20_000));
    expect(warnings()).toEqual([
      { level: 'warn', msg: 'reader dropped: not reading', replyId: REPLY, queuedBytes: expect.any(Number) },
    ]);
    const [{ queuedBytes }] = warnings();
    expect(queuedBytes).toBeGreaterThan(MAX_UNREAD_BYTES);
    expect(queuedBytes).toBeLessThanOrEqual(MAX_UNREAD_BYTES + reading.largestChunk);
    await expect(stalled.getReader().read()).rejects.toThrow(/Last-Event-ID/);
  });

  it('gives a dropped reader that comes back with its last event id the rest, exactly once', async () => {
    vi.useFakeTimers();
    const warnings = dropWarnings();
    const log = new ReplyLog(REPLY);
    const first = connect(log.attach(), { stopAfter: 100 });
    await streamTokens(log, 1, 10_000);
    expect(warnings()).toHaveLength(1);
    await expect(first.reader.read()).rejects.toThrow(/Last-Event-ID/);

    const again = connect(log.attach(first.seqs.at(-1)!));
    await streamTokens(log, 10_001, 20_000);
    log.finish();
    await again.done;
    expect(first.seqs.length).toBeGreaterThanOrEqual(100);
    expect([...first.seqs, ...again.seqs]).toEqual(Array.from({ length: 20_000 }, (_, i) => i + 1));
    expect([...first.texts, ...again.texts]).toEqual(tokenTexts(1, 20_000));
  });

  // The stalled reader beside it shows the cap is what tells the two apart.
  it('keeps a reader that is slow but stays under 256 KiB behind, while dropping a stalled one beside it', async () => {
    vi.useFakeTimers();
    const warnings = dropWarnings();
    const log = new ReplyLog(REPLY);
    log.attach();
    const slow = connect(log.attach(), { msPerKiB: 1.5 });
    await streamTokens(log, 1, 5_000);
    let written = 0;
    for (let n = 1; n <= 5_000; n++) written += encodeEvent({ ...token(n), id: `${REPLY}:${n}` }).byteLength;
    expect(written - slow.bytes).toBeGreaterThan(MAX_UNREAD_BYTES / 2);
    expect(warnings()).toHaveLength(1);
    log.finish();
    await vi.runAllTimersAsync();
    await slow.done;
    expect(slow.texts).toEqual(tokenTexts(1, 5_000));
  });

  it('sends no keepalives to a reader that has not taken its last chunk, so a silent hour does not grow it', async () => {
    vi.useFakeTimers();
    const log = new ReplyLog(REPLY);
    const stalled = log.attach();
    const reading = log.attach().getReader();
    log.append({ event: 'delta', data: { text: 'hi' } });
    expect(await readSome(reading)).toContain('"hi"');
    await vi.advanceTimersByTimeAsync(3_600_000);
    expect(await readSome(reading)).toBe(': keepalive\n\n');
    log.finish();
    const body = await new Response(stalled).text();
    expect(body).toContain('"hi"');
    expect(body).not.toContain('keepalive');
  });

  it('does not count the replay against the cap: a reader that comes back far behind is kept until its stream gets going', async () => {
    vi.useFakeTimers();
    const warnings = dropWarnings();
    const log = new ReplyLog(REPLY);
    await streamTokens(log, 1, 10_000);
    const stream = log.attach(100);
    await streamTokens(log, 10_001, 10_200);
    const back = connect(stream);
    log.finish();
    await back.done;
    expect(back.texts).toEqual(tokenTexts(101, 10_200));
    expect(warnings()).toEqual([]);
  });
});
