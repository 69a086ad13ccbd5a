import { extname } from 'node:path';
import {
  checkConfigSize,
  credentialsAsHeader,
  describeJsonError,
  describeShape,
  describeValue,
  type FieldReader,
  type FieldSpec,
  formatDuration,
  isRecord,
  LIMITS,
  readConfigFile,
  readFields,
  type Validators,
} from '@toolscope/instrumentation/internal';
import { parse as parseYaml } from 'yaml';
import { ProbeConfigError } from './errors.ts';
import type {
  NormalizedBase,
  NormalizedCheck,
  NormalizedHttpCheck,
  NormalizedMcpCheck,
  StatusRange,
} from './internal-types.ts';
import { readWindows } from './maintenance.ts';
import {
  fileContext,
  headerMap,
  probeValidators,
  type ReadContext,
  readOptions,
  stringMap,
} from './read-context.ts';
import type {
  AlertWebhookOptions,
  CheckDefinition,
  HttpCheckDefinition,
  MaintenanceWindow,
  McpCheckDefinition,
} from './types.ts';
import { Validated } from './validated.ts';
import { readWebhook } from './webhook.ts';

/** Defaults of a check (see `types.ts`). */
export const DEFAULT_INTERVAL_MS = 30_000;
export const DEFAULT_TIMEOUT_MS = 5_000;
export const DEFAULT_FAILURE_THRESHOLD = 3;
export const DEFAULT_RECOVERY_THRESHOLD = 2;
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

const COMMON_FIELDS: FieldSpec = {
  id: [],
  name: [],
  type: [],
  tool: [],
  interval: ['intervalMs'],
  timeout: ['timeoutMs'],
  jitter: ['jitterMs'],
  failureThreshold: [],
  recoveryThreshold: [],
  degradedThreshold: ['degradedThresholdMs'],
  criticalThreshold: [],
  alertOnDegraded: [],
  headers: [],
};
const HTTP_FIELDS: FieldSpec = {
  ...COMMON_FIELDS,
  endpoint: [],
  method: [],
  requestBody: [],
  expectedStatus: [],
  body: [],
  maxBodyBytes: [],
};
const MCP_FIELDS: FieldSpec = {
  ...COMMON_FIELDS,
  transport: [],
  endpoint: [],
  command: [],
  args: [],
  env: [],
  cwd: [],
  expectTools: [],
  protocol: [],
};
const BODY_FIELDS: FieldSpec = { contains: [], matches: [], json: [] };
const JSON_FIELDS: FieldSpec = { path: [], equals: [] };
const METHODS = ['GET', 'HEAD', 'POST'] as const;
const TRANSPORTS = ['http', 'stdio'] as const;
const PROTOCOLS = ['auto', 'legacy', 'modern'] as const;

/** Checks validated by `parseProbeConfig`: the monitor takes them as they are. */
const validatedChecks = new Validated<CheckDefinition, NormalizedCheck>();

/**
 * Validates a check definition and fills in its defaults. Throws `ProbeConfigError` naming
 * the check and the field, as written, at the first problem.
 */
