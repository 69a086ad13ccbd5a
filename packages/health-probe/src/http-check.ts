import { TOOLSCOPE_VERSION } from '@toolscope/instrumentation/internal';
import type { Dispatcher } from 'undici';
import { ErrorClass, ProbeFailure } from './classify.ts';
import type { VerdictClock } from './deadline.ts';
import type { NormalizedHttpCheck } from './internal-types.ts';

/** What a passing HTTP run reports. */
export interface HttpOutcome {
  readonly statusCode: number;
}

const USER_AGENT = `toolscope-health-probe/${TOOLSCOPE_VERSION}`;
/** Bytes of an unexpected-status body drained so the connection can be reused. */
const DRAIN_LIMIT = 64 * 1024;

/** What undici's handler API gives the handler to steer the request. */
interface Controller {
  abort(reason: Error): void;
}

/** The dispatch options of a check, made once per check (a fresh shallow copy per run). */
interface DispatchBase {
  readonly origin: string;
  readonly path: string;
  readonly method: string;
  readonly headers: Record<string, string>;
  readonly body: string | undefined;
}

const bases = new WeakMap<NormalizedHttpCheck, DispatchBase>();

function dispatchBase(check: NormalizedHttpCheck): DispatchBase {
  let base = bases.get(check);
  if (base === undefined) {
    const url = check.url;
    base = {
      origin: url.origin,
      path: url.search ? `${url.pathname}${url.search}` : url.pathname,
      method: check.method,
      headers: { 'user-agent': USER_AGENT, ...check.headers },
      body: check.requestBody,
    };
    bases.set(check, base);
  }
  return base;
}

/**
 * One HTTP probe, sent with undici's `dispatch()` and a handler of its own: no response
 * stream is made, the body's bytes are counted as they arrive (and kept only when the check
 * asserts on them). The `signal` is the run's single deadline: it covers connect, TLS, headers
 * and the body, and settles the run the moment it aborts (a request still waiting for its
 * connection is aborted as soon as it starts). The body is always consumed (read within
 * `maxBodyBytes`, drained up to 64 KiB after an unexpected status, or the request aborted),
 * never left open. Rejects with `ProbeFailure` (or the transport's error) on failure.
 */
export function probeHttp(
  check: NormalizedHttpCheck,
  dispatcher: Dispatcher,
  signal: AbortSignal,
  clock: VerdictClock,
): Promise<HttpOutcome> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<HttpOutcome>((resolve, reject) => {
    const run = new HttpRun(check, signal, clock, resolve, reject);
    try {
      dispatcher.dispatch({ ...dispatchBase(check) }, run as unknown as Dispatcher.DispatchHandler);
    } catch (err) {
      run.fail(err);
    }
  });
}

/** One run of an HTTP check: undici's handler (its `on…` methods) and the run's verdict. */
class HttpRun {
  private readonly check: NormalizedHttpCheck;
  private readonly signal: AbortSignal;
  private readonly clock: VerdictClock;
  private readonly resolve: (outcome: HttpOutcome) => void;
  private readonly reject: (err: unknown) => void;
  private readonly onAbort: () => void;
  private controller: Controller | undefined;
  private settled = false;
  private statusCode = 0;
  /** Set on an unexpected status: the body is drained, then the run fails with it. */
  private failure: ProbeFailure | undefined;
  private size = 0;
  /** The body, kept only when the check asserts on it. */
  private chunks: Buffer[] | undefined;

  constructor(
    check: NormalizedHttpCheck,
    signal: AbortSignal,
    clock: VerdictClock,
    resolve: (outcome: HttpOutcome) => void,
    reject: (err: unknown) => void,
  ) {
    this.check = check;
    this.signal = signal;
    this.clock = clock;
    this.resolve = resolve;
    this.reject = reject;
    this.onAbort = () => this.stop(signal.reason);
    signal.addEventListener('abort', this.onAbort, { once: true });
  }

  /** Marks the run settled (false when it already was); nothing more is read. */
  private settle(): boolean {
    if (this.settled) return false;
    this.settled = true;
    this.signal.removeEventListener('abort', this.onAbort);
    this.chunks = undefined;
    return true;
  }

  /** Settles the run failed with `err` (once). */
  fail(err: unknown): void {
    if (this.settle()) this.reject(err);
  }

  /** Fails the run with `err` and aborts the request (now, or as soon as it starts). */
  private stop(err: unknown): void {
    this.fail(err);
    this.controller?.abort(err instanceof Error ? err : new Error(String(err)));
  }

