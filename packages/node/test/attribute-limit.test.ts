import { afterEach, describe, expect, it } from 'vitest';
import { startToolscope, ToolscopeSetupError } from '../src/index.ts';
import { resolveOptions } from '../src/options.ts';

const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
});

describe('the span attribute value length limit', () => {
  it('is 4096 by default', () => {
    delete process.env.OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT;
    delete process.env.OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT;
    expect(resolveOptions().attributeValueLengthLimit).toBe(4096);
  });

  it('honours OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT, OTEL_SPAN_… over it, and the option over both', () => {
    process.env.OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT = '300';
    expect(resolveOptions().attributeValueLengthLimit).toBe(300);
    process.env.OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT = '200';
    expect(resolveOptions().attributeValueLengthLimit).toBe(200);
    expect(resolveOptions({ attributeValueLengthLimit: 100 }).attributeValueLengthLimit).toBe(100);
  });

  it('rejects a bad value naming the option or the variable', () => {
    expect(() => resolveOptions({ attributeValueLengthLimit: 0 })).toThrow(
      /^attributeValueLengthLimit: /,
    );
    process.env.OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT = 'lots';
    expect(() => resolveOptions()).toThrow(ToolscopeSetupError);
    expect(() => resolveOptions()).toThrow(/^OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT: /);
  });

  it('cuts longer span attribute values on the tracer provider startToolscope makes', async () => {
    const toolscope = startToolscope({ export: false, attributeValueLengthLimit: 32 });
    try {
      const span = toolscope.tracerProvider!.getTracer('t').startSpan('long', {
        attributes: { note: 'x'.repeat(1_000) },
      });
      span.end();
      const note = (span as unknown as { attributes: Record<string, unknown> }).attributes.note;
      expect(note).toBe('x'.repeat(32));
    } finally {
      await toolscope.shutdown();
    }
  });
});