export function normalizeCheck(
  input: unknown,
  position = 0,
  context: ReadContext = {},
): NormalizedCheck {
  const known = validatedChecks.get(input);
  if (known !== undefined) return known;
  const where = `checks[${position}]`;
  const outer = probeValidators(where);
  const def = outer.object('check', input, 'an object with id, type and endpoint');
  const id = outer.string('id', def.id);
  const v = probeValidators(id);
  if (def.type !== 'http' && def.type !== 'mcp') {
    throw v.error('type', `unknown check type ${describeValue(def.type)}; use 'http' or 'mcp'`);
  }
  const f = readFields(
    v,
    '',
    def,
    def.type === 'http' ? HTTP_FIELDS : MCP_FIELDS,
    readOptions(context),
  );

  const intervalMs =
    v.optionalDuration(f.key('interval'), f.get('interval'), {
      min: LIMITS.minProbeIntervalMs,
    }) ?? DEFAULT_INTERVAL_MS;
  const timeoutMs =
    v.optionalDuration(f.key('timeout'), f.get('timeout')) ??
    Math.min(DEFAULT_TIMEOUT_MS, intervalMs);
  if (timeoutMs > intervalMs) {
    throw new ProbeConfigError(
      id,
      f.key('timeout'),
      `must be <= ${f.key('interval')} (${formatDuration(intervalMs)}) (got ${describeValue(f.get('timeout'))})`,
      { fix: 'lower the timeout or raise the interval' },
    );
  }
  const jitterMs =
    v.optionalDuration(f.key('jitter'), f.get('jitter'), { allowZero: true }) ?? intervalMs * 0.1;
  if (jitterMs >= intervalMs) {
    throw v.error(
      f.key('jitter'),
      `must be < ${f.key('interval')} (${formatDuration(intervalMs)})`,
    );
  }
  const threshold = (name: string) =>
    v.optionalNumber(f.key(name), f.get(name), { min: 1, integer: true });
  const failureThreshold = threshold('failureThreshold') ?? DEFAULT_FAILURE_THRESHOLD;
  const recoveryThreshold = threshold('recoveryThreshold') ?? DEFAULT_RECOVERY_THRESHOLD;
  const degradedThresholdMs = v.optionalDuration(
    f.key('degradedThreshold'),
    f.get('degradedThreshold'),
  );
  if (degradedThresholdMs !== undefined && degradedThresholdMs >= timeoutMs) {
    throw v.error(
      f.key('degradedThreshold'),
      `must be < ${f.key('timeout')} (${formatDuration(timeoutMs)}); a run that slow has already timed out`,
    );
  }
  const criticalThreshold = threshold('criticalThreshold');
  if (criticalThreshold !== undefined && criticalThreshold < failureThreshold) {
    throw v.error(
      f.key('criticalThreshold'),
      `must be >= ${f.key('failureThreshold')} (${failureThreshold})`,
    );
  }
  const base = {
    id,
    name: v.optionalString(f.key('name'), f.get('name')) ?? id,
    tool: v.optionalString(f.key('tool'), f.get('tool')) ?? id,
    intervalMs,
    timeoutMs,
    jitterMs,
    failureThreshold,
    recoveryThreshold,
    degradedThresholdMs,
    criticalThreshold,
    alertOnDegraded: v.optionalBoolean(f.key('alertOnDegraded'), f.get('alertOnDegraded')) ?? true,
    headers: headerMap(v, f, 'headers', context),
  };
  return def.type === 'http' ? normalizeHttp(v, f, base) : normalizeMcp(v, f, base, context);
}

function normalizeHttp(
  v: Validators,
  f: FieldReader,
  base: Omit<NormalizedBase, 'type'>,
): NormalizedHttpCheck {
  const { url, headers } = credentialsAsHeader(
    requireUrl(v, f, 'is missing: give the URL to check'),
    base.headers,
  );
  const method = v.optionalOneOf(f.key('method'), f.get('method'), METHODS) ?? 'GET';
  const expected = f.get('expectedStatus') ?? ['200-299'];
  if (!Array.isArray(expected) || expected.length === 0) {
    throw v.error(f.key('expectedStatus'), 'must be a non-empty list such as [200] or ["200-299"]');
  }
  const expectedStatus = expected.map((e) => statusRange(v, f.key('expectedStatus'), e));
  const requestBody = v.optionalString(f.key('requestBody'), f.get('requestBody'));
  if (requestBody !== undefined && method !== 'POST') {
    throw v.error(f.key('requestBody'), "is only allowed with method 'POST'");
  }
  return {
    ...base,
    headers,
    type: 'http',
    url,
    method,
    requestBody,
    expectedStatus,
    expectedStatusList: [...(expected as (number | string)[])],
    body: bodyAssertion(v, f),
    maxBodyBytes:
      v.optionalNumber(f.key('maxBodyBytes'), f.get('maxBodyBytes'), { min: 1, integer: true }) ??
      DEFAULT_MAX_BODY_BYTES,
  };
}

