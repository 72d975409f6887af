// How a reply follower waits before asking the resume route again (the app's and the widget's):
// backing off to 8 s, and cut short when the browser comes back online or the reply is abandoned.
const DELAYS_MS = [500, 1000, 2000, 4000, 8000];

/** Waits before retry number `attempt` (0-based). */
export function reconnectDelay(attempt: number, signal: AbortSignal) {
  const ms = DELAYS_MS[Math.min(attempt, DELAYS_MS.length - 1)]!;
  return new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      removeEventListener('online', done);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    addEventListener('online', done);
    signal.addEventListener('abort', done);
  });
}
