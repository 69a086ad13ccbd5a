import type { Span } from '@opentelemetry/api';
import { config } from './config.ts';
import { logger } from './diag.ts';

/**
 * The byte size of a value when it is cheap to know: strings (UTF-8 length), Buffers,
 * ArrayBuffers and typed arrays. Anything else is `undefined`: the hot path never serializes.
 */
export function cheapSize(value: unknown): number | undefined {
  if (typeof value === 'string') return Buffer.byteLength(value, 'utf8');
  if (value instanceof ArrayBuffer) return value.byteLength;
  if (ArrayBuffer.isView(value)) return value.byteLength;
  return undefined;
}

/** Truncates a string to at most `maxBytes` UTF-8 bytes, marking the cut with `…`. */
export function truncateUtf8(text: string, maxBytes: number): string {
  if (text.length <= maxBytes / 3 || Buffer.byteLength(text, 'utf8') <= maxBytes) return text;
  const buf = Buffer.from(text, 'utf8').subarray(0, Math.max(0, maxBytes - 3));
  // Drop a partial multi-byte character at the end.
  let end = buf.length;
  while (end > 0 && (buf[end - 1]! & 0xc0) === 0x80) end--;
  if (end > 0 && buf[end - 1]! >= 0xc0) end--;
  return `${buf.subarray(0, end).toString('utf8')}…`;
}

function serialize(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? v.toString() : v));
  } catch {
    return '[unserializable]';
  }
}

/**
 * Captures arguments or a result on the span when content capture is on: the redaction hook
 * runs first (a throw drops the content), then the value is serialized and truncated.
 * Returns the serialized byte length (so the size costs nothing extra), or undefined.
 */
export function captureContent(
  span: Span,
  attribute: string,
  direction: 'arguments' | 'result',
  tool: string,
  value: unknown,
): number | undefined {
  let redacted = value;
  const redact = config.redact;
  if (redact !== undefined) {
    try {
      redacted = redact({ direction, tool, value });
    } catch (err) {
      logger.warn(`redact hook threw for ${tool} ${direction}; content dropped`, err);
      return undefined;
    }
  }
  const text = serialize(redacted);
  if (text === undefined) return undefined;
  span.setAttribute(attribute, truncateUtf8(text, config.maxContentBytes));
  return Buffer.byteLength(text, 'utf8');
}