function bodyAssertion(v: Validators, f: FieldReader): NormalizedHttpCheck['body'] {
  const raw = f.get('body');
  if (raw === undefined) return undefined;
  const b = readFields(
    v,
    f.key('body'),
    v.object(f.key('body'), raw, 'an object with contains, matches and/or json'),
    BODY_FIELDS,
  );
  const contains = v.optionalString(b.field('contains'), b.get('contains'));
  const matches = v.optionalString(b.field('matches'), b.get('matches'));
  let regex: RegExp | undefined;
  if (matches !== undefined) {
    try {
      regex = new RegExp(matches);
    } catch (e) {
      throw v.error(
        b.field('matches'),
        `is not a valid regular expression: ${(e as Error).message}`,
      );
    }
  }
  let json: { path: string; equals?: string | number | boolean | null } | undefined;
  if (b.get('json') !== undefined) {
    const j = readFields(
      v,
      b.field('json'),
      v.object(b.field('json'), b.get('json'), 'an object with path and optionally equals'),
      JSON_FIELDS,
    );
    const path = v.string(j.field('path'), j.get('path'));
    const equals = j.get('equals');
    if (
      equals !== undefined &&
      equals !== null &&
      !['string', 'number', 'boolean'].includes(typeof equals)
    ) {
      throw v.error(j.field('equals'), 'must be a string, number, boolean or null');
    }
    json = { path, ...(equals !== undefined ? { equals: equals as string } : {}) };
  }
  return {
    ...(contains !== undefined ? { contains } : {}),
    ...(matches !== undefined ? { matches } : {}),
    ...(regex !== undefined ? { regex } : {}),
    ...(json !== undefined ? { json } : {}),
  };
}

function normalizeMcp(
  v: Validators,
  f: FieldReader,
  base: Omit<NormalizedBase, 'type'>,
  context: ReadContext,
): NormalizedMcpCheck {
  const transport =
    v.optionalOneOf(f.key('transport'), f.get('transport'), TRANSPORTS) ??
    (f.get('command') !== undefined && f.get('endpoint') === undefined ? 'stdio' : 'http');
  let url: URL | undefined;
  let command: string | undefined;
  let headers = base.headers;
  if (transport === 'http') {
    ({ url, headers } = credentialsAsHeader(
      requireUrl(
        v,
        f,
        'is missing: give the Streamable HTTP URL (endpoint), or a command with transport: stdio',
      ),
      headers,
    ));
  } else {
    command = v.optionalString(f.key('command'), f.get('command'));
    if (command === undefined) {
      throw v.error(
        f.key('command'),
        'is missing: a stdio MCP check needs the command that starts the server',
      );
    }
  }
  return {
    ...base,
    headers,
    type: 'mcp',
    transport,
    url,
    command,
    args: v.stringList(f.key('args'), f.get('args')),
    env: stringMap(v, f, 'env', context),
    cwd: v.optionalString(f.key('cwd'), f.get('cwd')),
    expectTools: v.stringList(f.key('expectTools'), f.get('expectTools')),
    protocol: v.optionalOneOf(f.key('protocol'), f.get('protocol'), PROTOCOLS) ?? 'auto',
  };
}

/** Validates a list of checks, including unique ids. */
export function normalizeChecks(
  defs: readonly unknown[],
  context: ReadContext = {},
): NormalizedCheck[] {
  const seen = new Set<string>();
  return defs.map((d, i) => {
    const check = normalizeCheck(d, i, context);
    if (seen.has(check.id)) {
      throw new ProbeConfigError(check.id, 'id', 'is used by two checks; ids must be unique');
    }
    seen.add(check.id);
    return check;
  });
}

