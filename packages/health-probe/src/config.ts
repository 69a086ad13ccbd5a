import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { describeValue, ProbeConfigError } from './errors.ts';
import type {
  NormalizedCheck,
  NormalizedHttpCheck,
  NormalizedMcpCheck,
  StatusRange,
} from './internal-types.ts';
import type {
  AlertWebhookOptions,
  CheckDefinition,
  MaintenanceWindow,
  McpProtocolMode,
} from './types.ts';

/** Defaults of a check (see `types.ts`). */
export const DEFAULT_INTERVAL_MS = 30_000;
export const DEFAULT_TIMEOUT_MS = 5_000;
export const DEFAULT_FAILURE_THRESHOLD = 3;
export const DEFAULT_RECOVERY_THRESHOLD = 2;
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

const COMMON_FIELDS = [
  'id',
  'name',
  'type',
  'tool',
  'intervalMs',
  'timeoutMs',
  'jitterMs',
  'failureThreshold',
  'recoveryThreshold',
  'degradedThresholdMs',
  'criticalThreshold',
  'alertOnDegraded',
  'headers',
] as const;
const HTTP_FIELDS = new Set<string>([
  ...COMMON_FIELDS,
  'endpoint',
  'method',
  'requestBody',
  'expectedStatus',
  'body',
  'maxBodyBytes',
]);
const MCP_FIELDS = new Set<string>([
  ...COMMON_FIELDS,
  'transport',
  'endpoint',
  'command',
  'args',
  'env',
  'cwd',
  'expectTools',
  'protocol',
]);
const PROTOCOLS: readonly McpProtocolMode[] = ['auto', 'legacy', 'modern'];

/**
 * Validates a check definition and fills in its defaults. Throws `ProbeConfigError` naming the
 * check and the field at the first problem.
 */
export function normalizeCheck(input: unknown, position = 0): NormalizedCheck {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new ProbeConfigError(
      `checks[${position}]`,
      'check',
      'must be an object with id, type and endpoint',
    );
  }
  const def = input as Record<string, unknown>;
  const rawId = def.id;
  if (typeof rawId !== 'string' || rawId.trim() === '') {
    throw new ProbeConfigError(
      `checks[${position}]`,
      'id',
      `must be a non-empty string (got ${describeValue(rawId)})`,
    );
  }
  const id = rawId;
  const err = (field: string, message: string) => new ProbeConfigError(id, field, message);
  if (def.type !== 'http' && def.type !== 'mcp') {
    throw err('type', `unknown check type ${describeValue(def.type)}; use 'http' or 'mcp'`);
  }
  const allowed = def.type === 'http' ? HTTP_FIELDS : MCP_FIELDS;
  for (const key of Object.keys(def)) {
    if (!allowed.has(key)) {
      throw err(key, `unknown field for a ${def.type} check; allowed: ${[...allowed].join(', ')}`);
    }
  }

  const intervalMs = positiveNumber(id, 'intervalMs', def.intervalMs) ?? DEFAULT_INTERVAL_MS;
  const timeoutMs =
    positiveNumber(id, 'timeoutMs', def.timeoutMs) ?? Math.min(DEFAULT_TIMEOUT_MS, intervalMs);
  if (timeoutMs > intervalMs) {
    throw err(
      'timeoutMs',
      `must be <= intervalMs (${intervalMs}); got ${timeoutMs}: lower the timeout or raise the interval`,
    );
  }
  const jitterMs = nonNegativeNumber(id, 'jitterMs', def.jitterMs) ?? intervalMs * 0.1;
  if (jitterMs >= intervalMs) throw err('jitterMs', `must be < intervalMs (${intervalMs})`);
  const failureThreshold =
    positiveInteger(id, 'failureThreshold', def.failureThreshold) ?? DEFAULT_FAILURE_THRESHOLD;
  const recoveryThreshold =
    positiveInteger(id, 'recoveryThreshold', def.recoveryThreshold) ?? DEFAULT_RECOVERY_THRESHOLD;
  const degradedThresholdMs = positiveNumber(id, 'degradedThresholdMs', def.degradedThresholdMs);
  if (degradedThresholdMs !== undefined && degradedThresholdMs >= timeoutMs) {
    throw err(
      'degradedThresholdMs',
      `must be < timeoutMs (${timeoutMs}); a run that slow has already timed out`,
    );
  }
  const criticalThreshold = positiveInteger(id, 'criticalThreshold', def.criticalThreshold);
  if (criticalThreshold !== undefined && criticalThreshold < failureThreshold) {
    throw err('criticalThreshold', `must be >= failureThreshold (${failureThreshold})`);
  }
  if (def.alertOnDegraded !== undefined && typeof def.alertOnDegraded !== 'boolean') {
    throw err(
      'alertOnDegraded',
      `must be true or false (got ${describeValue(def.alertOnDegraded)})`,
    );
  }
  const base = {
    id,
    name: optionalString(id, 'name', def.name) ?? id,
    tool: optionalString(id, 'tool', def.tool) ?? id,
    intervalMs,
    timeoutMs,
    jitterMs,
    failureThreshold,
    recoveryThreshold,
    degradedThresholdMs,
    criticalThreshold,
    alertOnDegraded: (def.alertOnDegraded as boolean | undefined) ?? true,
    headers: stringRecord(id, 'headers', def.headers),
  };

  if (def.type === 'http') return normalizeHttp(def, base);
  return normalizeMcp(def, base);
}

