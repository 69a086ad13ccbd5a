import {
  type FieldReader,
  type ReadFieldsOptions,
  type Validators,
  validators,
} from '@toolscope/instrumentation/internal';
import { logger } from './diag.ts';
import { ProbeConfigError } from './errors.ts';

/**
 * How a definition is read. From code, the typed names (`intervalMs`) are as good as the
 * file names (`interval`); from a config file, they are deprecated aliases (logged once), and
 * `${NAME}` in header and env values is replaced by the environment variable NAME.
 */
export interface ReadContext {
  /** Reports deprecated keys (files only). */
  readonly warn?: (message: string) => void;
  /** The environment `${NAME}` references are resolved in (files only). */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** Reading a probe config file. */
export function fileContext(env: Readonly<Record<string, string | undefined>>): ReadContext {
  return { warn: (message) => logger.warn(message), env };
}

/** The `readFields` options of `context`. */
export function readOptions(context: ReadContext): ReadFieldsOptions {
  return context.warn === undefined ? {} : { warn: context.warn, document: 'probe config' };
}

/** The validators of one check (`checkId`), or of the file or an option (undefined). */
export function probeValidators(checkId?: string): Validators {
  return validators((field, problem) => new ProbeConfigError(checkId, field, problem));
}

/**
 * HTTP request headers (`headers` of a check or a webhook): `stringMap`, then every name and
 * value checked as HTTP allows them (after `${NAME}` is resolved), so a header with CR or LF is
 * a config error naming the key, never a request that fails at the server.
 */
export function headerMap(
  v: Validators,
  f: FieldReader,
  name: string,
  context: ReadContext,
): Record<string, string> {
  return v.httpHeaders(f.field(name), stringMap(v, f, name, context));
}

/** A map of names to strings (`headers`, `env`), with `${NAME}` resolved when reading a file. */
export function stringMap(
  v: Validators,
  f: FieldReader,
  name: string,
  context: ReadContext,
): Record<string, string> {
  const map = v.stringRecord(f.field(name), f.get(name));
  if (context.env === undefined) return map;
  const env = context.env;
  const out: Record<string, string> = {};
  for (const [k, value] of Object.entries(map)) {
    out[k] = value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, ref: string) => {
      const resolved = env[ref];
      if (resolved === undefined) {
        throw v.error(
          `${f.field(name)}.${k}`,
          `refers to the environment variable ${ref}, which is not set`,
        );
      }
      return resolved;
    });
  }
  return out;
}
