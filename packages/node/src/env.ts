import { diag } from '@opentelemetry/api';
import { REDACTED } from '@toolscope/instrumentation/internal';
import { ToolscopeSetupError } from './errors.ts';

/** Reads an environment variable, treating empty strings as unset. */
export function env(name: string): string | undefined {
  const v = process.env[name];
  return v === undefined || v.trim() === '' ? undefined : v.trim();
}

/**
 * A boolean environment variable (`true`/`false`, case-insensitive). Anything else counts as
 * false with a warning, as the OpenTelemetry specification asks of boolean variables.
 */
export function envBoolean(name: string): boolean | undefined {
  const v = env(name);
  if (v === undefined) return undefined;
  if (/^true$/i.test(v)) return true;
  if (/^false$/i.test(v)) return false;
  diag.warn(`${name}: expected true or false, got ${JSON.stringify(v)}; treated as false`);
  return false;
}

/** A positive integer environment variable. */
export function envPositiveInt(name: string): number | undefined {
  const v = env(name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) {
    throw new ToolscopeSetupError(name, `must be a positive integer (got ${JSON.stringify(v)})`);
  }
  return n;
}

/**
 * Parses `key1=value1,key2=value2` (W3C baggage-like, percent-decoded), the format of
 * OTEL_RESOURCE_ATTRIBUTES and OTEL_EXPORTER_OTLP_HEADERS. With `secret` (headers: any value
 * may be a credential) an entry is never quoted in an error, only counted: a malformed entry
 * has no name to tell from its value.
 */
export function parseKeyValueList(
  name: string,
  raw: string | undefined,
  options: { secret?: boolean } = {},
): Record<string, string> {
  const out: Record<string, string> = {};
  if (raw === undefined) return out;
  const parts = raw.split(',');
  const entry = (part: string, i: number) =>
    options.secret === true
      ? `entry ${i + 1} of ${parts.length} (${REDACTED}: header values are not shown)`
      : `entry ${JSON.stringify(part)}`;
  for (const [i, part] of parts.entries()) {
    if (part.trim() === '') continue;
    const eq = part.indexOf('=');
    if (eq <= 0) {
      throw new ToolscopeSetupError(name, `${entry(part, i)} is not key=value`);
    }
    try {
      out[decodeURIComponent(part.slice(0, eq).trim())] = decodeURIComponent(
        part.slice(eq + 1).trim(),
      );
    } catch {
      throw new ToolscopeSetupError(name, `${entry(part, i)} has invalid percent-encoding`);
    }
  }
  return out;
}
