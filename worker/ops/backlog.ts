// The outbox backlog across Durable Objects (durable-objects/backlog.ts): a room or Limiter whose
// write behind failed reports what it still holds, and the operators' health view reads the sum.
// Reporting is best effort and never awaited by a request: a lost report costs a stale figure.
import { log } from '../log.ts';

export type BacklogReport = {
  /** The reporting object: `room:<conversation id>` or `limiter:<user id>`. */
  source: string;
  kind: 'room' | 'limiter';
  /** Writes still pending; 0 once they landed. */
  pending: number;
  /** When its writes began failing (epoch ms). */
  since: number;
};
export type BacklogSummary = {
  rooms: { sources: number; pending: number };
  limiters: { sources: number; pending: number };
  /** The oldest failure still unresolved, or null when nothing is pending. */
  since: string | null;
};

function backlog(env: Pick<Env, 'BACKLOG'>) {
  return env.BACKLOG.get(env.BACKLOG.idFromName('outboxes'));
}

/** A failing source reports again at most this often: an outage's many failed flushes are a trickle here. */
const REPORT_EVERY_MS = 30_000;

/**
 * One object's reports: `failing` after each failed write behind (sent at once the first time,
 * then at most every 30 s), `landed` after a write that lands (sent only if a failure was).
 */
export class BacklogReporter {
  private since: number | undefined;
  private reportedAt = 0;

  constructor(
    private readonly env: () => Pick<Env, 'BACKLOG'>,
    private readonly source: () => { source: string; kind: BacklogReport['kind'] } | undefined,
  ) {}

  failing(pending: number) {
    const now = Date.now();
    this.since ??= now;
    if (now - this.reportedAt < REPORT_EVERY_MS) return;
    this.reportedAt = now;
    void this.send(pending, this.since);
  }

  landed() {
    if (this.since === undefined) return;
    this.since = undefined;
    this.reportedAt = 0;
    void this.send(0, Date.now());
  }

  private async send(pending: number, since: number) {
    const source = this.source();
    if (!source) return;
    try {
      await backlog(this.env()).report({ ...source, pending, since });
    } catch (error) {
      log.warn('backlog not reported', { source: source.source, pending }, error);
    }
  }
}

/** The backlog across rooms and Limiters, or null when the Backlog object cannot be asked. */
export async function outboxBacklog(env: Pick<Env, 'BACKLOG'>): Promise<BacklogSummary | null> {
  try {
    return await backlog(env).summary();
  } catch (error) {
    log.warn('backlog not read', {}, error);
    return null;
  }
}
