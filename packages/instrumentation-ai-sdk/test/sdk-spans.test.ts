/**
 * Recognising another integration's spans: only its model-call span counts as evidence, and
 * its run span is adopted only when the span ids agree with what the wrapper saw.
 */
import { ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { findSdkAgentSpan, sdkModelCallParent } from '../src/sdk-spans.ts';
import { integrations, useTestEnv } from './helpers/observe.ts';

useTestEnv();
const tracer = () => trace.getTracer('other-integration');

function tree() {
  const root = tracer().startSpan('invoke_agent m', {
    attributes: { 'gen_ai.operation.name': 'invoke_agent' },
  });
  const rootCtx = trace.setSpan(ROOT_CONTEXT, root);
  const step = tracer().startSpan('step 1', {}, rootCtx);
  const chat = tracer().startSpan(
    'chat m',
    { attributes: { 'gen_ai.operation.name': 'chat' } },
    trace.setSpan(rootCtx, step),
  );
  return { root, step, chat };
}

describe('sdkModelCallParent', () => {
  it('is the step of another integration’s chat span, and nothing for other spans', () => {
    const { step, chat, root } = tree();
    expect(sdkModelCallParent(chat)?.spanId).toBe(step.spanContext().spanId);
    expect(sdkModelCallParent(root)).toBeUndefined();
    expect(sdkModelCallParent(undefined)).toBeUndefined();
    expect(sdkModelCallParent(trace.wrapSpanContext(chat.spanContext()))).toBeUndefined();
  });
});

describe('findSdkAgentSpan', () => {
  it('adopts the run span only when the ids agree', () => {
    const { root, step } = tree();
    const other = tree();
    integrations().push({
      callStates: new Map([['call-1', { rootSpan: root, stepSpan: step }]]),
    } as never);
    expect(findSdkAgentSpan('call-1', step.spanContext())).toBe(root);
    expect(findSdkAgentSpan('call-1', root.spanContext())).toBe(root);
    expect(findSdkAgentSpan('call-1', other.step.spanContext())).toBeUndefined();
    expect(findSdkAgentSpan('call-2', step.spanContext())).toBeUndefined();
  });

  it('survives hostile state', () => {
    const { step } = tree();
    integrations().push(
      null as never,
      { callStates: 'nope' } as never,
      {
        get callStates(): never {
          throw new Error('hostile');
        },
      } as never,
    );
    expect(findSdkAgentSpan('call-1', step.spanContext())).toBeUndefined();
  });
});
