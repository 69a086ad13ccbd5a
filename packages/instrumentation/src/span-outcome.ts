/**
 * How a span ends: the failure recorded (exception event, ERROR status, bounded message, hostile
 * thrown values survived), and the span's own duration read back, so that the histogram point
 * of a call is its span's duration ("one duration").
 */
import { type Exception, type HrTime, type Span, SpanStatusCode } from '@opentelemetry/api';
import { logger } from './diag.ts';
import { errorTypeOf } from './error-type.ts';
import { boundText, safeString } from './shared/bound.ts';

/** How long toolscope waits for an adopted span's owner to end it before recording anyway. */
const FOREIGN_END_WAIT_MS = 60_000;

function hrSeconds(hr: unknown): number | undefined {
  if (!Array.isArray(hr) || hr.length !== 2) return undefined;
  // Indexed, not destructured: no iterator on the hot path (every tool call ends here).
  const s = (hr as HrTime)[0];
  const ns = (hr as HrTime)[1];
  return typeof s === 'number' && typeof ns === 'number' && s >= 0 ? s + ns / 1e9 : undefined;
}

/** A span's own duration in seconds once it ended (SDK spans expose it), else undefined. */
export function endedSpanSeconds(span: Span): number | undefined {
  const readable = span as unknown as { ended?: unknown; duration?: unknown };
  return readable.ended === true ? hrSeconds(readable.duration) : undefined;
}

/** `clockFor`'s value for a span that gives its own duration: no clock was read. */
const NO_CLOCK = Number.NaN;

/**
 * The start of a call's own clock: `performance.now()` when `span` will not give its duration
 * once ended (it does not record, or is no SDK `ReadableSpan`), else no clock at all (one
 * `performance.now()` fewer per call). Read it back with `callSeconds`. Never throws.
 */
export function clockFor(span: Span): number {
  try {
    const readable = span as unknown as { ended?: unknown; startTime?: unknown };
    if (
      readable.ended === false &&
      Array.isArray(readable.startTime) &&
      'duration' in readable &&
      span.isRecording()
    ) {
      return NO_CLOCK;
    }
  } catch {
    // A hostile span: measure it ourselves.
  }
  return performance.now();
}

/**
 * How long a call took, in seconds: its span's own duration once ended ("one duration"), else
 * the call's clock (`clockFor`); a span that promised a duration but gives none is measured
 * from its start time, to the millisecond. Never negative.
 */
export function callSeconds(span: Span, clockStartMs: number): number {
  const own = endedSpanSeconds(span);
  if (own !== undefined) return own;
  if (!Number.isNaN(clockStartMs)) return Math.max(0, performance.now() - clockStartMs) / 1000;
  const start = hrSeconds((span as unknown as { startTime?: unknown }).startTime);
  return start === undefined ? 0 : Math.max(0, Date.now() / 1000 - start);
}

/**
 * Runs `cb` with the span's duration when its owner ends it (bounded wait), never throws. A
 * span that is not recording (only its context is known, as when an integration can identify
 * another library's span but not reach it) has no duration to wait for: `cb(undefined)` now,
 * and the caller records its own measurement.
 */
export function whenForeignSpanEnds(span: Span, cb: (seconds: number | undefined) => void): void {
  const target = span as unknown as { end?: unknown; ended?: unknown };
  if (target.ended === true || typeof target.end !== 'function' || !isRecording(span)) {
    cb(endedSpanSeconds(span));
    return;
  }
  const original = target.end as (this: unknown, ...args: unknown[]) => unknown;
  let done = false;
  const finish = (seconds: number | undefined) => {
    if (done) return;
    done = true;
    cb(seconds);
  };
  const timer = setTimeout(() => finish(undefined), FOREIGN_END_WAIT_MS);
  timer.unref();
  try {
    Object.defineProperty(target, 'end', {
      configurable: true,
      writable: true,
      value(this: unknown, ...args: unknown[]) {
        // Restore first: the owner's end runs exactly as it would have.
        delete (target as { end?: unknown }).end;
        if (target.end !== original) target.end = original;
        const out = original.apply(this, args);
        clearTimeout(timer);
        try {
          finish(endedSpanSeconds(span));
        } catch (err) {
          logger.error('recording an adopted tool call failed; ignored', err);
        }
        return out;
      },
    });
  } catch {
    clearTimeout(timer);
    finish(undefined);
  }
}

