// PGlite over the Postgres wire protocol, so that a Worker's Hyperdrive binding in local mode
// (`localConnectionString`) reaches the embedded database over TCP as it would a server Postgres.
//
// PGlite has one session, and the protocol is stateful between a client's messages: the unnamed
// statement its Parse creates is what its Bind then uses. So each connection's messages run as
// units, one unit at a time across all connections: a Simple Query, or an extended-protocol
// exchange up to its Sync. A connection that leaves a transaction open keeps the session until it
// ends it (or goes away: its transaction is rolled back). @electric-sql/pglite-socket was tried
// first: it interleaves connections message by message, and under concurrent requests one
// connection's Bind met another's statement ("26000 prepared statement does not exist").
import { createServer, type Socket } from 'node:net';
import type { PGlite } from '@electric-sql/pglite';

const SSL_REQUEST = 80877103;
const CANCEL_REQUEST = 80877102;

export type WireServer = { url: string; close(): Promise<void> };

type Unit = { connection: Socket; messages: Uint8Array[] };

/** Listens on `port` (0 picks a free one) at `host`; the URL names PGlite's only user and database. */
export async function startWireServer(pglite: PGlite, host: string, port: number): Promise<WireServer> {
  const queue: Unit[] = [];
  const sockets = new Set<Socket>();
  let owner: Socket | undefined; // holds the session while its transaction is open
  let running = false;

  async function drain() {
    if (running) return;
    running = true;
    try {
      for (;;) {
        const index = owner ? queue.findIndex((unit) => unit.connection === owner) : 0;
        const unit = index === -1 ? undefined : queue.splice(index, 1)[0];
        if (!unit) return;
        try {
          await pglite.runExclusive(async () => {
            for (const message of unit.messages) {
              const reply = await pglite.execProtocolRaw(message);
              if (!unit.connection.destroyed && reply.length > 0) unit.connection.write(reply);
            }
          });
        } catch {
          // PGlite answers SQL errors in the protocol; a throw means the session itself failed.
          unit.connection.destroy();
        }
        owner = pglite.isInTransaction() ? unit.connection : undefined;
      }
    } finally {
      running = false;
    }
  }

  async function release(connection: Socket) {
    sockets.delete(connection);
    for (let i = queue.length - 1; i >= 0; i--) if (queue[i]?.connection === connection) queue.splice(i, 1);
    if (owner !== connection) return;
    owner = undefined;
    await pglite.exec('rollback'); // exec takes PGlite's lock itself (inside runExclusive it would wait forever)
    await drain();
  }

  const server = createServer((connection) => {
    sockets.add(connection);
    connection.setNoDelay(true);
    let buffer = Buffer.alloc(0);
    let started = false;
    let pending: Uint8Array[] = [];
    connection.on('data', (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        if (!started) {
          // Startup packets have no type byte: length, then a code.
          if (buffer.length < 8) return;
          const length = buffer.readInt32BE(0);
          if (buffer.length < length) return;
          const code = buffer.readInt32BE(4);
          const packet = buffer.subarray(0, length);
          buffer = buffer.subarray(length);
          if (code === SSL_REQUEST) connection.write('N');
          else if (code === CANCEL_REQUEST) connection.end();
          else {
            started = true;
            queue.push({ connection, messages: [new Uint8Array(packet)] });
            void drain();
          }
          continue;
        }
        if (buffer.length < 5) return;
        const length = 1 + buffer.readInt32BE(1);
        if (buffer.length < length) return;
        const type = String.fromCharCode(buffer[0] ?? 0);
        pending.push(new Uint8Array(buffer.subarray(0, length)));
        buffer = buffer.subarray(length);
        if (type === 'X') {
          connection.end();
          return;
        }
        // A unit ends where the client waits for an answer: Sync, a Simple Query, or a Flush.
        if (type === 'S' || type === 'Q' || type === 'H') {
          queue.push({ connection, messages: pending });
          pending = [];
          void drain();
        }
      }
    });
    connection.on('error', () => connection.destroy());
    connection.on('close', () => void release(connection));
  });

  server.listen(port, host);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const address = server.address();
  const listening = typeof address === 'object' && address ? address.port : port;
  return {
    // PGlite asks for no password; Hyperdrive's local mode insists on one in the URL.
    url: `postgresql://postgres:postgres@${host.includes(':') ? `[${host}]` : host}:${listening}/postgres`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
