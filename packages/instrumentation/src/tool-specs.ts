/**
 * The spec of a tool that a framework names (an AI SDK tool, an Agents function or MCP tool, a
 * LangChain tool, an MCP `tools/call`): the name bounded (it may come from a model or a peer),
 * validated once and reused for every call, in a capped cache. The framework integrations all
 * take their specs from here.
 */
import type { SpanKind } from '@opentelemetry/api';
import { ERROR_TYPE_VALUE_OTHER } from './semconv.ts';
import { boundName } from './shared/bound.ts';
import { toolCallSpec } from './tool.ts';
import { NO_OUTPUT_SIZE, type ToolCallSpec } from './tool-call.ts';
import type { ToolType } from './types.ts';

/** How a framework's tool is recorded, besides its name. */
export interface FrameworkToolOptions {
  /** `gen_ai.tool.type`. @default 'function' */
  readonly type?: ToolType;
  /** Span kind of the span toolscope opens. @default SpanKind.INTERNAL */
  readonly kind?: SpanKind;
  /** Content capture for this framework's tools. @default the process-wide setting */
  readonly captureContent?: boolean;
  /** The span name when toolscope opens one. @default `execute_tool {name}` */
  readonly spanName?: string;
  /** Never measure the output size (the result is the framework's, not the tool's). */
  readonly noOutputSize?: boolean;
}

/** Specs are cheap to make again: past this many the cache starts over (names from outside). */
const MAX_SPECS = 2_000;
const specs = new Map<string, ToolCallSpec>();

/**
 * The spec of a call of the tool a framework calls `name` (any value: a non-string or empty
 * name is `_OTHER`). Never throws.
 *
 * @example frameworkToolSpec('get_weather', { type: 'extension' }).spanName === 'execute_tool get_weather'
 */
export function frameworkToolSpec(name: unknown, options: FrameworkToolOptions = {}): ToolCallSpec {
  // Bounded first: the cache never holds a peer's megabyte name (and each cut is counted).
  const bounded = boundName(
    typeof name === 'string' && name.trim() !== '' ? name : ERROR_TYPE_VALUE_OTHER,
    'framework.name',
  );
  const key = `${options.type ?? 'function'}\u0000${options.kind ?? ''}\u0000${options.captureContent ?? ''}\u0000${options.spanName ?? ''}\u0000${options.noOutputSize === true}\u0000${bounded}`;
  let spec = specs.get(key);
  if (spec === undefined) {
    const base = toolCallSpec({
      name: bounded,
      ...(options.type !== undefined ? { type: options.type } : {}),
      ...(options.kind !== undefined ? { kind: options.kind } : {}),
      ...(options.captureContent !== undefined ? { captureContent: options.captureContent } : {}),
    });
    spec =
      options.spanName !== undefined || options.noOutputSize === true
        ? Object.freeze({
            ...base,
            ...(options.spanName !== undefined ? { spanName: options.spanName } : {}),
            ...(options.noOutputSize === true ? { outputSize: NO_OUTPUT_SIZE } : {}),
          })
        : base;
    if (specs.size >= MAX_SPECS) specs.clear();
    specs.set(key, spec);
  }
  return spec;
}
