import { base } from './api';

export type LiveSnapshot = {
  events: Record<string, number>;
  executions: { succeeded: number; failed: number; retries: number; running: number; retained: number; newest: number };
  deadLetters: Record<string, number>;
  metrics: number;
};

type Listener = (snapshot: LiveSnapshot) => void;
const listeners = new Set<Listener>();
let source: EventSource | undefined;
let latest: LiveSnapshot | undefined;
const statusListeners = new Set<(connected: boolean) => void>();

/** Subscribes to the runtime's live changes (server-sent events); returns the unsubscribe function. */
export function onLive(listener: Listener): () => void {
  listeners.add(listener);
  connect();
  return () => listeners.delete(listener);
}

export function onConnection(listener: (connected: boolean) => void): void {
  statusListeners.add(listener);
}

export function latestSnapshot(): LiveSnapshot | undefined {
  return latest;
}

function connect(): void {
  if (source) return;
  source = new EventSource(`${base}/api/stream`);
  source.addEventListener('open', () => statusListeners.forEach((l) => l(true)));
  source.addEventListener('error', () => statusListeners.forEach((l) => l(false)));
  source.addEventListener('change', (event) => {
    latest = JSON.parse((event as MessageEvent<string>).data) as LiveSnapshot;
    statusListeners.forEach((l) => l(true));
    for (const listener of [...listeners]) listener(latest);
  });
}

/**
 * A refresh that never runs twice at once: a change while one is in flight runs it once more after.
 * Pages call it from their live listener.
 */
export function coalesced(run: () => Promise<void>): () => void {
  let running = false;
  let again = false;
  const go = async (): Promise<void> => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      await run();
    } catch (error) {
      console.error(error);
    } finally {
      running = false;
      if (again) {
        again = false;
        void go();
      }
    }
  };
  return () => void go();
}