  onRequestStart(controller: Controller): void {
    this.controller = controller;
    // Settled while waiting for a connection (the deadline): the request goes no further.
    if (this.settled) controller.abort(new Error('probe run already settled'));
  }

  onResponseStart(
    _controller: Controller,
    statusCode: number,
    headers: Record<string, string | string[] | undefined>,
  ): void {
    if (this.settled || statusCode < 200) return; // 1xx: the final response follows
    this.statusCode = statusCode;
    const check = this.check;
    const declared = Number(headers['content-length']);
    if (!check.expectedStatus.some((r) => statusCode >= r.min && statusCode <= r.max)) {
      this.clock.mark();
      this.failure = new ProbeFailure(
        ErrorClass.unexpectedStatus,
        `unexpected status ${statusCode} (expected ${check.expectedStatusList.join(', ')})`,
        statusCode,
      );
      // A body declared past the drain limit is not worth waiting for: the verdict is now.
      if (Number.isFinite(declared) && declared > DRAIN_LIMIT) this.stop(this.failure);
      return;
    }
    if (Number.isFinite(declared) && declared > check.maxBodyBytes) {
      this.clock.mark();
      this.stop(
        new ProbeFailure(
          ErrorClass.bodyTooLarge,
          `body of ${declared} bytes exceeds maxBodyBytes (${check.maxBodyBytes})`,
          statusCode,
        ),
      );
      return;
    }
    if (check.body !== undefined) this.chunks = [];
  }

  onResponseData(_controller: Controller, chunk: Buffer): void {
    if (this.settled) return;
    this.size += chunk.length;
    if (this.failure !== undefined) {
      // Draining an unexpected answer: past the limit the connection is not worth keeping.
      if (this.size > DRAIN_LIMIT) this.stop(this.failure);
      return;
    }
    if (this.size > this.check.maxBodyBytes) {
      this.clock.mark();
      this.stop(
        new ProbeFailure(
          ErrorClass.bodyTooLarge,
          `body exceeds maxBodyBytes (${this.check.maxBodyBytes})`,
          this.statusCode,
        ),
      );
      return;
    }
    this.chunks?.push(chunk);
  }

  onResponseEnd(): void {
    if (this.settled) return;
    if (this.failure !== undefined) {
      this.fail(this.failure);
      return;
    }
    this.clock.mark();
    const chunks = this.chunks;
    if (chunks !== undefined) {
      try {
        assertBody(this.check, Buffer.concat(chunks).toString('utf8'), this.statusCode);
      } catch (err) {
        this.fail(err);
        return;
      }
    }
    if (this.settle()) this.resolve({ statusCode: this.statusCode });
  }

  onResponseError(_controller: Controller | null, err: Error): void {
    // While draining an unexpected answer, the status is the verdict whatever the body does.
    this.fail(this.failure ?? err);
  }
}

function assertBody(check: NormalizedHttpCheck, text: string, statusCode: number): void {
  const b = check.body!;
  const fail = (message: string) => new ProbeFailure(ErrorClass.bodyAssertion, message, statusCode);
  if (b.contains !== undefined && !text.includes(b.contains)) {
    throw fail(`body does not contain ${JSON.stringify(b.contains)}`);
  }
  if (b.regex !== undefined && !b.regex.test(text)) {
    throw fail(`body does not match /${b.matches}/`);
  }
  if (b.json !== undefined) {
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch {
      throw fail('body is not JSON');
    }
    const { found, value } = jsonPath(doc, b.json.path);
    if (!found) throw fail(`body has no JSON value at ${b.json.path}`);
    if ('equals' in b.json && value !== b.json.equals) {
      throw fail(
        `body JSON ${b.json.path} is ${JSON.stringify(value)?.slice(0, 40)}, expected ${JSON.stringify(b.json.equals)}`,
      );
    }
  }
}

/** `a.b.0.c` lookup. @example jsonPath({ data: [{ ok: true }] }, 'data.0.ok') gives { found: true, value: true } */
export function jsonPath(doc: unknown, path: string): { found: boolean; value: unknown } {
  let current: unknown = doc;
  for (const part of path.split('.')) {
    if (current === null || typeof current !== 'object' || !Object.hasOwn(current, part)) {
      return { found: false, value: undefined };
    }
    current = (current as Record<string, unknown>)[part];
  }
  return { found: true, value: current };
}