function normalizeHttp(
  def: Record<string, unknown>,
  base: Omit<
    NormalizedHttpCheck,
    | 'type'
    | 'url'
    | 'method'
    | 'requestBody'
    | 'expectedStatus'
    | 'expectedStatusText'
    | 'body'
    | 'maxBodyBytes'
  >,
): NormalizedHttpCheck {
  const id = base.id;
  const url = requireUrl(id, 'endpoint', def.endpoint);
  const method = def.method ?? 'GET';
  if (method !== 'GET' && method !== 'HEAD' && method !== 'POST') {
    throw new ProbeConfigError(
      id,
      'method',
      `must be 'GET', 'HEAD' or 'POST' (got ${describeValue(method)})`,
    );
  }
  const expected = def.expectedStatus ?? ['200-299'];
  if (!Array.isArray(expected) || expected.length === 0) {
    throw new ProbeConfigError(
      id,
      'expectedStatus',
      'must be a non-empty list such as [200] or ["200-299"]',
    );
  }
  const expectedStatus = expected.map((e) => statusRange(id, e));
  let body: NormalizedHttpCheck['body'];
  if (def.body !== undefined) {
    if (def.body === null || typeof def.body !== 'object' || Array.isArray(def.body)) {
      throw new ProbeConfigError(
        id,
        'body',
        'must be an object with contains, matches and/or json',
      );
    }
    const b = def.body as Record<string, unknown>;
    for (const key of Object.keys(b)) {
      if (key !== 'contains' && key !== 'matches' && key !== 'json') {
        throw new ProbeConfigError(
          id,
          `body.${key}`,
          'unknown assertion; use contains, matches or json',
        );
      }
    }
    const contains = optionalString(id, 'body.contains', b.contains);
    const matches = optionalString(id, 'body.matches', b.matches);
    let regex: RegExp | undefined;
    if (matches !== undefined) {
      try {
        regex = new RegExp(matches);
      } catch (e) {
        throw new ProbeConfigError(
          id,
          'body.matches',
          `is not a valid regular expression: ${(e as Error).message}`,
        );
      }
    }
    let json: { path: string; equals?: string | number | boolean | null } | undefined;
    if (b.json !== undefined) {
      const j = b.json as Record<string, unknown> | null;
      if (j === null || typeof j !== 'object' || typeof j.path !== 'string' || j.path === '') {
        throw new ProbeConfigError(
          id,
          'body.json.path',
          'must be a non-empty dot path such as "status"',
        );
      }
      if (
        j.equals !== undefined &&
        j.equals !== null &&
        !['string', 'number', 'boolean'].includes(typeof j.equals)
      ) {
        throw new ProbeConfigError(
          id,
          'body.json.equals',
          'must be a string, number, boolean or null',
        );
      }
      json = { path: j.path, ...('equals' in j ? { equals: j.equals as string } : {}) };
    }
    body = {
      ...(contains !== undefined ? { contains } : {}),
      ...(matches !== undefined ? { matches } : {}),
      ...(regex !== undefined ? { regex } : {}),
      ...(json !== undefined ? { json } : {}),
    };
  }
  const maxBodyBytes =
    positiveInteger(id, 'maxBodyBytes', def.maxBodyBytes) ?? DEFAULT_MAX_BODY_BYTES;
  if (def.requestBody !== undefined && method !== 'POST') {
    throw new ProbeConfigError(id, 'requestBody', "is only allowed with method 'POST'");
  }
  return {
    ...base,
    type: 'http',
    url,
    method,
    requestBody: optionalString(id, 'requestBody', def.requestBody),
    expectedStatus,
    expectedStatusText: expected.map(String).join(', '),
    body,
    maxBodyBytes,
  };
}

