// When the gateway runs as a child with an IPC channel (scripts/lib/gateway-process.ts), the
// parent learns its URL from it and can change the latency while it runs; the gateway stops
// when the parent goes away, so it never outlives the run that started it.
import type { Gateway } from '../db-gateway.ts';

/** Parent → gateway. */
export type ToGateway = { setLatencyMs: number };
/** Gateway → parent: once when listening, then one answer per `setLatencyMs`. */
export type FromGateway =
  | { ready: { url: string; wireUrl?: string; backend: Gateway['backend']; latencyMs: number } }
  | { latencyMs: number }
  | { error: string };

export function serveParent(gateway: Gateway, stop: () => void): void {
  if (!process.send) return;
  const send = (message: FromGateway) => process.send?.(message);
  process.on('message', (message: ToGateway) => {
    try {
      gateway.setLatency(message.setLatencyMs);
      send({ latencyMs: gateway.latencyMs });
    } catch (error) {
      send({ error: (error as Error).message });
    }
  });
  process.on('disconnect', stop);
  send({
    ready: { url: gateway.url, wireUrl: gateway.wireUrl, backend: gateway.backend, latencyMs: gateway.latencyMs },
  });
}
