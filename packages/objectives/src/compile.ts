import { parseDuration } from './duration.ts';
import { comparePrecedence, DEFAULT_PATTERN, type NamePattern, parsePattern } from './pattern.ts';
import type {
  CompiledObjectives,
  CompileOptions,
  LatencyBound,
  ObjectivesConfig,
  ResolvedObjective,
  SeverityPolicy,
  SubjectKind,
} from './types.ts';
import { describe, isRecord, requireNumber, ToolscopeConfigError } from './validate.ts';

/** Built-in values of the fields an entry may leave out. */
export const DEFAULTS = {
  windowMs: 300_000,
  minCalls: 20,
  criticalSuccessRate: 0.5,
  evaluationIntervalMs: 30_000,
  errorFactor: 1.5,
  errorAfterEvaluations: 10,
  hysteresis: 0.1,
  resolveAfterEvaluations: 1,
} as const;

const BOUND_FIELDS = [
  'latency',
  'minSuccessRate',
  'maxRetryRate',
  'maxFallbackRate',
  'criticalSuccessRate',
  'window',
  'minCalls',
] as const;
const TOP_FIELDS = [
  'tools',
  'workflows',
  'evaluationInterval',
  'errorFactor',
  'errorAfterEvaluations',
  'hysteresis',
  'resolveAfterEvaluations',
] as const;
const TOOL_ONLY = new Set(['maxRetryRate', 'maxFallbackRate']);
const LATENCY = /^\s*p\s*(-?\d+(?:\.\d+)?)\s*(<=|<)\s*(-?\d+(?:\.\d+)?)\s*(ms|s|m)\s*$/;
const LATENCY_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000 };
const RESOLVE_CACHE_LIMIT = 10_000;

/** An entry's own fields, validated; `null` = switched off, `undefined` = inherited. */
interface EntryFields {
  latency?: LatencyBound | null;
  minSuccessRate?: number | null;
  maxRetryRate?: number | null;
  maxFallbackRate?: number | null;
  criticalSuccessRate?: number;
  windowMs?: number;
  minCalls?: number;
}

interface Entry {
  readonly pattern: NamePattern;
  readonly order: number;
  readonly fields: EntryFields;
}

/**
 * Validates objectives and fixes which entry every name follows. Throws a
 * `ToolscopeConfigError` naming the field on: an unknown field, a malformed pattern, a pattern
 * matching none of `knownTools`/`knownWorkflows`, a percentile outside (0, 100), a negative
 * (or zero) bound, a rate outside its range, a window shorter than the evaluation interval.
 */
export function compileObjectives(
  config: ObjectivesConfig,
  options: CompileOptions = {},
): CompiledObjectives {
  if (!isRecord(config as unknown)) {
    throw new ToolscopeConfigError('objectives', `must be an object (got ${describe(config)})`);
  }
  for (const key of Object.keys(config)) {
    if (!(TOP_FIELDS as readonly string[]).includes(key)) {
      throw new ToolscopeConfigError(
        key,
        `is not an objectives option (allowed: ${TOP_FIELDS.join(', ')})`,
      );
    }
  }
  const evaluationIntervalMs =
    config.evaluationInterval === undefined
      ? DEFAULTS.evaluationIntervalMs
      : parseDuration('evaluationInterval', config.evaluationInterval);
  const policy: SeverityPolicy = {
    errorFactor:
      config.errorFactor === undefined
        ? DEFAULTS.errorFactor
        : requireNumber(
            'errorFactor',
            config.errorFactor,
            { min: 1, minExclusive: true },
            'must be a number > 1',
          ),
    errorAfterEvaluations:
      config.errorAfterEvaluations === undefined
        ? DEFAULTS.errorAfterEvaluations
        : requireNumber(
            'errorAfterEvaluations',
            config.errorAfterEvaluations,
            { min: 1, integer: true },
            'must be an integer >= 1',
          ),
    hysteresis:
      config.hysteresis === undefined
        ? DEFAULTS.hysteresis
        : requireNumber(
            'hysteresis',
            config.hysteresis,
            { min: 0, max: 1, maxExclusive: true },
            'must be a fraction in [0, 1), for example 0.1',
          ),
    resolveAfterEvaluations:
      config.resolveAfterEvaluations === undefined
        ? DEFAULTS.resolveAfterEvaluations
        : requireNumber(
            'resolveAfterEvaluations',
            config.resolveAfterEvaluations,
            { min: 1, integer: true },
            'must be an integer >= 1',
          ),
  };

  const entries: ResolvedObjective[] = [];
  const resolvers = new Map<SubjectKind, (name: string) => ResolvedObjective | undefined>();
  for (const [subjectKind, section, known] of [
    ['tool', 'tools', options.knownTools],
    ['workflow', 'workflows', options.knownWorkflows],
  ] as const) {
    const raw = config[section];
    if (raw === undefined) {
      resolvers.set(subjectKind, () => undefined);
      continue;
    }
    if (!isRecord(raw)) {
      throw new ToolscopeConfigError(
        section,
        `must map names or globs to objectives (got ${describe(raw)})`,
      );
    }
    const compiled = compileSection(subjectKind, section, raw, known, evaluationIntervalMs);
    entries.push(...compiled.entries);
    resolvers.set(subjectKind, compiled.resolve);
  }
  return {
    evaluationIntervalMs,
    policy,
    entries,
    resolve: (kind, name) => resolvers.get(kind)?.(name),
  };
}

