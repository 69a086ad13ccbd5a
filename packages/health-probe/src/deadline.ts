import { DeadlineExceeded } from './classify.ts';

/** One deadline for a whole run: an abort signal plus the time left. */
export interface Deadline {
  readonly signal: AbortSignal;
  /** Milliseconds left, at least 1 while not expired. */
  remaining(): number;
  /** Clears the timer (always call it; the timer is unref'd anyway). */
  clear(): void;
}

/** Starts a deadline of `ms` milliseconds; on expiry the signal aborts with `DeadlineExceeded`. */
export function startDeadline(ms: number): Deadline {
  const controller = new AbortController();
  const endsAt = performance.now() + ms;
  const timer = setTimeout(() => {
    controller.abort(new DeadlineExceeded(`timed out after ${ms} ms`));
  }, ms);
  timer.unref();
  return {
    signal: controller.signal,
    remaining: () => Math.max(1, Math.round(endsAt - performance.now())),
    clear: () => clearTimeout(timer),
  };
}

/** Marks the moment a run's verdict was known (so teardown is not counted as latency). */
export class VerdictClock {
  private readonly startedAt = performance.now();
  private markedAt: number | undefined;
  /** Records now as the verdict time, once. */
  mark(): void {
    this.markedAt ??= performance.now();
  }
  /** Milliseconds from start to the verdict (or to now if unmarked). */
  elapsedMs(): number {
    return (this.markedAt ?? performance.now()) - this.startedAt;
  }
}

/** Rejects with the signal's reason when it aborts first. */
export function raceSignal<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}