/**
 * The same check judged on a single run: UNHEALTHY at the first failure, never escalated
 * (`toolscope probe --once`). Valid by construction, so it is not validated again.
 */
export function singleRunCheck(definition: CheckDefinition): CheckDefinition {
  const check = normalizeCheck(definition);
  const { criticalThreshold: _, ...rest } = definition;
  return validatedChecks.keep({ ...rest, failureThreshold: 1 } as CheckDefinition, {
    ...check,
    failureThreshold: 1,
    criticalThreshold: undefined,
  });
}

function statusRange(v: Validators, field: string, e: unknown): StatusRange {
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
    if (/^\d{3}$/.test(e)) return statusRange(v, field, Number(e));
  }
  throw v.error(
    field,
    `entry ${describeValue(e)} is not a status code; use 200, "200-299" or "2xx"`,
  );
}

/**
 * The URL under `endpoint`, which must be given. Credentials in it (`http://user:pass@host`)
 * are turned into Basic auth by the caller (`credentialsAsHeader`): a check's URL never
 * carries them, so it can go on spans and into messages.
 */
function requireUrl(v: Validators, f: FieldReader, missing: string): URL {
  const value = f.get('endpoint');
  if (value === undefined) throw v.error(f.key('endpoint'), missing);
  return v.url(f.key('endpoint'), value);
}

/** The definition, in the code's names, of a normalised check: every default filled in. */
function definitionOf(c: NormalizedCheck): CheckDefinition {
  const base = {
    id: c.id,
    name: c.name,
    tool: c.tool,
    intervalMs: c.intervalMs,
    timeoutMs: c.timeoutMs,
    jitterMs: c.jitterMs,
    failureThreshold: c.failureThreshold,
    recoveryThreshold: c.recoveryThreshold,
    ...(c.degradedThresholdMs !== undefined ? { degradedThresholdMs: c.degradedThresholdMs } : {}),
    ...(c.criticalThreshold !== undefined ? { criticalThreshold: c.criticalThreshold } : {}),
    alertOnDegraded: c.alertOnDegraded,
    headers: { ...c.headers },
  };
  if (c.type === 'http') {
    const { regex: _, ...body } = c.body ?? {};
    const http: HttpCheckDefinition = {
      ...base,
      type: 'http',
      endpoint: c.url.href,
      method: c.method,
      ...(c.requestBody !== undefined ? { requestBody: c.requestBody } : {}),
      expectedStatus: [...c.expectedStatusList],
      ...(c.body !== undefined ? { body } : {}),
      maxBodyBytes: c.maxBodyBytes,
    };
    return http;
  }
  const mcp: McpCheckDefinition = {
    ...base,
    type: 'mcp',
    transport: c.transport,
    ...(c.url !== undefined ? { endpoint: c.url.href } : {}),
    ...(c.command !== undefined ? { command: c.command } : {}),
    args: [...c.args],
    env: { ...c.env },
    ...(c.cwd !== undefined ? { cwd: c.cwd } : {}),
    expectTools: [...c.expectTools],
    protocol: c.protocol,
  };
  return mcp;
}

// ---------------------------------------------------------------------------------------
// Config files
// ---------------------------------------------------------------------------------------

/** What a probe config file holds, validated and normalised (every default filled in). */
export interface ProbeConfig {
  readonly checks: readonly CheckDefinition[];
  readonly maintenance: readonly MaintenanceWindow[];
  readonly concurrency: number | undefined;
  readonly webhook: AlertWebhookOptions | undefined;
}

const ROOT_FIELDS: FieldSpec = { checks: [], maintenance: [], concurrency: [], alerts: [] };
const ALERTS_FIELDS: FieldSpec = { webhook: [] };

