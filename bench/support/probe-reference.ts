/**
 * The HTTP requests of the probe benchmark without a monitor: `checks` independent loops, each
 * sending `GET {url}` every `intervalMs` (the first runs spread evenly over the first
 * interval), each request under its own 900 ms deadline, its body read to the end. What any
 * prober of that rate pays for the transport alone, so the probe rows can say how much of their
 * CPU is toolscope's own:
 *
 * - `request`: undici's `request()` (what `@toolscope/health-probe` uses), its body read as a
 *   stream;
 * - `dispatch`: undici's lower-level `dispatcher.dispatch()` with a handler that counts the
 *   body's bytes, no stream objects.
 */
import { Agent, type Dispatcher, request } from 'undici';

export type ReferenceTransport = 'request' | 'dispatch';

export interface ReferenceLoops {
  /** Requests completed so far (ok or not). */
  completed(): number;
  close(): Promise<void>;
}

const DEADLINE_MS = 900;
const HEADERS = { 'user-agent': 'toolscope-bench-reference' };

async function viaRequest(dispatcher: Dispatcher, url: string): Promise<void> {
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(), DEADLINE_MS);
  try {
    const res = await request(url, {
      dispatcher,
      method: 'GET',
      headers: HEADERS,
      signal: ac.signal,
    });
    for await (const _chunk of res.body as AsyncIterable<Buffer>) {
      // read to the end
    }
  } finally {
    clearTimeout(timer);
  }
}

/** Resolves with the body's size. */
function viaDispatch(dispatcher: Dispatcher, origin: string, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    let controller: { abort(reason: Error): void } | undefined;
    let bytes = 0;
    const timer = setTimeout(() => controller?.abort(new Error('deadline')), DEADLINE_MS);
    const handler = {
      onRequestStart(c: { abort(reason: Error): void }) {
        controller = c;
      },
      onResponseStart() {},
      onResponseData(_c: unknown, chunk: Buffer) {
        bytes += chunk.length;
      },
      onResponseEnd() {
        clearTimeout(timer);
        resolve(bytes);
      },
      onResponseError(_c: unknown, err: Error) {
        clearTimeout(timer);
        reject(err);
      },
    };
    dispatcher.dispatch(
      { origin, path, method: 'GET', headers: HEADERS },
      handler as unknown as Dispatcher.DispatchHandler,
    );
  });
}

/** Starts the loops against `url` (`http://host:port/path`). */
export function startReferenceLoops(
  transport: ReferenceTransport,
  url: string,
  checks: number,
  intervalMs: number,
): ReferenceLoops {
  // The monitor's own dispatcher settings.
  const dispatcher = new Agent({ keepAliveTimeout: 4_000, connect: { timeout: 30_000 } });
  const { origin, pathname } = new URL(url);
  let completed = 0;
  let closed = false;
  const done = () => {
    completed++;
  };
  const run = () =>
    (transport === 'request'
      ? viaRequest(dispatcher, url)
      : viaDispatch(dispatcher, origin, pathname)
    ).then(done, done);
  // One timer per loop; each run is due `intervalMs` after the previous one started.
  const timers: ReturnType<typeof setTimeout>[] = [];
  for (let i = 0; i < checks; i++) {
    const tick = () => {
      if (closed) return;
      timers[i] = setTimeout(tick, intervalMs);
      void run();
    };
    timers[i] = setTimeout(tick, ((i + 0.5) / checks) * intervalMs);
  }
  return {
    completed: () => completed,
    async close() {
      closed = true;
      for (const timer of timers) clearTimeout(timer);
      await dispatcher.close();
    },
  };
}
