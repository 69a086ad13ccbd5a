import { errorTypeOf } from '@toolscope/instrumentation';
import { boundName, boundText, readProperty } from '@toolscope/instrumentation/internal';

/**
 * The failure classes of a probe run, as low-cardinality `error.type` values. Anything not
 * recognised falls back to the error's `code` or `name` (`errorTypeOf`).
 */
export const ErrorClass = {
  timeout: 'timeout',
  connectionRefused: 'connection_refused',
  connectionReset: 'connection_reset',
  dns: 'dns',
  tls: 'tls',
  networkUnreachable: 'network_unreachable',
  unexpectedStatus: 'unexpected_status',
  bodyAssertion: 'body_assertion',
  bodyTooLarge: 'body_too_large',
  protocolError: 'protocol_error',
  connectionClosed: 'connection_closed',
  spawnFailed: 'spawn_failed',
  missingTools: 'missing_tools',
  unsupportedProtocolVersion: 'unsupported_protocol_version',
  mcpError: 'mcp_error',
  /**
   * The HTTP client refused to send the request the check describes (undici's
   * `InvalidArgumentError` or `NotSupportedError`: a header, method or URL it will not send).
   * The check's fault, not the server's; config validation catches the known cases first.
   */
  invalidRequest: 'invalid_request',
} as const;

/**
 * Thrown by a probe when it decides a run failed; carries the class and a safe message. The
 * message may quote the probed server (a version it claims): it is bounded here, the one place
 * every failure's text passes, before it reaches the result, the span, alerts or output.
 */
export class ProbeFailure extends Error {
  override readonly name = 'ProbeFailure';
  readonly errorType: string;
  readonly statusCode: number | undefined;
  constructor(errorType: string, message: string, statusCode?: number) {
    super(boundText(message, 'probe.error'));
    this.errorType = errorType;
    this.statusCode = statusCode;
  }
}

/** The reason our own deadline aborts a run with; recognised by `classifyError`. */
export class DeadlineExceeded extends Error {
  override readonly name = 'DeadlineExceeded';
  readonly code = 'TIMEOUT';
}

const CODE_CLASSES: Record<string, string> = {
  TIMEOUT: ErrorClass.timeout,
  ETIMEDOUT: ErrorClass.timeout,
  UND_ERR_CONNECT_TIMEOUT: ErrorClass.timeout,
  UND_ERR_HEADERS_TIMEOUT: ErrorClass.timeout,
  UND_ERR_BODY_TIMEOUT: ErrorClass.timeout,
  ECONNREFUSED: ErrorClass.connectionRefused,
  ECONNRESET: ErrorClass.connectionReset,
  EPIPE: ErrorClass.connectionReset,
  UND_ERR_SOCKET: ErrorClass.connectionReset,
  UND_ERR_CLOSED: ErrorClass.connectionReset,
  ENOTFOUND: ErrorClass.dns,
  EAI_AGAIN: ErrorClass.dns,
  EAI_NONAME: ErrorClass.dns,
  EAI_FAIL: ErrorClass.dns,
  EHOSTUNREACH: ErrorClass.networkUnreachable,
  ENETUNREACH: ErrorClass.networkUnreachable,
  EADDRNOTAVAIL: ErrorClass.networkUnreachable,
  EPROTO: ErrorClass.tls,
  UND_ERR_RES_EXCEEDED_MAX_SIZE: ErrorClass.bodyTooLarge,
  UND_ERR_INFO: ErrorClass.protocolError,
  // Raised by undici before anything is sent: the request is the check's, not the server's.
  UND_ERR_INVALID_ARG: ErrorClass.invalidRequest,
  UND_ERR_NOT_SUPPORTED: ErrorClass.invalidRequest,
};

/** The class of an error code: known codes, TLS and OpenSSL codes, HTTP parser codes. */
function classOfCode(code: string): string | undefined {
  if (CODE_CLASSES[code] !== undefined) return CODE_CLASSES[code];
  if (TLS_CODES.has(code) || code.startsWith('ERR_TLS_') || code.startsWith('ERR_SSL_')) {
    return ErrorClass.tls;
  }
  // llhttp's codes (HPE_INVALID_CONSTANT, HPE_CR_EXPECTED, …): the peer does not speak HTTP;
  // undici's response checks (headers too large, a body that contradicts its length).
  if (code.startsWith('HPE_') || code.startsWith('UND_ERR_RES_')) return ErrorClass.protocolError;
  if (code === 'UND_ERR_HEADERS_OVERFLOW') return ErrorClass.protocolError;
  return undefined;
}

const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_REVOKED',
  'HOSTNAME_MISMATCH',
]);

const SAFE_MESSAGES: Record<string, string> = {
  [ErrorClass.timeout]: 'timed out',
  [ErrorClass.connectionRefused]: 'connection refused',
  [ErrorClass.connectionReset]: 'connection reset by peer',
  [ErrorClass.dns]: 'DNS lookup failed',
  [ErrorClass.tls]: 'TLS handshake or certificate failed',
  [ErrorClass.networkUnreachable]: 'network unreachable',
  [ErrorClass.bodyTooLarge]: 'response body too large',
  [ErrorClass.protocolError]: 'malformed response',
  [ErrorClass.invalidRequest]:
    "the HTTP client refused to send the check's request (a header, method or URL it does not allow); fix the check",
};

/**
 * Classifies a thrown value: walks the `cause` chain (fetch wraps socket errors in a
 * `TypeError: fetch failed`) and maps known codes to the classes above.
 *
 * @example classifyError(Object.assign(new Error(), { code: 'ECONNREFUSED' })) gives
 * `{ errorType: 'connection_refused', message: 'connection refused' }`
 */
export function classifyError(err: unknown): {
  errorType: string;
  message: string;
  statusCode?: number;
} {
  if (err instanceof ProbeFailure) {
    return {
      errorType: err.errorType,
      message: err.message,
      ...(err.statusCode !== undefined ? { statusCode: err.statusCode } : {}),
    };
  }
  let current: unknown = err;
  for (let depth = 0; depth < 6 && current != null; depth++) {
    if (current instanceof DeadlineExceeded)
      return { errorType: ErrorClass.timeout, message: current.message };
    if (typeof current === 'object') {
      const name = readProperty(current, 'name');
      if (name === 'TimeoutError') return { errorType: ErrorClass.timeout, message: 'timed out' };
      const code = readProperty(current, 'code');
      const cls =
        typeof code === 'string'
          ? classOfCode(code)
          : name === 'HTTPParserError'
            ? ErrorClass.protocolError
            : undefined;
      if (cls !== undefined) return { errorType: cls, message: SAFE_MESSAGES[cls] ?? cls };
      current = readProperty(current, 'cause');
    } else break;
  }
  const type = boundName(errorTypeOf(err), 'error.type');
  return { errorType: type, message: type };
}