function normalizeMcp(
  def: Record<string, unknown>,
  base: Omit<
    NormalizedMcpCheck,
    'type' | 'transport' | 'url' | 'command' | 'args' | 'env' | 'cwd' | 'expectTools' | 'protocol'
  >,
): NormalizedMcpCheck {
  const id = base.id;
  const transport =
    def.transport ?? (def.command !== undefined && def.endpoint === undefined ? 'stdio' : 'http');
  if (transport !== 'http' && transport !== 'stdio') {
    throw new ProbeConfigError(
      id,
      'transport',
      `must be 'http' or 'stdio' (got ${describeValue(transport)})`,
    );
  }
  let url: URL | undefined;
  let command: string | undefined;
  if (transport === 'http') {
    if (def.endpoint === undefined) {
      throw new ProbeConfigError(
        id,
        'endpoint',
        'is missing: give the Streamable HTTP URL (endpoint), or a command with transport: stdio',
      );
    }
    url = requireUrl(id, 'endpoint', def.endpoint);
  } else {
    command = optionalString(id, 'command', def.command);
    if (command === undefined) {
      throw new ProbeConfigError(
        id,
        'command',
        'is missing: a stdio MCP check needs the command that starts the server',
      );
    }
  }
  const protocol = def.protocol ?? 'auto';
  if (!PROTOCOLS.includes(protocol as McpProtocolMode)) {
    throw new ProbeConfigError(
      id,
      'protocol',
      `must be one of 'auto', 'legacy', 'modern' (got ${describeValue(protocol)})`,
    );
  }
  return {
    ...base,
    type: 'mcp',
    transport,
    url,
    command,
    args: stringList(id, 'args', def.args),
    env: stringRecord(id, 'env', def.env),
    cwd: optionalString(id, 'cwd', def.cwd),
    expectTools: stringList(id, 'expectTools', def.expectTools),
    protocol: protocol as McpProtocolMode,
  };
}

/** Validates a list of checks, including unique ids. */
export function normalizeChecks(defs: readonly unknown[]): NormalizedCheck[] {
  const seen = new Set<string>();
  return defs.map((d, i) => {
    const check = normalizeCheck(d, i);
    if (seen.has(check.id)) {
      throw new ProbeConfigError(check.id, 'id', 'is used by two checks; ids must be unique');
    }
    seen.add(check.id);
    return check;
  });
}

function statusRange(id: string, e: unknown): StatusRange {
  if (typeof e === 'number' && Number.isInteger(e) && e >= 100 && e <= 599)
    return { min: e, max: e };
  if (typeof e === 'string') {
    const cls = /^([1-5])xx$/i.exec(e);
    if (cls) return { min: Number(cls[1]) * 100, max: Number(cls[1]) * 100 + 99 };
    const range = /^(\d{3})\s*-\s*(\d{3})$/.exec(e);
    if (range) {
      const min = Number(range[1]);
      const max = Number(range[2]);
      if (min >= 100 && max <= 599 && min <= max) return { min, max };
    }
    if (/^\d{3}$/.test(e)) return statusRange(id, Number(e));
  }
  throw new ProbeConfigError(
    id,
    'expectedStatus',
    `entry ${describeValue(e)} is not a status code; use 200, "200-299" or "2xx"`,
  );
}

