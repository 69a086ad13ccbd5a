import { Readable } from 'node:stream';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { histogramCount, points, setupTestOtel } from '../../../test/support/otel.ts';
import {
  configureInstrumentation,
  currentToolInvocation,
  resetInstrumentation,
  ToolscopeConfigError,
  tool,
  traceTool,
  withTool,
} from '../src/index.ts';

const otel = setupTestOtel();
beforeEach(() => {
  otel.reset();
  resetInstrumentation();
});
afterAll(() => otel.shutdown());

const durationMetric = () => otel.metric('gen_ai.execute_tool.duration');
const only = () => {
  const spans = otel.spans();
  expect(spans).toHaveLength(1);
  return spans[0]!;
};

describe('traceTool', () => {
  it('keeps a sync function sync and its result unchanged', () => {
    const add = traceTool((a: number, b: number) => a + b, { name: 'add' });
    const result = add(2, 3);
    expect(result).toBe(5);
    const span = only();
    expect(span.name).toBe('execute_tool add');
    expect(span.kind).toBe(SpanKind.INTERNAL);
    expect(span.attributes).toMatchObject({
      'gen_ai.operation.name': 'execute_tool',
      'gen_ai.tool.name': 'add',
      'gen_ai.tool.type': 'function',
    });
    expect(span.attributes['error.type']).toBeUndefined();
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('rethrows a sync throw unchanged and records it', async () => {
    const err = Object.assign(new Error('nope'), { code: 'E_NOPE' });
    const boom = traceTool(
      () => {
        throw err;
      },
      { name: 'boom' },
    );
    let caught: unknown;
    try {
      boom();
    } catch (e) {
      caught = e;
    }
    expect(caught).toBe(err);
    const span = only();
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes['error.type']).toBe('E_NOPE');
    expect(span.events.map((e) => e.name)).toEqual(['exception']);
    const m = await durationMetric();
    expect(
      points(m)
        .map((p) => p.attributes)
        .filter((a) => a['gen_ai.tool.name'] === 'boom'),
    ).toEqual([
      { 'gen_ai.tool.name': 'boom', 'gen_ai.tool.type': 'function', 'error.type': 'E_NOPE' },
    ]);
  });

  it('times a promise until it settles and rethrows a rejection unchanged', async () => {
    const err = new TypeError('bad');
    const slowFail = traceTool(
      async () => {
        await new Promise((r) => setTimeout(r, 20));
        throw err;
      },
      { name: 'slow_fail' },
    );
    await expect(slowFail()).rejects.toBe(err);
    const span = only();
    expect(span.attributes['error.type']).toBe('TypeError');
    const ms = (span.duration[0] * 1e9 + span.duration[1]) / 1e6;
    expect(ms).toBeGreaterThanOrEqual(15);
  });

  it('preserves this, name and length', () => {
    class Api {
      base = 10;
      plus = traceTool(
        function (this: Api, x: number) {
          return this.base + x;
        },
        { name: 'plus' },
      );
    }
    const api = new Api();
    expect(api.plus(5)).toBe(15);
    function named(_a: number, _b: number) {
      return 1;
    }
    const wrapped = traceTool(named, { name: 'n' });
    expect(wrapped.name).toBe('named');
    expect(wrapped.length).toBe(2);
  });

  it('times an async generator until it ends, with spans inside nested', async () => {
    const inner = traceTool(async () => 1, { name: 'inner' });
    const stream = traceTool(
      async function* (n: number) {
        for (let i = 0; i < n; i++) yield await inner();
      },
      { name: 'stream' },
    );
    const it = stream(3);
    expect(otel.spans()).toHaveLength(0);
    const got: number[] = [];
    for await (const v of it) got.push(v);
    expect(got).toEqual([1, 1, 1]);
    const spans = otel.spans();
    const outer = spans.find((s) => s.name === 'execute_tool stream')!;
    expect(outer).toBeDefined();
    const children = spans.filter((s) => s.name === 'execute_tool inner');
    expect(children).toHaveLength(3);
    for (const c of children) expect(c.parentSpanContext?.spanId).toBe(outer.spanContext().spanId);
  });

  it('ends the span when a consumer abandons an async iterable early', async () => {
    const stream = traceTool(
      async function* () {
        yield 1;
        yield 2;
        yield 3;
      },
      { name: 'abandoned' },
    );
    for await (const v of stream()) {
      if (v === 1) break;
    }
    expect(only().name).toBe('execute_tool abandoned');
  });

  it('records an error thrown mid-stream', async () => {
    const stream = traceTool(
      async function* () {
        yield 1;
        throw new RangeError('mid');
      },
      { name: 'midfail' },
    );
    await expect(async () => {
      for await (const _ of stream()) {
        /* consume */
      }
    }).rejects.toThrow('mid');
    expect(only().attributes['error.type']).toBe('RangeError');
  });

  it('returns other async iterables untouched (same object, class and fields)', async () => {
    class Page {
      data = [1, 2];
      async *[Symbol.asyncIterator]() {
        yield* this.data;
      }
    }
    const page = new Page();
    const get = traceTool(async () => page, { name: 'paged' });
    const got = await get();
    expect(got).toBe(page);
    expect(got).toBeInstanceOf(Page);
    expect(only().name).toBe('execute_tool paged');
  });

  it('observes a Node.js stream without replacing it', async () => {
    let made: Readable | undefined;
    const read = traceTool(
      () => {
        made = Readable.from(['a', 'b']);
        return made;
      },
      { name: 'node_stream' },
    );
    const s = read();
    expect(s).toBe(made);
    const chunks: string[] = [];
    for await (const c of s) chunks.push(String(c));
    expect(chunks).toEqual(['a', 'b']);
    await expect.poll(() => otel.spans().length, { timeout: 2000 }).toBe(1);
  });

  it('times a web ReadableStream until it closes', async () => {
    const read = traceTool(
      () =>
        new ReadableStream<string>({
          start(c) {
            c.enqueue('x');
            c.close();
          },
        }),
      { name: 'web_stream' },
    );
    const s = read();
    expect(s).toBeInstanceOf(ReadableStream);
    expect(otel.spans()).toHaveLength(0);
    const out: string[] = [];
    for await (const c of s) out.push(c);
    expect(out).toEqual(['x']);
    expect(only().name).toBe('execute_tool web_stream');
  });

  it('ends the span exactly once', async () => {
    const t = traceTool(async () => 'x', { name: 'once' });
    await Promise.all([t(), t()]);
    expect(otel.spans()).toHaveLength(2);
    expect(histogramCount(await durationMetric(), (a) => a['gen_ai.tool.name'] === 'once')).toBe(2);
  });

  it('records options: type, description, call id, confidence, expected performance, kind', async () => {
    const t = traceTool(async (_q: string) => 'ok', {
      name: 'search',
      type: 'extension',
      description: 'Searches restaurants',
      callId: (q) => `call-${q}`,
      confidence: 0.8,
      expectedPerformanceMs: 250,
      kind: SpanKind.CLIENT,
    });
    await t('1');
    const span = only();
    expect(span.kind).toBe(SpanKind.CLIENT);
    expect(span.attributes).toMatchObject({
      'gen_ai.tool.type': 'extension',
      'gen_ai.tool.description': 'Searches restaurants',
      'gen_ai.tool.call.id': 'call-1',
      'toolscope.selection.confidence': 0.8,
      'toolscope.tool.expected_performance_ms': 250,
    });
    // Call ids never reach metrics.
    expect(JSON.stringify(points(await durationMetric()))).not.toContain('call-1');
  });

  it('records cheap input and output sizes and the payload histogram', async () => {
    const echo = traceTool(async (s: string) => `${s}!`, { name: 'echo' });
    await echo('héllo');
    const span = only();
    expect(span.attributes['toolscope.tool.input.size']).toBe(6);
    expect(span.attributes['toolscope.tool.output.size']).toBe(7);
    const sizes = await otel.metric('toolscope.tool.payload.size');
    const echoSizes = points(sizes).filter((p) => p.attributes['gen_ai.tool.name'] === 'echo');
    expect(echoSizes.map((p) => p.attributes['toolscope.payload.direction']).sort()).toEqual([
      'input',
      'output',
    ]);
  });

  it('does not serialize objects for sizes unless told', async () => {
    let serialized = 0;
    const value = {
      toJSON() {
        serialized++;
        return {};
      },
    };
    const t = traceTool(async (_o: object) => value, { name: 'obj' });
    await t(value);
    expect(serialized).toBe(0);
    expect(only().attributes['toolscope.tool.input.size']).toBeUndefined();
    otel.reset();
    const sized = traceTool(async (_o: object) => value, {
      name: 'obj_sized',
      inputSize: () => 123,
      outputSize: () => 456,
    });
    await sized(value);
    expect(only().attributes).toMatchObject({
      'toolscope.tool.input.size': 123,
      'toolscope.tool.output.size': 456,
    });
  });

  it('records retries and fallbacks on the span and counters', async () => {
    const flaky = traceTool(
      async () => {
        const call = currentToolInvocation()!;
        call.recordRetry('timeout');
        call.recordRetry('timeout');
        return 'ok';
      },
      { name: 'backup', fallbackFor: 'primary' },
    );
    await flaky();
    const span = only();
    expect(span.attributes['toolscope.tool.retry_count']).toBe(2);
    expect(span.attributes['toolscope.tool.fallback_for']).toBe('primary');
    expect(span.events.filter((e) => e.name === 'retry')).toHaveLength(2);
    expect(points(await otel.metric('toolscope.tool.retries'))).toEqual([
      { attributes: { 'gen_ai.tool.name': 'backup' }, value: 2 },
    ]);
    expect(points(await otel.metric('toolscope.tool.fallbacks'))).toEqual([
      {
        attributes: { 'gen_ai.tool.name': 'backup', 'toolscope.tool.fallback_for': 'primary' },
        value: 1,
      },
    ]);
  });

  it('marks a call failed without throwing through fail()', async () => {
    const r = await withTool({ name: 'mcp_tool' }, async (call) => {
      call.fail('tool_error', 'isError result');
      return { isError: true };
    });
    expect(r).toEqual({ isError: true });
    const span = only();
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes['error.type']).toBe('tool_error');
    expect(span.events.map((e) => [e.name, e.attributes?.['exception.type']])).toEqual([
      ['exception', 'tool_error'],
    ]);
  });
});

