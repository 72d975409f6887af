// Reads a text/event-stream body as it arrives. Every event carries the time its chunk was read,
// so a caller can time the first token without the parsing of later ones in the way.

export type SseEvent = { event: string; data: string; at: number };

/** The events of an SSE body in order; comment lines (keepalives) and ids are skipped. */
export async function* sseEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<SseEvent> {
  const text = new TextDecoder();
  let buffer = '';
  for await (const chunk of body) {
    const at = performance.now();
    buffer += text.decode(chunk, { stream: true });
    let start = 0;
    let end: number;
    while ((end = buffer.indexOf('\n\n', start)) !== -1) {
      const parsed = parseBlock(buffer.slice(start, end), at);
      start = end + 2;
      if (parsed) yield parsed;
    }
    buffer = buffer.slice(start);
  }
}

function parseBlock(block: string, at: number): SseEvent | undefined {
  let event = 'message';
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (line.startsWith('event:')) event = line.slice(6).trim();
    else if (line.startsWith('data:')) data.push(line.slice(line.startsWith('data: ') ? 6 : 5));
  }
  return data.length ? { event, data: data.join('\n'), at } : undefined;
}
