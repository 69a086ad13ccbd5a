/**
 * `error.type` of an Agents span. The SDK never hands processors an exception: a span's error is
 * `{ message, data }`, with the exception's text in `data.error` only when the SDK chose to keep
 * it (a custom `errorFunction`, `errorFunction: null`, run failures with
 * `traceIncludeSensitiveData`). So the type is derived, in this order:
 *
 * | case | `error.type` |
 * |---|---|
 * | a rejected approval (`Tool execution was not approved.`) | `tool_rejected` |
 * | the exception's class visible at the start of `data.error` (`TypeError: kaboom`) | that class (`TypeError`, `InvalidToolInputError`, `ModelBehaviorError`, `MaxTurnsExceededError`, …) |
 * | a tool whose arguments were not valid JSON (the SDK failed the call before starting the tool) | `InvalidToolInputError` |
 * | anything else (the SDK redacted the details; a run's bare `Error` is its redaction) | `_OTHER` |
 *
 * A tool that threw and a tool whose arguments failed its schema look the same when the SDK
 * redacts the details (its default, also for invalid input under
 * `OPENAI_AGENTS_DONT_LOG_TOOL_DATA`): both are `_OTHER` then. Only the class token is used,
 * never the message. An unknown tool ends the run (`unknownToolOf`).
 *
 * @example toolErrorType({ message: 'Error running tool', data: { error: 'TypeError: kaboom' } }, true) === 'TypeError'
 * @example toolErrorType({ message: 'Error running tool (non-fatal)', data: { error: 'Tool execution failed. Error details are redacted.' } }, true) === '_OTHER'
 */
import {
  ERROR_TYPE_VALUE_OTHER,
  ERROR_TYPE_VALUE_TOOL_REJECTED,
} from '@toolscope/instrumentation/internal';
import type { AgentsSpanError } from './internal-types.ts';

/** The SDK's message on the span of a tool call whose approval was rejected. */
const REJECTED_MESSAGE = 'Tool execution was not approved.';
/** The SDK's message on a tool span it failed without raising (arguments, thrown, schema). */
const NON_FATAL_MESSAGE = 'Error running tool (non-fatal)';
/** The SDK's class for invalid tool input (JSON or schema). */
const INVALID_INPUT = 'InvalidToolInputError';
/** A class name at the start of `String(error)`: `TypeError: …`, `ToolCallError: …`. */
const CLASS_PREFIX = /^((?:[A-Za-z_$][\w$]{0,63})?(?:Error|Exception))(?::|$)/;
/** What the SDK writes instead of a run's error when it redacts it. */
const REDACTED_RUN_ERROR = 'Error';

/** The error of an Agents span, or undefined when it has none (or not of the known shape). */
export function spanErrorOf(error: unknown): AgentsSpanError | undefined {
  if (error === null || typeof error !== 'object') return undefined;
  const message = (error as { message?: unknown }).message;
  const data = (error as { data?: unknown }).data;
  return {
    message: typeof message === 'string' ? message : '',
    ...(data !== null && typeof data === 'object' ? { data: data as Record<string, unknown> } : {}),
  };
}

/** The exception class the SDK left in `data.error`, if any. */
function visibleClass(error: AgentsSpanError): string | undefined {
  const detail = error.data?.error;
  if (typeof detail !== 'string' || detail === REDACTED_RUN_ERROR) return undefined;
  return CLASS_PREFIX.exec(detail)?.[1];
}

/**
 * `error.type` of a failed tool span. `toolStarted` says whether the SDK started the tool
 * (`agent_tool_start`); `undefined` when toolscope cannot tell (no call-id hook in place).
 */
export function toolErrorType(error: AgentsSpanError, toolStarted: boolean | undefined): string {
  if (error.message === REJECTED_MESSAGE) return ERROR_TYPE_VALUE_TOOL_REJECTED;
  const visible = visibleClass(error);
  if (visible !== undefined) return visible;
  if (toolStarted === false && error.message === NON_FATAL_MESSAGE) return INVALID_INPUT;
  return ERROR_TYPE_VALUE_OTHER;
}

/** `error.type` of a failed agent run (its `agent` or `turn` span). */
export function runErrorType(error: AgentsSpanError): string {
  return visibleClass(error) ?? ERROR_TYPE_VALUE_OTHER;
}

/** How the SDK words a run that failed because the model called a tool the agent lacks. */
const UNKNOWN_TOOL_PREFIX = 'ModelBehaviorError: Tool ';
const unknownToolSuffix = (agentName: string) => ` not found in agent ${agentName}.`;

/**
 * The tool the model asked for when `agentName`'s run failed on an unknown tool (the SDK's
 * `toolNotFoundBehavior: 'raise_error'`, its default), when the SDK kept the text (with
 * `traceIncludeSensitiveData`, its default). Otherwise undefined.
 *
 * @example unknownToolOf({ message: 'Error in agent run', data: { error: 'ModelBehaviorError: Tool nope not found in agent A.' } }, 'A') === 'nope'
 */
export function unknownToolOf(error: AgentsSpanError, agentName: string): string | undefined {
  const detail = error.data?.error;
  const suffix = unknownToolSuffix(agentName);
  if (
    typeof detail !== 'string' ||
    !detail.startsWith(UNKNOWN_TOOL_PREFIX) ||
    !detail.endsWith(suffix) ||
    detail.length <= UNKNOWN_TOOL_PREFIX.length + suffix.length
  ) {
    return undefined;
  }
  return detail.slice(UNKNOWN_TOOL_PREFIX.length, detail.length - suffix.length);
}

/**
 * A thrown-value stand-in for the core: its `name` is the `error.type`, its message the SDK's
 * fixed text (never `data`, which may hold user data); no stack, since none is known.
 */
export function failureOf(errorType: string, message: string): Error {
  const failure = new Error(message);
  failure.name = errorType;
  failure.stack = undefined;
  return failure;
}
