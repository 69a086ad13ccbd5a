/**
 * The attribute sets of the four MCP histograms (`mcp.{client,server}.operation.duration`,
 * `mcp.{client,server}.session.duration`): the catalogue's small, fixed subset of a span's
 * attributes, never a session, request or correlation ID. Sets are built once per endpoint
 * and reused, so recording costs a map lookup. Tool and prompt names share the core's name
 * guard (`maxToolNames`, then `_OTHER`), and past `MAX_ATTRIBUTE_SETS` sets per endpoint every
 * new combination folds into one `_OTHER` set, whatever a peer sends.
 *
 * Every set is interned process-wide by its content (`internAttributes`): pre-aggregated cells
 * are found by the attribute object's identity, so the same labels from a thousand sessions
 * are one cell and one exported point, and memory follows the distinct label sets (at most
 * `MAX_PROCESS_ATTRIBUTE_SETS`, then `_OTHER`), not the sessions.
 */
import type { Attributes, Histogram } from '@opentelemetry/api';
import { LIMITS, metricNameOf } from '@toolscope/instrumentation/internal';
import type { Connection } from './connection.ts';
import { logger } from './diag.ts';
import type { Endpoint } from './endpoint.ts';
import {
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_PROMPT_NAME,
  ATTR_GEN_AI_TOOL_NAME,
  ATTR_MCP_METHOD_NAME,
  ATTR_MCP_PROTOCOL_VERSION,
  ATTR_NETWORK_PROTOCOL_NAME,
  ATTR_NETWORK_TRANSPORT,
  ATTR_RPC_RESPONSE_STATUS_CODE,
  ERROR_TYPE_VALUE_OTHER,
  GEN_AI_OPERATION_NAME_VALUE_EXECUTE_TOOL,
  JSONRPC_ERROR_CODES_KNOWN,
} from './semconv.ts';

/** Attribute sets kept per endpoint before new combinations fold into `_OTHER`. */
export const MAX_ATTRIBUTE_SETS = LIMITS.mcpAttributeSetsPerEndpoint;

/**
 * Distinct attribute sets of the MCP histograms per process; past it a new set folds into
 * its connection's `_OTHER` set (an `mcp.method.name="_OTHER"` series shows the fold, and
 * the diag logger warns once).
 */
export const MAX_PROCESS_ATTRIBUTE_SETS = LIMITS.mcpAttributeSetsPerProcess;

const SEP = '\u0000';

/** The one frozen object per attribute content, shared by every endpoint and session. */
const interned = new Map<string, Attributes>();
let warnedFull = false;

function contentKey(attrs: Attributes): string {
  let key = '';
  for (const name of Object.keys(attrs).sort()) key += `${name}=${String(attrs[name])}${SEP}`;
  return key;
}

/**
 * The process-wide object for `attrs`' content: the same labels always reach the same
 * pre-aggregated cell. Past `MAX_PROCESS_ATTRIBUTE_SETS` sets, a new combination is recorded
 * under its connection's `_OTHER` set instead (a handful: one per transport and protocol).
 */
export function internAttributes(attrs: Attributes, connection?: Connection): Attributes {
  const key = contentKey(attrs);
  const found = interned.get(key);
  if (found !== undefined) return found;
  if (interned.size >= MAX_PROCESS_ATTRIBUTE_SETS) {
    if (!warnedFull) {
      warnedFull = true;
      logger.warn(
        `MCP metrics: ${MAX_PROCESS_ATTRIBUTE_SETS} distinct attribute sets; new ones are recorded under mcp.method.name="${ERROR_TYPE_VALUE_OTHER}"`,
      );
    }
    const other = withConnection({ [ATTR_MCP_METHOD_NAME]: ERROR_TYPE_VALUE_OTHER }, connection);
    const otherKey = contentKey(other);
    let kept = interned.get(otherKey);
    if (kept === undefined) {
      kept = Object.freeze(other);
      interned.set(otherKey, kept);
    }
    return kept;
  }
  const kept = Object.freeze(attrs);
  interned.set(key, kept);
  return kept;
}

/** What a metric point describes: the operation's method and its tool or prompt, if any. */
export interface MetricTarget {
  readonly method: string;
  readonly toolName: string | undefined;
  readonly promptName: string | undefined;
  /** Unique per method and target (see `operation.ts`). */
  readonly metricKey: string;
}

function withConnection(attrs: Attributes, connection: Connection | undefined): Attributes {
  if (connection === undefined) return attrs;
  if (connection.networkTransport !== undefined) {
    attrs[ATTR_NETWORK_TRANSPORT] = connection.networkTransport;
  }
  if (connection.protocolName !== undefined) {
    attrs[ATTR_NETWORK_PROTOCOL_NAME] = connection.protocolName;
  }
  return attrs;
}

