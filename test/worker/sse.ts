// Reads a Parley event stream the way a browser's EventSource would: `id`, `event`, `data` fields,
// comment lines ignored, events separated by a blank line.
export type ParsedEvent = { id?: string; event: string; data: any };

export async function* readEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<ParsedEvent> {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  try {
    while (true) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += value;
      let end: number;
      while ((end = buffer.indexOf('\n\n')) !== -1) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event: ParsedEvent = { event: 'message', data: undefined };
        let isEvent = false;
        for (const line of block.split('\n')) {
          if (line.startsWith(':')) continue;
          const [field, ...rest] = line.split(':');
          const value = rest.join(':').replace(/^ /, '');
          if (field === 'id') event.id = value;
          if (field === 'event') event.event = value;
          if (field === 'data') {
            event.data = JSON.parse(value);
            isEvent = true;
          }
        }
        if (isEvent) yield event;
      }
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
}

/** Every event until the stream ends. */
export async function collectEvents(body: ReadableStream<Uint8Array>) {
  const events: ParsedEvent[] = [];
  for await (const event of readEvents(body)) events.push(event);
  return events;
}

export const textOf = (events: ParsedEvent[]) =>
  events
    .filter((e) => e.event === 'delta')
    .map((e) => e.data.text)
    .join('');
