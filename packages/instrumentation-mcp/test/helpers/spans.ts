/** Finders over the spans a test exported so far, by name and kind. */
import type { SpanKind } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { expect } from 'vitest';
import type { TestOtel } from '../../../../test/support/otel.ts';

export interface SpanFinder {
  /** Every finished span named `name` of `kind`. */
  spans(name: string, kind: SpanKind): ReadableSpan[];
  /** The one finished span named `name` of `kind` (the test fails when there are more or none). */
  one(name: string, kind: SpanKind): ReadableSpan;
}

/** `otel` is read on each call: tests set it up in `beforeAll`. */
export function spanFinder(otel: () => TestOtel): SpanFinder {
  const spans = (name: string, kind: SpanKind): ReadableSpan[] =>
    otel()
      .spans()
      .filter((s) => s.name === name && s.kind === kind);
  return {
    spans,
    one(name, kind) {
      const found = spans(name, kind);
      expect(found.map((s) => s.name)).toEqual([name]);
      return found[0]!;
    },
  };
}