function compileSection(
  subjectKind: SubjectKind,
  section: 'tools' | 'workflows',
  raw: Record<string, unknown>,
  known: readonly string[] | undefined,
  evaluationIntervalMs: number,
): { entries: ResolvedObjective[]; resolve: (name: string) => ResolvedObjective | undefined } {
  const parsed: Entry[] = [];
  let order = 0;
  for (const [key, value] of Object.entries(raw)) {
    const field = `${section}[${JSON.stringify(key)}]`;
    const pattern = parsePattern(field, key);
    if (
      known !== undefined &&
      key !== DEFAULT_PATTERN &&
      !known.some((n) => pattern.regex.test(n))
    ) {
      const shown = known.slice(0, 10).join(', ') + (known.length > 10 ? ', ...' : '');
      throw new ToolscopeConfigError(
        field,
        `matches none of the known ${section} (${shown || 'none'}); fix the name or pattern`,
      );
    }
    parsed.push({ pattern, order: order++, fields: parseFields(field, subjectKind, value) });
  }
  parsed.sort(comparePrecedence);
  const base = parsed.find((e) => e.pattern.key === DEFAULT_PATTERN)?.fields ?? {};
  const baseField = `${section}[${JSON.stringify(DEFAULT_PATTERN)}]`;
  const entries = parsed.map((e): ResolvedObjective => {
    const own = e.fields;
    const windowMs = own.windowMs ?? base.windowMs ?? DEFAULTS.windowMs;
    if (windowMs < evaluationIntervalMs) {
      const where =
        own.windowMs !== undefined
          ? `${section}[${JSON.stringify(e.pattern.key)}].window`
          : base.windowMs !== undefined
            ? `${baseField}.window`
            : 'evaluationInterval';
      throw new ToolscopeConfigError(
        where,
        `window (${windowMs} ms) is shorter than evaluationInterval (${evaluationIntervalMs} ms); ` +
          'lengthen the window or evaluate more often',
      );
    }
    return {
      subjectKind,
      pattern: e.pattern.key,
      latency: pick(own.latency, base.latency),
      minSuccessRate: pick(own.minSuccessRate, base.minSuccessRate),
      maxRetryRate: pick(own.maxRetryRate, base.maxRetryRate),
      maxFallbackRate: pick(own.maxFallbackRate, base.maxFallbackRate),
      criticalSuccessRate:
        own.criticalSuccessRate ?? base.criticalSuccessRate ?? DEFAULTS.criticalSuccessRate,
      windowMs,
      minCalls: own.minCalls ?? base.minCalls ?? DEFAULTS.minCalls,
    };
  });
  const exact = new Map<string, ResolvedObjective>();
  const globs: { regex: RegExp; objective: ResolvedObjective }[] = [];
  parsed.forEach((e, i) => {
    if (e.pattern.isGlob) globs.push({ regex: e.pattern.regex, objective: entries[i]! });
    else exact.set(e.pattern.key, entries[i]!);
  });
  const cache = new Map<string, ResolvedObjective | undefined>();
  const resolve = (name: string): ResolvedObjective | undefined => {
    const hit = exact.get(name);
    if (hit !== undefined) return hit;
    if (cache.has(name)) return cache.get(name);
    const found = globs.find((g) => g.regex.test(name))?.objective;
    if (cache.size >= RESOLVE_CACHE_LIMIT) cache.clear();
    cache.set(name, found);
    return found;
  };
  return { entries, resolve };
}