describe('content capture', () => {
  it('is off by default', async () => {
    const t = traceTool(async (q: string) => `secret answer to ${q}`, { name: 'c' });
    await t('secret question');
    const attrs = only().attributes;
    expect(attrs['gen_ai.tool.call.arguments']).toBeUndefined();
    expect(attrs['gen_ai.tool.call.result']).toBeUndefined();
  });

  it('captures, truncates and redacts when on', async () => {
    configureInstrumentation({
      captureContent: true,
      maxContentBytes: 40,
      redact: ({ direction, value }) =>
        direction === 'arguments' ? { ...(value as object), apiKey: '[REDACTED]' } : value,
    });
    const t = traceTool(async (_args: { q: string; apiKey: string }) => 'x'.repeat(100), {
      name: 'c',
    });
    await t({ q: 'hi', apiKey: 'sk-123' });
    const attrs = only().attributes;
    expect(attrs['gen_ai.tool.call.arguments']).toBe('{"q":"hi","apiKey":"[REDACTED]"}');
    // 40 bytes: 37 of content and the 3-byte ellipsis.
    expect(attrs['gen_ai.tool.call.result']).toBe(`${'x'.repeat(37)}…`);
  });

  it('turns on from OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT', async () => {
    process.env.OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT = 'true';
    try {
      resetInstrumentation();
      await traceTool(async (q: string) => q, { name: 'env' })('hello');
      expect(only().attributes['gen_ai.tool.call.result']).toBe('hello');
    } finally {
      delete process.env.OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT;
    }
  });
});

