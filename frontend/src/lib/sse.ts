// Parley's reply events as they arrive, framed as Server-Sent Events: `id`, `event`, `data` lines,
// a blank line between events, comment lines (keepalives) ignored.
export type ReplyEvent =
  | { id?: string; event: 'message.start'; data: { conversationId: string; messageId: string; model: string } }
  | { id?: string; event: 'delta'; data: { text: string } }
  | { id?: string; event: 'usage'; data: { inputTokens: number; outputTokens: number } }
  | { id?: string; event: 'done'; data: { stopReason: string; model: string } }
  | { id?: string; event: 'error'; data: { code: string; message: string } };

export async function* readEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<ReplyEvent> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) !== -1) {
        const event = parse(buffer.slice(0, end));
        buffer = buffer.slice(end + 2);
        if (event) yield event;
      }
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}

function parse(block: string): ReplyEvent | undefined {
  let id: string | undefined;
  let name = 'message';
  let data: string | undefined;
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'id') id = value;
    else if (field === 'event') name = value;
    else if (field === 'data') data = data === undefined ? value : `${data}\n${value}`;
  }
  if (data === undefined) return undefined;
  return { id, event: name, data: JSON.parse(data) } as ReplyEvent;
}
