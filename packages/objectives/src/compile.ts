import {
  describeShape,
  describeValue,
  type FieldReader,
  type FieldSpec,
  isRecord,
  type NumberRange,
  type ReadFieldsOptions,
  readFields,
  type Validators,
  validate,
} from '@toolscope/instrumentation/internal';
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

const TOP_FIELDS: FieldSpec = {
  tools: [],
  workflows: [],
  evaluationInterval: [],
  errorFactor: [],
  errorAfterEvaluations: [],
  hysteresis: [],
  resolveAfterEvaluations: [],
};
const BOUND_FIELDS: FieldSpec = {
  latency: [],
  minSuccessRate: [],
  maxRetryRate: [],
  maxFallbackRate: [],
  criticalSuccessRate: [],
  window: [],
  minCalls: [],
};
/** The object form of a latency bound: `max` is a duration (`maxMs` in code). */
const LATENCY_FIELDS: FieldSpec = { percentile: [], max: ['maxMs'] };
const TOOL_ONLY = new Set(['maxRetryRate', 'maxFallbackRate']);
/** `p95 <= 800ms`: the bound is a duration of the one grammar (`2s`, `1m30s`, `800`). */
const LATENCY = /^\s*p\s*(-?\d+(?:\.\d+)?)\s*(<=|<)\s*(\S.*?)\s*$/;
const RESOLVE_CACHE_LIMIT = 10_000;

/**
 * How objectives are read: the validators (their errors) and, for a file, where deprecated
 * keys are reported.
 */
export interface CompileContext {
  readonly v: Validators;
  readonly keys: ReadFieldsOptions;
}

const CODE: CompileContext = { v: validate, keys: {} };

