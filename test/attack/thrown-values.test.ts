/**
 * Attack class: hostile thrown values (defect 8 of issue 14). A thrown object whose `code`,
 * `name`, `message` or `stack` getter throws, a Proxy whose every trap throws, and a revoked
 * Proxy must still be rethrown unchanged AND leave the span (ended, ERROR), the duration metric
 * point (with an `error.type`) and the listener record — or the failure vanishes from the
 * success rate. Bound: each call is recorded at once (synchronously for a sync tool).
 */
import { SpanStatusCode } from '@opentelemetry/api';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { ProbeConfigError } from '../../packages/health-probe/src/errors.ts';
import {
  errorTypeOf,
  type InvocationRecord,
  resetInstrumentation,
  subscribeInvocations,
  ToolscopeConfigError,
  ToolscopeError,
  traceTool,
  traceWorkflow,
} from '../../packages/instrumentation/src/index.ts';
import { recordError } from '../../packages/instrumentation/src/internal.ts';
import { PrometheusQueryError, ToolscopeReportError } from '../../packages/report/src/errors.ts';
import { histogramCount, setupTestOtel } from '../support/otel.ts';

const otel = setupTestOtel();
beforeEach(() => {
  otel.reset();
  resetInstrumentation();
});
afterAll(() => otel.shutdown());

function throwingGetter(key: string): object {
  const err = new Error('base');
  Object.defineProperty(err, key, {
    get() {
      throw new Error(`${key} getter says no`);
    },
  });
  return err;
}

function hostileProxy(): object {
  const trap = () => {
    throw new Error('trap');
  };
  return new Proxy(
    {},
    {
      get: trap,
      has: trap,
      getPrototypeOf: trap,
      ownKeys: trap,
      getOwnPropertyDescriptor: trap,
      defineProperty: trap,
      set: trap,
    },
  );
}

function revokedProxy(): object {
  const { proxy, revoke } = Proxy.revocable(new Error('gone'), {});
  revoke();
  return proxy;
}

const CASES: [string, () => unknown][] = [
  ['a throwing `code` getter', () => throwingGetter('code')],
  ['a throwing `name` getter', () => throwingGetter('name')],
  ['a throwing `message` getter', () => throwingGetter('message')],
  ['a throwing `stack` getter', () => throwingGetter('stack')],
  ['a Proxy whose every trap throws', hostileProxy],
  ['a revoked Proxy', revokedProxy],
  [
    'an object whose toString throws',
    () => ({
      toString() {
        throw new Error('no');
      },
    }),
  ],
  ['a symbol', () => Symbol('thrown')],
];
/** Each case with its own tool name: metrics are cumulative across the file. */
const HOSTILE = CASES.map(([what, make], i) => [what, make, `hostile_${i}`] as const);

describe('hostile thrown values (defect 8)', () => {
  it.each(HOSTILE)('%s: errorTypeOf and recordError survive it', (_, make) => {
    const value = make();
    expect(typeof errorTypeOf(value)).toBe('string');
    const span = otel.tracerProvider.getTracer('t').startSpan('s');
    expect(() => recordError(span, value)).not.toThrow();
    span.end();
    expect(otel.spans()[0]!.status.code).toBe(SpanStatusCode.ERROR);
  });

  it.each(HOSTILE)(
    '%s: a sync tool rethrows it and records span, metric and listener record',
    async (_, make, name) => {
      const value = make();
      const records: InvocationRecord[] = [];
      const off = subscribeInvocations((r) => records.push(r));
      const boom = traceTool(
        () => {
          throw value;
        },
        { name },
      );
      let caught: unknown;
      try {
        boom();
      } catch (e) {
        caught = e;
      }
      off();
      expect(caught).toBe(value);
      const spans = otel.spans();
      expect(spans).toHaveLength(1);
      expect(spans[0]!.status.code).toBe(SpanStatusCode.ERROR);
      expect(typeof spans[0]!.attributes['error.type']).toBe('string');
      expect(records).toHaveLength(1);
      expect(records[0]).toMatchObject({ kind: 'tool', name });
      expect(typeof (records[0] as { errorType?: unknown }).errorType).toBe('string');
      const duration = await otel.metric('gen_ai.execute_tool.duration');
      expect(
        histogramCount(
          duration,
          (a) => a['gen_ai.tool.name'] === name && a['error.type'] !== undefined,
        ),
      ).toBe(1);
    },
  );

  it.each(HOSTILE)(
    '%s: an async tool and its workflow record the rejection',
    async (_, make, name) => {
      const value = make();
      const tool = traceTool(
        async () => {
          throw value;
        },
        { name: `${name}_async` },
      );
      const flow = traceWorkflow(async () => tool(), { name: `${name}_flow` });
      await expect(flow()).rejects.toBe(value);
      const names = otel.spans().map((s) => s.name);
      expect(names).toEqual([`execute_tool ${name}_async`, `invoke_workflow ${name}_flow`]);
      for (const s of otel.spans()) expect(s.status.code).toBe(SpanStatusCode.ERROR);
      const executions = await otel.metric('toolscope.workflow.executions');
      const failed = executions?.dataPoints.filter(
        (p) => p.attributes['gen_ai.workflow.name'] === `${name}_flow`,
      );
      expect(failed?.map((p) => p.attributes['toolscope.workflow.outcome'])).toEqual(['failed']);
    },
  );

  it('a hostile value is never taken for a toolscope error (the CLI maps those to exit 2)', () => {
    const classes = [
      ToolscopeError,
      ToolscopeConfigError,
      ProbeConfigError,
      ToolscopeReportError,
      PrometheusQueryError,
    ];
    for (const [, make] of CASES) {
      for (const cls of classes) expect(make() instanceof cls).toBe(false);
    }
  });
});