describe('hooks that throw never break the call', () => {
  it('keeps a valid span and the unchanged result', async () => {
    configureInstrumentation({
      captureContent: true,
      redact: () => {
        throw new Error('redact broke');
      },
    });
    const t = traceTool(async (q: string) => `r:${q}`, {
      name: 'hooks',
      callId: () => {
        throw new Error('callId broke');
      },
      inputSize: () => {
        throw new Error('inputSize broke');
      },
      outputSize: () => {
        throw new Error('outputSize broke');
      },
    });
    await expect(t('q')).resolves.toBe('r:q');
    const span = only();
    expect(span.name).toBe('execute_tool hooks');
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
    expect(span.attributes['gen_ai.tool.call.arguments']).toBeUndefined();
  });
});

describe('the @tool decorator (TC39 standard)', () => {
  it('wraps a method, names the tool after it and keeps this', async () => {
    // Applied the way the standard calls a method decorator: decorator(method, context).
    class Planner {
      city = 'Lisbon';
      async findHotels(n: number) {
        return `${n} hotels in ${this.city}`;
      }
    }
    const original = Planner.prototype.findHotels;
    const decorated = tool({ type: 'datastore' })(original, {
      kind: 'method',
      name: 'findHotels',
      static: false,
      private: false,
      access: { has: () => true, get: (o: Planner) => o.findHotels },
      addInitializer: () => {},
      metadata: {},
    } as unknown as ClassMethodDecoratorContext<Planner, typeof original>);
    Planner.prototype.findHotels = decorated;
    await expect(new Planner().findHotels(2)).resolves.toBe('2 hotels in Lisbon');
    expect(only().attributes).toMatchObject({
      'gen_ai.tool.name': 'findHotels',
      'gen_ai.tool.type': 'datastore',
    });
  });
});

