import { afterEach, describe, expect, it, vi } from 'vitest';
import { ReplyLog } from './reply-log.ts';

const decoder = new TextDecoder();
const REPLY = '00000000-0000-4000-8000-000000000001';

async function readSome(reader: ReadableStreamDefaultReader<Uint8Array>) {
  const { value } = await reader.read();
  return decoder.decode(value);
}

afterEach(() => vi.useRealTimers());

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
});