function requireUrl(id: string, field: string, value: unknown): URL {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new ProbeConfigError(
      id,
      field,
      `is missing: give the URL to check (got ${describeValue(value)})`,
    );
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ProbeConfigError(id, field, 'is not a valid URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ProbeConfigError(id, field, `must be an http: or https: URL (got ${url.protocol})`);
  }
  return url;
}

function positiveNumber(id: string, field: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new ProbeConfigError(
      id,
      field,
      `must be a number of milliseconds > 0 (got ${describeValue(value)})`,
    );
  }
  return value;
}

function nonNegativeNumber(id: string, field: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new ProbeConfigError(id, field, `must be a number >= 0 (got ${describeValue(value)})`);
  }
  return value;
}

function positiveInteger(id: string, field: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    throw new ProbeConfigError(id, field, `must be an integer >= 1 (got ${describeValue(value)})`);
  }
  return value;
}

function optionalString(id: string, field: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '') {
    throw new ProbeConfigError(
      id,
      field,
      `must be a non-empty string (got ${describeValue(value)})`,
    );
  }
  return value;
}

function stringList(id: string, field: string, value: unknown): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
    throw new ProbeConfigError(id, field, 'must be a list of strings');
  }
  return [...value] as string[];
}

function stringRecord(id: string, field: string, value: unknown): Record<string, string> {
  if (value === undefined) return {};
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ProbeConfigError(id, field, 'must be a map of names to string values');
  }
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) {
    // Never echo the value: headers carry secrets.
    if (typeof v !== 'string') throw new ProbeConfigError(id, `${field}.${k}`, 'must be a string');
    out[k] = v;
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// Config files
// ---------------------------------------------------------------------------------------

/** What a probe config file holds. */
export interface ProbeConfig {
  readonly checks: CheckDefinition[];
  readonly maintenance: MaintenanceWindow[];
  readonly concurrency: number | undefined;
  readonly webhook: AlertWebhookOptions | undefined;
}

const DURATION_FIELDS: Record<string, string> = {
  interval: 'intervalMs',
  timeout: 'timeoutMs',
  jitter: 'jitterMs',
  degradedThreshold: 'degradedThresholdMs',
  duration: 'durationMs',
};

/**
 * Parses a probe config document (YAML or JSON; JSON is YAML). Accepts snake_case or camelCase
 * keys, and durations as numbers of milliseconds or strings (`250ms`, `5s`, `1m`, `1h`) under
 * `interval`, `timeout`, `jitter`, `degraded_threshold`, `duration`. `${NAME}` in header values
 * is replaced by the environment variable NAME. Validates every check (throws
 * `ProbeConfigError`).
 *
 * @example
 * checks:
 *   - id: search-api
 *     type: http
 *     endpoint: http://127.0.0.1:8080/health
 *     interval: 30s
 *     timeout: 5s
 *     failure_threshold: 3
 */
export function parseProbeConfig(
  text: string,
  options: { source?: string; env?: Record<string, string | undefined> } = {},
): ProbeConfig {
  const source = options.source ?? 'config';
  let doc: unknown;
  try {
    doc = parseYaml(text, { prettyErrors: true });
  } catch (e) {
    throw new ProbeConfigError(
      undefined,
      source,
      `cannot be parsed: ${(e as Error).message.split('\n')[0]}`,
    );
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
    throw new ProbeConfigError(undefined, source, 'must be a mapping with a `checks` list');
  }
  const root = camelize(doc) as Record<string, unknown>;
  for (const key of Object.keys(root)) {
    if (!['checks', 'maintenance', 'concurrency', 'alerts'].includes(key)) {
      throw new ProbeConfigError(
        undefined,
        key,
        'unknown top-level field; allowed: checks, maintenance, concurrency, alerts',
      );
    }
  }
  if (!Array.isArray(root.checks) || root.checks.length === 0) {
    throw new ProbeConfigError(undefined, 'checks', 'must be a non-empty list of checks');
  }
  const env = options.env ?? process.env;
  const checks = root.checks.map((c, i) => {
    const def = durationsToMs(c, `checks[${i}]`) as Record<string, unknown>;
    const id = typeof def.id === 'string' ? def.id : `checks[${i}]`;
    if (def.headers !== undefined) def.headers = expandEnv(id, 'headers', def.headers, env);
    if (def.env !== undefined) def.env = expandEnv(id, 'env', def.env, env);
    return def as unknown as CheckDefinition;
  });
  normalizeChecks(checks);
  const maintenance = root.maintenance === undefined ? [] : root.maintenance;
  if (!Array.isArray(maintenance)) {
    throw new ProbeConfigError(undefined, 'maintenance', 'must be a list of windows');
  }
  const windows = maintenance.map(
    (w, i) => durationsToMs(w, `maintenance[${i}]`) as MaintenanceWindow,
  );
  const concurrency = root.concurrency;
  if (
    concurrency !== undefined &&
    (typeof concurrency !== 'number' || !Number.isInteger(concurrency) || concurrency < 1)
  ) {
    throw new ProbeConfigError(
      undefined,
      'concurrency',
      `must be an integer >= 1 (got ${describeValue(concurrency)})`,
    );
  }
  let webhook: AlertWebhookOptions | undefined;
  if (root.alerts !== undefined) {
    const alerts = durationsToMs(root.alerts, 'alerts') as Record<string, unknown>;
    for (const key of Object.keys(alerts)) {
      if (key !== 'webhook')
        throw new ProbeConfigError(undefined, `alerts.${key}`, 'unknown field; allowed: webhook');
    }
    if (alerts.webhook !== undefined) {
      const w = durationsToMs(alerts.webhook, 'alerts.webhook') as Record<string, unknown>;
      if (w.headers !== undefined)
        w.headers = expandEnv(undefined, 'alerts.webhook.headers', w.headers, env);
      webhook = w as unknown as AlertWebhookOptions;
    }
  }
  return { checks, maintenance: windows, concurrency: concurrency as number | undefined, webhook };
}

/** Reads and parses a probe config file (`.yaml`, `.yml` or `.json`). */
export async function loadProbeConfig(path: string): Promise<ProbeConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new ProbeConfigError(
      undefined,
      'config',
      `cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    );
  }
  if (extname(path).toLowerCase() === '.json') {
    try {
      JSON.parse(text);
    } catch (e) {
      throw new ProbeConfigError(undefined, path, `is not valid JSON: ${(e as Error).message}`);
    }
  }
  return parseProbeConfig(text, { source: path });
}

/** `degraded_threshold_ms` → `degradedThresholdMs`, recursively (map keys of headers/env kept). */
function camelize(value: unknown, keepKeys = false): unknown {
  if (Array.isArray(value)) return value.map((v) => camelize(v));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const key = keepKeys ? k : k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
    out[key] = camelize(v, key === 'headers' || key === 'env');
  }
  return out;
}

function durationsToMs(value: unknown, where: string): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const out: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  const id = typeof out.id === 'string' ? out.id : where;
  for (const [short, long] of Object.entries(DURATION_FIELDS)) {
    if (!(short in out)) continue;
    if (long in out)
      throw new ProbeConfigError(id, short, `give either ${short} or ${long}, not both`);
    out[long] = parseDuration(id, short, out[short]);
    delete out[short];
  }
  return out;
}

/** `250ms` → 250, `5s` → 5000, `1.5m` → 90000, `1h` → 3600000; a number is milliseconds. */
export function parseDuration(id: string | undefined, field: string, value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string') {
    const m = /^\s*(-?\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(value);
    if (m) {
      const n = Number(m[1]);
      const unit = m[2] ?? 'ms';
      return n * (unit === 'ms' ? 1 : unit === 's' ? 1000 : unit === 'm' ? 60_000 : 3_600_000);
    }
  }
  throw new ProbeConfigError(
    id,
    field,
    `must be a duration such as 500ms, 5s or 1m (got ${describeValue(value)})`,
  );
}

function expandEnv(
  id: string | undefined,
  field: string,
  value: unknown,
  env: Record<string, string | undefined>,
): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] =
      typeof v === 'string'
        ? v.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => {
            const resolved = env[name];
            if (resolved === undefined) {
              throw new ProbeConfigError(
                id,
                `${field}.${k}`,
                `refers to the environment variable ${name}, which is not set`,
              );
            }
            return resolved;
          })
        : v;
  }
  return out;
}
