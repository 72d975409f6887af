// Small node:http helpers shared by the router and the request flow.
import type { IncomingMessage, ServerResponse } from 'node:http';

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/**
 * Watches one response for the client going away. `close` fires on every response once the
 * socket is done with it; only a close before our own `end()` means the client left early.
 */
export class Connection {
  readonly res: ServerResponse;
  readonly gone: Promise<void>;
  #gone = false;

  constructor(res: ServerResponse) {
    this.res = res;
    this.gone = new Promise((resolve) => {
      res.once('close', () => {
        if (!res.writableFinished) this.#gone = true;
        resolve();
      });
    });
  }

  get clientGone(): boolean {
    return this.#gone || this.res.destroyed;
  }

  /** Waits `ms`, returning early (false) if the client leaves meanwhile. */
  async sleep(ms: number): Promise<boolean> {
    if (ms > 0 && !this.clientGone) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([new Promise((resolve) => (timer = setTimeout(resolve, ms))), this.gone]);
      clearTimeout(timer);
    }
    return !this.clientGone;
  }

  /** Writes and honours backpressure; false if the client has left. */
  async write(chunk: string | Uint8Array): Promise<boolean> {
    if (this.clientGone) return false;
    if (!this.res.write(chunk)) {
      let onDrain: (() => void) | undefined;
      await Promise.race([new Promise<void>((resolve) => this.res.once('drain', (onDrain = resolve))), this.gone]);
      if (onDrain) this.res.off('drain', onDrain);
    }
    return !this.clientGone;
  }

  /** Waits until the client closes the connection: a hung upstream never speaks again. */
  async hang(): Promise<void> {
    await this.gone;
  }
}