/**
 * Parses a probe config document (YAML or JSON; JSON is YAML), validates it once and returns
 * it normalised: `new HealthMonitor(config)`-ready definitions in the code's names, with every
 * default filled in. Keys are camelCase or snake_case (`failure_threshold`); durations are
 * written without a unit in the key and take the one duration grammar (`interval: 30s`,
 * `timeout: 1.5s`, `duration: 1h30m`, a number is milliseconds); the old `…Ms` keys
 * (`intervalMs`) are still read, with a warning. `${NAME}` in header and env values is
 * replaced by the environment variable NAME. Throws `ProbeConfigError` naming the check and
 * the key as written.
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
  const v = probeValidators();
  // A problem of the document as a whole names the file (or `config` for text from code).
  const whole = (problem: string, fix?: string) =>
    options.source === undefined
      ? new ProbeConfigError(undefined, 'config', problem, { fix })
      : ProbeConfigError.ofFile(options.source, problem, { fix });
  checkConfigSize(text, (problem) => whole(problem));
  let doc: unknown;
  try {
    doc = parseYaml(text, { prettyErrors: true });
  } catch (e) {
    throw whole(`cannot be parsed: ${yamlProblem(e)}`);
  }
  if (doc === null || doc === undefined) {
    throw whole('is empty', 'write a mapping with a `checks` list');
  }
  if (!isRecord(doc)) {
    throw whole(`must be a mapping with a \`checks\` list (got ${describeShape(doc)})`);
  }
  const context = fileContext(options.env ?? process.env);
  const root = readFields(v, '', doc, ROOT_FIELDS, readOptions(context));
  const rawChecks = root.get('checks');
  if (!Array.isArray(rawChecks) || rawChecks.length === 0) {
    throw v.error(root.key('checks'), 'must be a non-empty list of checks');
  }
  const checks = normalizeChecks(rawChecks, context).map((c) =>
    validatedChecks.keep(definitionOf(c), c),
  );
  const rawWindows = root.get('maintenance') ?? [];
  if (!Array.isArray(rawWindows)) {
    throw v.error(root.key('maintenance'), 'must be a list of windows');
  }
  const maintenance = readWindows(rawWindows, context);
  const concurrency = v.optionalNumber(root.key('concurrency'), root.get('concurrency'), {
    min: 1,
    integer: true,
  });
  let webhook: AlertWebhookOptions | undefined;
  if (root.get('alerts') !== undefined) {
    const alerts = readFields(
      v,
      root.key('alerts'),
      v.object(root.key('alerts'), root.get('alerts'), 'a mapping with webhook'),
      ALERTS_FIELDS,
      readOptions(context),
    );
    if (alerts.get('webhook') !== undefined) {
      webhook = readWebhook(alerts.get('webhook'), alerts.field('webhook'), context);
    }
  }
  return { checks, maintenance, concurrency, webhook };
}

/**
 * Reads, validates and normalises a probe config file (`.yaml`, `.yml` or `.json`) of at most
 * `LIMITS.configFileBytes`, checked before parsing.
 */
export async function loadProbeConfig(path: string): Promise<ProbeConfig> {
  const text = readConfigFile(path, (problem, cause) =>
    ProbeConfigError.ofFile(path, problem, {
      ...(cause !== undefined ? { fix: 'give the path of a probe config file', cause } : {}),
    }),
  );
  if (extname(path).toLowerCase() === '.json') {
    try {
      JSON.parse(text);
    } catch (e) {
      throw ProbeConfigError.ofFile(path, `is not valid JSON: ${describeJsonError(e)}`);
    }
  }
  return parseProbeConfig(text, { source: path });
}

/**
 * A YAML parse error on one line: the first line of its message (with `prettyErrors`, the
 * message goes on with the offending line and a caret) without the colon that led into them.
 * @example yamlProblem(new Error('Nested mappings are not allowed at line 1, column 4:\n\na: b: c\n   ^\n'))
 *   === 'Nested mappings are not allowed at line 1, column 4'
 */
function yamlProblem(e: unknown): string {
  const first = String((e as Error | undefined)?.message ?? e).split('\n')[0]!;
  return first.replace(/:\s*$/, '').trim();
}