describe('bad options fail at set-up, naming the field', () => {
  it.each([
    [{ name: '' }, /name: must be a non-empty string/],
    [{ name: 'x', type: 'plugin' }, /type: must be one of 'function', 'extension', 'datastore'/],
    [{ name: 'x', confidence: 1.5 }, /confidence: must be a number from 0 to 1/],
    [
      { name: 'x', expectedPerformanceMs: -1 },
      /expectedPerformanceMs: must be a finite number >= 0/,
    ],
    [{ name: 'x', fallbackFor: '' }, /fallbackFor: must be a non-empty string/],
  ])('%j', (options, message) => {
    expect(() => traceTool(() => 1, options as never)).toThrow(message);
  });

  it('rejects bad global settings and changes nothing', () => {
    expect(() => configureInstrumentation({ maxContentBytes: -5 })).toThrow(
      /maxContentBytes: must be an integer >= 16/,
    );
    expect(() => configureInstrumentation({ maxToolNames: 0 })).toThrow(/maxToolNames/);
    expect(() => configureInstrumentation({ redact: 'x' as never })).toThrow(/redact/);
  });

  it.each([
    [{ bogus: 1 }, 'bogus'],
    // A typo of captureContent: accepted silently, it would leave capture off.
    [{ captureContents: true }, 'captureContents'],
  ])('rejects the unknown key of %j, naming it and the known ones', (options, key) => {
    let thrown: unknown;
    try {
      configureInstrumentation(options as never);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(ToolscopeConfigError);
    expect((thrown as ToolscopeConfigError).field).toBe(key);
    expect((thrown as Error).message).toMatch(
      new RegExp(`^${key}: is not a known field; allowed: captureContent, maxContentBytes, `),
    );
    expect((thrown as Error).message).toContain('meterProvider');
  });

  it('an unknown key changes nothing, the valid options beside it included', () => {
    expect(() => configureInstrumentation({ captureContent: true, bogus: 1 } as never)).toThrow(
      /bogus/,
    );
    const traced = traceTool((x: number) => x, { name: 'echo' });
    traced(7);
    expect(Object.keys(only().attributes)).not.toContain('gen_ai.tool.call.arguments');
  });
});