/** An own value wins (null switches off), else the default entry's, else none. */
function pick<T>(own: T | null | undefined, base: T | null | undefined): T | undefined {
  if (own !== undefined) return own ?? undefined;
  return base ?? undefined;
}

function parseFields(field: string, subjectKind: SubjectKind, value: unknown): EntryFields {
  if (value === null || value === undefined) return {};
  if (!isRecord(value)) {
    throw new ToolscopeConfigError(field, `must be an object of bounds (got ${describe(value)})`);
  }
  const out: EntryFields = {};
  for (const [name, v] of Object.entries(value)) {
    const at = `${field}.${name}`;
    if (!(BOUND_FIELDS as readonly string[]).includes(name)) {
      throw new ToolscopeConfigError(
        at,
        `is not an objective field (allowed: ${BOUND_FIELDS.join(', ')})`,
      );
    }
    if (subjectKind === 'workflow' && TOOL_ONLY.has(name) && v !== null && v !== undefined) {
      throw new ToolscopeConfigError(
        at,
        'is available for tools only (workflows record no retries or fallbacks)',
      );
    }
    if (v === undefined) continue;
    switch (name) {
      case 'latency':
        out.latency = v === null ? null : parseLatency(at, v);
        break;
      case 'minSuccessRate':
        out.minSuccessRate =
          v === null
            ? null
            : requireNumber(
                at,
                v,
                { min: 0, max: 1 },
                'must be a rate from 0 to 1, for example 0.99',
              );
        break;
      case 'maxRetryRate':
        out.maxRetryRate =
          v === null
            ? null
            : requireNumber(
                at,
                v,
                { min: 0 },
                'must be >= 0 (retry attempts per call), not negative',
              );
        break;
      case 'maxFallbackRate':
        out.maxFallbackRate =
          v === null
            ? null
            : requireNumber(at, v, { min: 0, max: 1 }, 'must be a rate from 0 to 1, not negative');
        break;
      case 'criticalSuccessRate':
        out.criticalSuccessRate = requireNumber(
          at,
          v,
          { min: 0, max: 1 },
          'must be a rate from 0 to 1',
        );
        break;
      case 'window':
        out.windowMs = parseDuration(at, v as string | number);
        break;
      case 'minCalls':
        out.minCalls = requireNumber(at, v, { min: 1, integer: true }, 'must be an integer >= 1');
        break;
    }
  }
  return out;
}

/**
 * Parses `'p95 <= 800ms'` (also `p99.9 < 2s`, `p50<=1.5s`) or `{ percentile, maxMs }`.
 * The percentile must lie strictly between 0 and 100, the bound must be > 0.
 */
export function parseLatency(field: string, value: unknown): LatencyBound {
  let percentile: unknown;
  let maxMs: unknown;
  if (typeof value === 'string') {
    const m = LATENCY.exec(value);
    if (m === null) {
      throw new ToolscopeConfigError(
        field,
        `must read like 'p95 <= 800ms' (percentile, '<=', bound with unit ms, s or m) (got ${describe(value)})`,
      );
    }
    percentile = Number(m[1]);
    maxMs = Number(m[3]) * LATENCY_UNITS[m[4]!]!;
  } else if (isRecord(value)) {
    for (const k of Object.keys(value)) {
      if (k !== 'percentile' && k !== 'maxMs') {
        throw new ToolscopeConfigError(
          `${field}.${k}`,
          'is not a latency field (allowed: percentile, maxMs)',
        );
      }
    }
    percentile = value.percentile;
    maxMs = value.maxMs;
  } else {
    throw new ToolscopeConfigError(
      field,
      `must be a string like 'p95 <= 800ms' or { percentile, maxMs } (got ${describe(value)})`,
    );
  }
  requireNumber(
    `${field}.percentile`,
    percentile,
    { min: 0, max: 100, minExclusive: true, maxExclusive: true },
    'must be strictly between 0 and 100 (p50, p95, p99.9)',
  );
  if (typeof maxMs === 'number' && maxMs < 0) {
    throw new ToolscopeConfigError(
      `${field}.maxMs`,
      `is a negative bound (got ${maxMs}); use a duration > 0`,
    );
  }
  requireNumber(
    `${field}.maxMs`,
    maxMs,
    { min: 0, minExclusive: true },
    'must be a bound in ms > 0',
  );
  return { percentile: percentile as number, maxMs: maxMs as number };
}
