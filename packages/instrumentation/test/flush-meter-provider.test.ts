import { type MeterProvider, metrics } from '@opentelemetry/api';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { type CapturedDiag, captureDiag } from '../../../test/support/diag.ts';
import { flushMeterProvider } from '../src/internal.ts';

let diag: CapturedDiag;
beforeEach(() => {
  diag = captureDiag();
});
afterEach(() => diag.restore());

/** A provider whose `forceFlush` is `flush` (the SDK's shape, duck-typed). */
const providerWith = (flush: (options?: unknown) => unknown) =>
  ({
    getMeter: () => metrics.getMeterProvider().getMeter('x'),
    forceFlush: flush,
  }) as MeterProvider;

it('flushes a provider that can, telling it the deadline', async () => {
  const calls: unknown[] = [];
  await flushMeterProvider(
    providerWith(async (options) => {
      calls.push(options);
    }),
    1234,
    'test',
  );
  expect(calls).toEqual([{ timeoutMillis: 1234 }]);
  expect(diag.messages).toEqual([]);
});

it('does nothing for the no-op provider (no forceFlush)', async () => {
  metrics.disable();
  await flushMeterProvider(metrics.getMeterProvider(), 1000, 'test');
  expect(diag.messages).toEqual([]);
});

it('gives up after the deadline on a flush that never ends, with a warning', async () => {
  const started = performance.now();
  await flushMeterProvider(
    providerWith(() => new Promise(() => {})),
    30,
    'HealthMonitor.close()',
  );
  expect(performance.now() - started).toBeGreaterThanOrEqual(25);
  expect(diag.messages).toEqual([
    expect.stringMatching(
      /^warn @toolscope\/instrumentation HealthMonitor\.close\(\): .*did not finish within 30 ms/,
    ),
  ]);
});

it.each([
  [
    'rejects',
    async () => {
      throw new Error('export failed');
    },
  ],
  [
    'throws',
    () => {
      throw new Error('export failed');
    },
  ],
])('never rejects when the flush %s; logs it', async (_how, flush) => {
  await expect(flushMeterProvider(providerWith(flush), 1000, 'test')).resolves.toBeUndefined();
  expect(diag.messages).toEqual([
    expect.stringMatching(/^warn @toolscope\/instrumentation test: flushing .*export failed/),
  ]);
});
