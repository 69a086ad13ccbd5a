/**
 * `observe`: how a wrapped request or handler hands the SDK's result back. The caller gets the
 * SDK's own promise (no derived one), the observer runs before the caller's continuation, and
 * nothing the observer does (throwing included) reaches the caller or leaves an unhandled
 * rejection.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { observe, type Settlement } from '../src/settle.ts';

function recorder(): Settlement & { events: string[] } {
  const events: string[] = [];
  return {
    events,
    settled(result) {
      events.push(`settled:${String(result)}`);
    },
    failed(err) {
      events.push(`failed:${(err as Error).message}`);
    },
  };
}

describe('observe', () => {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  beforeEach(() => {
    unhandled.length = 0;
    process.on('unhandledRejection', onUnhandled);
  });
  afterEach(() => {
    process.off('unhandledRejection', onUnhandled);
  });

  it('returns the very promise it was given, and tells the observer before the caller', async () => {
    const pending = Promise.resolve(42);
    const r = recorder();
    const returned = observe(pending, r);
    expect(returned).toBe(pending);
    const seen = await (returned as Promise<number>).then((v) => {
      r.events.push(`caller:${v}`);
      return v;
    });
    expect(seen).toBe(42);
    expect(r.events).toEqual(['settled:42', 'caller:42']);
  });

  it('a rejection reaches the caller unchanged, after the observer saw it', async () => {
    const err = new Error('boom');
    const pending = Promise.reject(err);
    const r = recorder();
    const returned = observe(pending, r) as Promise<unknown>;
    await expect(returned).rejects.toBe(err);
    expect(r.events).toEqual(['failed:boom']);
  });

  it('an observer that throws never changes the result and leaves no unhandled rejection', async () => {
    const throwing: Settlement = {
      settled() {
        throw new Error('observer bug');
      },
      failed() {
        throw new Error('observer bug');
      },
    };
    await expect(observe(Promise.resolve('ok'), throwing)).resolves.toBe('ok');
    const err = new Error('sdk error');
    await expect(observe(Promise.reject(err), throwing)).rejects.toBe(err);
    // Unhandled rejections are reported after a macrotask turn.
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    expect(unhandled).toEqual([]);
  });

  it('a plain value is observed at once and returned as it is', () => {
    const r = recorder();
    const value = { content: [] };
    expect(observe(value, r)).toBe(value);
    expect(r.events).toEqual(['settled:[object Object]']);
  });
});
