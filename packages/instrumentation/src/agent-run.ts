/**
 * Agent invocations: an `invoke_agent {gen_ai.agent.name}` span (or another library's span for
 * the same run, adopted) and the `gen_ai.invoke_agent.duration` histogram. The framework
 * integrations start and end them around the framework's agent runs; tool calls made during a
 * run nest under its span.
 */
import {
  type Attributes,
  type Context,
  context,
  type Span,
  SpanKind,
  trace,
} from '@opentelemetry/api';
import { applyCorrelation } from './correlation.ts';
import { logger } from './diag.ts';
import { errorTypeOf } from './error-type.ts';
import { agentAttributes } from './metrics/cardinality.ts';
import { getRecorders } from './metrics/instruments.ts';
import { getTracer } from './providers.ts';
import {
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_AGENT_NAME,
  ATTR_GEN_AI_OPERATION_NAME,
  GEN_AI_OPERATION_NAME_VALUE_INVOKE_AGENT,
} from './semconv.ts';
import { boundName } from './shared/bound.ts';
import {
  endedSpanSeconds,
  recordError,
  setErrorStatus,
  whenForeignSpanEnds,
} from './span-outcome.ts';
import { preciseNow } from './tool-call.ts';

/** How an agent run starts. */
export interface AgentRunStart {
  /** `gen_ai.agent.name` (bounded: frameworks take it from user or model input). */
  readonly name: string;
  /** Parent context. @default context.active() */
  readonly parent?: Context;
  /** Another library's span for this run, to record on instead of opening one. */
  readonly adopt?: Span;
  /** Start time, epoch ms, for a run observed after the fact. @default now */
  readonly startTime?: number;
  /** Extra span attributes (never metric attributes). */
  readonly attributes?: Attributes;
}

/** A started agent run. */
export interface AgentRunHandle {
  readonly span: Span;
  /** The context to run the agent's work in (its span active). */
  readonly context: Context;
  /** Ends the run once; never throws. */
  end(outcome?: {
    readonly error?: unknown;
    readonly errorType?: string;
    readonly endTime?: number;
  }): void;
}

/** Starts an agent run. Returns `undefined` only when starting failed. Never throws. */
export function startAgentRun(start: AgentRunStart): AgentRunHandle | undefined {
  try {
    const parent = start.parent ?? context.active();
    const name = boundName(start.name, 'framework.name');
    const attributes: Attributes = {
      ...start.attributes,
      [ATTR_GEN_AI_OPERATION_NAME]: GEN_AI_OPERATION_NAME_VALUE_INVOKE_AGENT,
      [ATTR_GEN_AI_AGENT_NAME]: name,
    };
    const adopted = start.adopt;
    const span =
      adopted ??
      getTracer().startSpan(
        `${GEN_AI_OPERATION_NAME_VALUE_INVOKE_AGENT} ${name}`,
        {
          kind: SpanKind.INTERNAL,
          attributes,
          ...(start.startTime !== undefined ? { startTime: start.startTime } : {}),
        },
        parent,
      );
    if (adopted !== undefined) adopted.setAttributes(attributes);
    applyCorrelation(span, parent);
    const startMs = performance.now();
    let ended = false;
    return {
      span,
      context: adopted !== undefined ? parent : trace.setSpan(parent, span),
      end(given = {}) {
        if (ended) return;
        ended = true;
        // A run given its start time ends on the same clock when no end time is given.
        const outcome =
          given.endTime === undefined && start.startTime !== undefined
            ? { ...given, endTime: preciseNow() }
            : given;
        try {
          const measuredS =
            outcome.endTime !== undefined && start.startTime !== undefined
              ? Math.max(0, outcome.endTime - start.startTime) / 1000
              : (performance.now() - startMs) / 1000;
          let errorType: string | undefined;
          if ('error' in outcome) {
            errorType = boundName(outcome.errorType ?? errorTypeOf(outcome.error), 'error.type');
            if (adopted !== undefined) setErrorStatus(span, outcome.error);
            else {
              recordError(
                span,
                outcome.error,
                outcome.errorType === undefined ? undefined : errorType,
              );
            }
          } else if (outcome.errorType !== undefined) {
            errorType = boundName(outcome.errorType, 'error.type');
            setErrorStatus(span, undefined);
          }
          if (errorType !== undefined) span.setAttribute(ATTR_ERROR_TYPE, errorType);
          const record = (seconds: number | undefined) =>
            getRecorders().agentDuration.record(
              seconds ?? measuredS,
              agentAttributes(name, errorType),
            );
          if (adopted !== undefined) {
            whenForeignSpanEnds(span, record);
          } else {
            if (outcome.endTime !== undefined) span.end(outcome.endTime);
            else span.end();
            record(endedSpanSeconds(span));
          }
        } catch (err) {
          logger.error(`ending agent run ${name} failed; ignored`, err);
        }
      },
    };
  } catch (err) {
    logger.error('starting an agent run failed; running untraced', err);
    return undefined;
  }
}
