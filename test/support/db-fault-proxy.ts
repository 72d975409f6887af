// A switch in front of the database gateway, for the outage suite: requests pass through to the
// gateway until a test takes the database "down" (every request's connection is cut, as when
// Postgres or the network to it is gone), asks for the next N requests to fail, or makes it hang
// (requests are taken and never answered, as a database that accepts connections and does not
// respond). Controlled over HTTP from inside workerd: POST /__faults {down?, failNext?, hang?}; GET /__faults.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type FaultState = { down: boolean; failNext: number; hang: boolean; passed: number; cut: number; hung: number };

export async function startDbFaultProxy(gatewayUrl: string) {
  const state: FaultState = { down: false, failNext: 0, hang: false, passed: 0, cut: 0, hung: 0 };
  const hanging = new Set<ServerResponse>();
  const server = createServer((req, res) => {
    if (req.url === '/__faults')
      return control(req, res, state, () => {
        if (state.hang) return;
        for (const held of hanging) held.socket?.destroy();
        hanging.clear();
      });
    if (state.hang) {
      state.hung++;
      req.resume();
      hanging.add(res);
      return;
    }
    if (state.down || state.failNext > 0) {
      if (state.failNext > 0) state.failNext--;
      state.cut++;
      // Read the request first, so the client sees a lost connection rather than a refused write.
      req.resume();
      req.on('end', () => res.socket?.destroy());
      return;
    }
    state.passed++;
    void forward(req, res, gatewayUrl);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/sql`,
    controlUrl: `http://127.0.0.1:${port}/__faults`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function forward(req: IncomingMessage, res: ServerResponse, gatewayUrl: string) {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (typeof value === 'string' && name !== 'host' && name !== 'content-length') headers.set(name, value);
  }
  try {
    const upstream = await fetch(gatewayUrl, {
      method: req.method,
      headers,
      body: chunks.length ? Buffer.concat(chunks) : undefined,
    });
    const body = Buffer.from(await upstream.arrayBuffer());
    res
      .writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/json' })
      .end(body);
  } catch {
    res.socket?.destroy();
  }
}

function control(req: IncomingMessage, res: ServerResponse, state: FaultState, changed: () => void) {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    if (req.method === 'POST') {
      const patch = JSON.parse(Buffer.concat(chunks).toString() || '{}') as Partial<FaultState>;
      if (typeof patch.down === 'boolean') state.down = patch.down;
      if (typeof patch.failNext === 'number') state.failNext = patch.failNext;
      if (typeof patch.hang === 'boolean') state.hang = patch.hang;
      changed();
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(state));
  });
}
