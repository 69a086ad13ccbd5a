import { finished } from 'node:stream';
import { type Context, context } from '@opentelemetry/api';
import { logger } from './diag.ts';

/**
 * Called once when the traced work settles: `hasError` tells a throw or rejection (whose value
 * is `error`) from a normal end (whose value is `result`).
 */
export type Finish = (error: unknown, hasError: boolean, result: unknown) => void;

/**
 * The one primitive every wrapper is a thin layer over: runs `fn` in `ctx` (which holds the
 * span) and calls `finish` exactly once, when the work really ends.
 *
 * - A sync function stays sync: its value is returned as is; a throw is rethrown unchanged.
 * - A promise is timed until it settles; the returned promise resolves to the same value or
 *   rejects with the same error object.
 * - When `traceStreams` is on, an async generator, a Node.js stream or a web `ReadableStream`
 *   result is timed until it ends, errors or is abandoned (`return()`). Node.js streams are
 *   observed without being replaced; other async iterables (objects of the user's classes)
 *   are returned untouched and timed until they are returned.
 */
export function runInSpan<T>(ctx: Context, fn: () => T, finish: Finish, traceStreams: boolean): T {
  let ended = false;
  const end: Finish = (error, hasError, result) => {
    if (ended) return;
    ended = true;
    try {
      finish(error, hasError, result);
    } catch (err) {
      logger.error('finishing a span failed; ignored', err);
    }
  };
  let result: T;
  try {
    result = context.with(ctx, fn);
  } catch (err) {
    end(err, true, undefined);
    throw err;
  }
  if (result instanceof Promise) {
    return result.then(
      (value: unknown) => settle(ctx, value, end, traceStreams),
      (err: unknown) => {
        end(err, true, undefined);
        throw err;
      },
    ) as T;
  }
  return settle(ctx, result, end, traceStreams) as T;
}

function settle(ctx: Context, value: unknown, end: Finish, traceStreams: boolean): unknown {
  if (traceStreams && value !== null && typeof value === 'object') {
    if (isNodeStream(value)) {
      finished(value, (err) => (err ? end(err, true, undefined) : end(undefined, false, value)));
      return value;
    }
    if (typeof ReadableStream !== 'undefined' && value instanceof ReadableStream) {
      return wrapReadableStream(value, end);
    }
    // Only an async generator is replaced (by a generator-shaped wrapper): any other async
    // iterable may be a class with its own methods and fields, which a wrapper would lose, so
    // it is returned as it is and timed like a plain value.
    if (Object.prototype.toString.call(value) === '[object AsyncGenerator]') {
      return wrapAsyncIterable(ctx, value as AsyncIterable<unknown>, end);
    }
  }
  end(undefined, false, value);
  return value;
}

type NodeStreamLike = NodeJS.ReadableStream | NodeJS.WritableStream;

function isNodeStream(value: object): value is NodeStreamLike {
  const v = value as { pipe?: unknown; on?: unknown };
  return typeof v.pipe === 'function' && typeof v.on === 'function';
}

/**
 * Wraps an async iterable so the span ends when iteration finishes, throws or is abandoned.
 * Each `next()` runs in the span's context, so spans started by the producer nest under it.
 */
function wrapAsyncIterable<V>(
  ctx: Context,
  source: AsyncIterable<V>,
  end: Finish,
): AsyncIterableIterator<V> & AsyncGenerator<V> {
  const it = context.with(ctx, () => source[Symbol.asyncIterator]()) as AsyncGenerator<V>;
  const step = async (
    call: () => Promise<IteratorResult<V>>,
    endWhenDone: boolean,
  ): Promise<IteratorResult<V>> => {
    try {
      const r = await context.with(ctx, call);
      if (r.done || endWhenDone) end(undefined, false, source);
      return r;
    } catch (err) {
      end(err, true, undefined);
      throw err;
    }
  };
  const wrapper = {
    next: (...args: [] | [unknown]) => step(() => it.next(...args), false),
    return: (value?: unknown) =>
      step(
        () =>
          typeof it.return === 'function'
            ? it.return(value as V)
            : Promise.resolve({ done: true, value: value as V }),
        true,
      ),
    throw: (err?: unknown) =>
      typeof it.throw === 'function'
        ? step(() => it.throw(err), false)
        : step(() => Promise.reject(err), true),
    [Symbol.asyncIterator]() {
      return wrapper;
    },
    [Symbol.asyncDispose]: async () => {
      await wrapper.return();
    },
  };
  return wrapper as unknown as AsyncIterableIterator<V> & AsyncGenerator<V>;
}

/** A pass-through `ReadableStream` that ends the span when the source ends, errors or is cancelled. */
function wrapReadableStream<V>(source: ReadableStream<V>, end: Finish): ReadableStream<V> {
  const reader = source.getReader();
  return new ReadableStream<V>({
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (done) {
          end(undefined, false, source);
          controller.close();
        } else {
          controller.enqueue(value);
        }
      } catch (err) {
        end(err, true, undefined);
        controller.error(err);
      }
    },
    async cancel(reason) {
      end(undefined, false, source);
      await reader.cancel(reason);
    },
  });
}