/**
 * An `error.type` or `rpc.response.status_code` fit for a metric: a JSON-RPC code only when
 * JSON-RPC or MCP defines it, `_OTHER` for any other number (a peer answers with whatever code
 * it likes); names (`tool_error`, an exception's type) as they are.
 *
 * @example metricErrorCode('-32602') === '-32602'
 * @example metricErrorCode('1234') === '_OTHER'
 * @example metricErrorCode('tool_error') === 'tool_error'
 */
export function metricErrorCode(value: string): string {
  return JSONRPC_ERROR_CODES_KNOWN.has(value) || !/^-?\d+$/.test(value)
    ? value
    : ERROR_TYPE_VALUE_OTHER;
}

/** A tool or prompt name on a metric: `_OTHER` stays itself and takes no place in the guard. */
function metricTargetName(name: string): string {
  return name === ERROR_TYPE_VALUE_OTHER ? name : metricNameOf(name);
}

/** A protocol version fit for a metric: the date-shaped revisions only. */
function metricVersion(version: string | undefined): string | undefined {
  return version !== undefined && /^\d{4}-\d{2}-\d{2}$/.test(version) ? version : undefined;
}

/**
 * The attributes of one operation's duration point on `endpoint`. `version` is the operation's
 * protocol version when it differs from the endpoint's (a stateless request declaring its own).
 *
 * @example // a failed `tools/call search` on a stdio client that negotiated 2025-06-18
 * operationAttributes(endpoint, op, 'tool_error')
 *   // { 'mcp.method.name': 'tools/call', 'gen_ai.tool.name': 'search',
 *   //   'gen_ai.operation.name': 'execute_tool', 'error.type': 'tool_error',
 *   //   'mcp.protocol.version': '2025-06-18', 'network.transport': 'pipe' }
 */
export function operationAttributes(
  endpoint: Endpoint,
  target: MetricTarget,
  errorType?: string,
  statusCode?: string,
  version: string | undefined = endpoint.version,
): Attributes {
  if (errorType !== undefined) errorType = metricErrorCode(errorType);
  if (statusCode !== undefined) statusCode = metricErrorCode(statusCode);
  let key = target.metricKey;
  if (errorType !== undefined) key += SEP + errorType + SEP + (statusCode ?? '');
  if (version !== endpoint.version) key += SEP + SEP + (version ?? '');
  const sets = endpoint.operationSets;
  let attrs = sets.get(key);
  if (attrs !== undefined) return attrs;
  if (sets.size >= MAX_ATTRIBUTE_SETS) {
    attrs = sets.get(ERROR_TYPE_VALUE_OTHER);
    if (attrs === undefined) {
      attrs = internAttributes(
        withConnection({ [ATTR_MCP_METHOD_NAME]: ERROR_TYPE_VALUE_OTHER }, endpoint.connection),
        endpoint.connection,
      );
      sets.set(ERROR_TYPE_VALUE_OTHER, attrs);
    }
    return attrs;
  }
  attrs = { [ATTR_MCP_METHOD_NAME]: target.method };
  if (target.toolName !== undefined) {
    attrs[ATTR_GEN_AI_TOOL_NAME] = metricTargetName(target.toolName);
    attrs[ATTR_GEN_AI_OPERATION_NAME] = GEN_AI_OPERATION_NAME_VALUE_EXECUTE_TOOL;
  }
  if (target.promptName !== undefined) {
    attrs[ATTR_GEN_AI_PROMPT_NAME] = metricTargetName(target.promptName);
  }
  const v = metricVersion(version);
  if (v !== undefined) attrs[ATTR_MCP_PROTOCOL_VERSION] = v;
  if (errorType !== undefined) attrs[ATTR_ERROR_TYPE] = errorType;
  if (statusCode !== undefined) attrs[ATTR_RPC_RESPONSE_STATUS_CODE] = statusCode;
  withConnection(attrs, endpoint.connection);
  attrs = internAttributes(attrs, endpoint.connection);
  sets.set(key, attrs);
  return attrs;
}

/** The attributes of one session's duration point (interned: one cell per distinct set). */
export function sessionAttributes(endpoint: Endpoint, errorType: string | undefined): Attributes {
  const attrs: Attributes = {};
  const v = metricVersion(endpoint.version);
  if (v !== undefined) attrs[ATTR_MCP_PROTOCOL_VERSION] = v;
  if (errorType !== undefined) attrs[ATTR_ERROR_TYPE] = errorType;
  return internAttributes(withConnection(attrs, endpoint.connection), endpoint.connection);
}

/** Records `seconds` on `histogram`; never throws into the caller. */
export function recordDuration(
  histogram: Histogram,
  seconds: number,
  attributes: Attributes,
): void {
  try {
    histogram.record(seconds, attributes);
  } catch (err) {
    logger.error('recording an MCP duration failed; ignored', err);
  }
}