function isRecording(span: Span): boolean {
  try {
    return span.isRecording();
  } catch {
    return false;
  }
}

/**
 * Records a thrown value on a span: `exception` event and ERROR status, both with the message
 * bounded (a peer's text in an error, such as a 1 MB tool name in "Tool … not found", is cut
 * once and counted at `error.message`). A hostile value (throwing getters, a Proxy) is
 * described without touching it further; recording never throws.
 *
 * `errorType`, when given, is the event's `exception.type`: the `error.type` a caller chose
 * instead of the thrown value's own (a framework's exception whose `name` is plain `Error`),
 * so that the span's `error.type` and its exception event agree.
 */
export function recordError(span: Span, error: unknown, errorType?: string): void {
  let message: string | undefined;
  try {
    let exception: Exception;
    if (error !== null && typeof error === 'object') {
      const raw = (error as { message?: unknown }).message;
      message = typeof raw === 'string' ? boundText(raw, 'error.message') : undefined;
      exception =
        typeof raw === 'string' && message !== raw
          ? boundedException(error, raw, message!)
          : (error as Error);
    } else {
      exception = safeString(error);
    }
    span.recordException(errorType === undefined ? exception : typed(exception, errorType));
  } catch {
    try {
      span.addEvent('exception', { 'exception.type': errorType ?? errorTypeOf(error) });
    } catch {
      // nothing more to do
    }
  }
  // `instanceof` itself throws on a hostile Proxy: the status must not depend on it.
  let isError = false;
  try {
    isError = error instanceof Error;
  } catch {
    isError = false;
  }
  try {
    span.setStatus({ code: SpanStatusCode.ERROR, message: isError ? message : undefined });
  } catch {
    // nothing more to do
  }
}

/**
 * `exception` as recorded with type `errorType`: OpenTelemetry takes `exception.type` from
 * `code`, else `name`, so the copy has `name` set and no `code`; message and stack are kept.
 */
function typed(exception: Exception, errorType: string): Exception {
  if (typeof exception === 'string') return { name: errorType, message: exception };
  const e = exception as { message?: unknown; stack?: unknown };
  return {
    name: errorType,
    message: typeof e.message === 'string' ? e.message : undefined,
    stack: typeof e.stack === 'string' ? e.stack : undefined,
  };
}

/** A copy of a thrown object whose message (and the stack's copy of it) was cut. */
function boundedException(error: object, raw: string, message: string): Exception {
  const e = error as { name?: unknown; code?: unknown; stack?: unknown };
  const stack = typeof e.stack === 'string' ? e.stack : undefined;
  const at = stack === undefined ? -1 : stack.indexOf(raw);
  return {
    name: typeof e.name === 'string' ? e.name : undefined,
    message,
    code: typeof e.code === 'string' || typeof e.code === 'number' ? e.code : undefined,
    stack:
      stack === undefined || at < 0
        ? undefined
        : stack.slice(0, at) + message + stack.slice(at + raw.length),
  };
}

/** ERROR status with the thrown value's (bounded) message, when it has one. Never throws. */
export function setErrorStatus(span: Span, error: unknown): void {
  let message: string | undefined;
  try {
    if (error instanceof Error) message = boundText(error.message, 'error.message');
  } catch {
    message = undefined;
  }
  try {
    span.setStatus({ code: SpanStatusCode.ERROR, message });
  } catch {
    // nothing more to do
  }
}