/** An entry's own fields, validated; `null` = switched off, `undefined` = inherited. */
interface EntryFields {
  latency?: LatencyBound | null;
  minSuccessRate?: number | null;
  maxRetryRate?: number | null;
  maxFallbackRate?: number | null;
  criticalSuccessRate?: number;
  windowMs?: number;
  /** The path of the `window` key as written, for errors. */
  windowField?: string;
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
 * Already compiled objectives are returned as they are.
 */
export function compileObjectives(
  config: ObjectivesConfig | CompiledObjectives,
  options: CompileOptions = {},
): CompiledObjectives {
  return isCompiled(config) ? config : compile(config, options, CODE);
}

/** Whether `o` is the result of `compileObjectives`. */
function isCompiled(o: ObjectivesConfig | CompiledObjectives): o is CompiledObjectives {
  return typeof (o as CompiledObjectives | undefined)?.resolve === 'function';
}

/** `compileObjectives` with the validators and key reporting of `ctx` (files: `load.ts`). */
export function compile(
  config: unknown,
  options: CompileOptions,
  ctx: CompileContext,
): CompiledObjectives {
  const { v } = ctx;
  // The whole document: its kind, never its content (a file given by mistake may hold secrets).
  if (!isRecord(config)) {
    throw v.error(
      'objectives',
      `must be an object with tools and/or workflows (got ${describeShape(config)})`,
    );
  }
  const top = readFields(v, '', config, TOP_FIELDS, ctx.keys);
  const evaluationIntervalMs =
    v.optionalDuration(top.key('evaluationInterval'), top.get('evaluationInterval')) ??
    DEFAULTS.evaluationIntervalMs;
  const policyNumber = (name: string, range: NumberRange) =>
    v.optionalNumber(top.key(name), top.get(name), range);
  const policy: SeverityPolicy = {
    errorFactor:
      policyNumber('errorFactor', { min: 1, minExclusive: true, hint: 'a number > 1' }) ??
      DEFAULTS.errorFactor,
    errorAfterEvaluations:
      policyNumber('errorAfterEvaluations', { min: 1, integer: true }) ??
      DEFAULTS.errorAfterEvaluations,
    hysteresis:
      policyNumber('hysteresis', {
        min: 0,
        max: 1,
        maxExclusive: true,
        hint: 'a fraction in [0, 1), for example 0.1',
      }) ?? DEFAULTS.hysteresis,
    resolveAfterEvaluations:
      policyNumber('resolveAfterEvaluations', { min: 1, integer: true }) ??
      DEFAULTS.resolveAfterEvaluations,
  };

  const entries: ResolvedObjective[] = [];
  const resolvers = new Map<SubjectKind, (name: string) => ResolvedObjective | undefined>();
  for (const [subjectKind, section, known] of [
    ['tool', 'tools', options.knownTools],
    ['workflow', 'workflows', options.knownWorkflows],
  ] as const) {
    const raw = top.get(section);
    if (raw === undefined) {
      resolvers.set(subjectKind, () => undefined);
      continue;
    }
    const compiled = compileSection(ctx, subjectKind, top.key(section), raw, known, {
      ms: evaluationIntervalMs,
      field: top.key('evaluationInterval'),
    });
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
  ctx: CompileContext,
  subjectKind: SubjectKind,
  section: string,
  value: unknown,
  known: readonly string[] | undefined,
  evaluationInterval: { ms: number; field: string },
): { entries: ResolvedObjective[]; resolve: (name: string) => ResolvedObjective | undefined } {
  const { v } = ctx;
  const raw = v.object(section, value, 'a mapping of names or globs to objectives');
  const parsed: Entry[] = [];
  let order = 0;
  for (const [key, entry] of Object.entries(raw)) {
    const field = `${section}[${JSON.stringify(key)}]`;
    const pattern = parsePattern(field, key, v);
    if (
      known !== undefined &&
      key !== DEFAULT_PATTERN &&
      !known.some((n) => pattern.regex.test(n))
    ) {
      const shown = known.slice(0, 10).join(', ') + (known.length > 10 ? ', ...' : '');
      throw v.error(
        field,
        `matches none of the known ${section} (${shown || 'none'}); fix the name or pattern`,
      );
    }
    parsed.push({ pattern, order: order++, fields: parseFields(ctx, field, subjectKind, entry) });
  }
  parsed.sort(comparePrecedence);
  const base = parsed.find((e) => e.pattern.key === DEFAULT_PATTERN)?.fields ?? {};
  const entries = parsed.map((e): ResolvedObjective => {
    const own = e.fields;
    const windowMs = own.windowMs ?? base.windowMs ?? DEFAULTS.windowMs;
    if (windowMs < evaluationInterval.ms) {
      throw v.error(
        own.windowField ?? base.windowField ?? evaluationInterval.field,
        `window (${windowMs} ms) is shorter than evaluationInterval (${evaluationInterval.ms} ms); ` +
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

const RATE = { min: 0, max: 1 } as const;

function parseFields(
  ctx: CompileContext,
  field: string,
  subjectKind: SubjectKind,
  value: unknown,
): EntryFields {
  if (value === null || value === undefined) return {};
  const { v } = ctx;
  const f = readFields(
    v,
    field,
    v.object(field, value, 'an object of bounds'),
    BOUND_FIELDS,
    ctx.keys,
  );
  if (subjectKind === 'workflow') {
    for (const name of TOOL_ONLY) {
      const bound = f.get(name);
      if (bound !== null && bound !== undefined) {
        throw v.error(
          f.field(name),
          'is available for tools only (workflows record no retries or fallbacks)',
        );
      }
    }
  }
  /** A bound that `null` switches off. */
  const rate = (name: string, hint: string, range: { min: number; max?: number } = RATE) =>
    f.get(name) === null ? null : v.optionalNumber(f.field(name), f.get(name), { ...range, hint });
  const out: EntryFields = {
    latency: f.get('latency') === null ? null : latencyBound(ctx, f),
    minSuccessRate: rate('minSuccessRate', 'a rate from 0 to 1, for example 0.99'),
    maxRetryRate: rate('maxRetryRate', '>= 0 (retry attempts per call), not negative', {
      min: 0,
    }),
    maxFallbackRate: rate('maxFallbackRate', 'a rate from 0 to 1, not negative'),
    criticalSuccessRate: v.optionalNumber(
      f.field('criticalSuccessRate'),
      f.get('criticalSuccessRate'),
      { ...RATE, hint: 'a rate from 0 to 1' },
    ),
    windowMs: v.optionalDuration(f.field('window'), f.get('window')),
    minCalls: v.optionalNumber(f.field('minCalls'), f.get('minCalls'), { min: 1, integer: true }),
  };
  if (out.windowMs !== undefined) out.windowField = f.field('window');
  return out;
}

function latencyBound(ctx: CompileContext, f: FieldReader): LatencyBound | undefined {
  const value = f.get('latency');
  return value === undefined ? undefined : parseLatency(f.field('latency'), value, ctx);
}

/**
 * Parses `'p95 <= 800ms'` (also `p99.9 < 2s`, `p50<=1.5s`, `p99 <= 1m30s`: the bound is a
 * duration of the one grammar) or `{ percentile, max }` (`maxMs` in code). The percentile
 * must lie strictly between 0 and 100, the bound must be > 0. Errors name the parts of the
 * string form `percentile` and `max`.
 */
export function parseLatency(
  field: string,
  value: unknown,
  ctx: CompileContext = CODE,
): LatencyBound {
  const { v } = ctx;
  if (typeof value === 'string') {
    const m = LATENCY.exec(value);
    if (m === null) {
      throw v.error(
        field,
        `must read like 'p95 <= 800ms' (percentile, '<=', a duration such as 800ms or 2s) (got ${describeValue(value)})`,
      );
    }
    return {
      percentile: checkPercentile(v, `${field}.percentile`, Number(m[1])),
      maxMs: v.duration(`${field}.max`, m[3]),
    };
  }
  if (isRecord(value)) {
    const l = readFields(v, field, value, LATENCY_FIELDS, ctx.keys);
    return {
      percentile: checkPercentile(v, l.field('percentile'), l.get('percentile')),
      maxMs: v.duration(l.field('max'), l.get('max')),
    };
  }
  throw v.error(
    field,
    `must be a string like 'p95 <= 800ms' or { percentile, max } (got ${describeValue(value)})`,
  );
}

function checkPercentile(v: Validators, field: string, value: unknown): number {
  return v.number(field, value, {
    min: 0,
    max: 100,
    minExclusive: true,
    maxExclusive: true,
    hint: 'strictly between 0 and 100 (p50, p95, p99.9)',
  });
}
