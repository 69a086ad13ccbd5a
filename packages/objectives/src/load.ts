import { extname } from 'node:path';
import { ToolscopeConfigError } from '@toolscope/instrumentation';
import {
  checkConfigSize,
  describeJsonError,
  readConfigFile,
  validators,
} from '@toolscope/instrumentation/internal';
import { parse as parseYaml } from 'yaml';
import { type CompileContext, compile } from './compile.ts';
import { logger } from './diag.ts';
import type { CompiledObjectives, CompileOptions } from './types.ts';

/**
 * Reads objectives from a YAML (`.yaml`, `.yml`) or JSON (`.json`) file, validates them once
 * and returns them compiled, ready for `new ObjectiveMonitor({ objectives })` or
 * `renderPrometheusRules`. Throws `ToolscopeConfigError` naming the key as written, with the
 * file in the message. The file may be at most `LIMITS.configFileBytes`, checked before parsing.
 */
export function loadObjectives(file: string, options: CompileOptions = {}): CompiledObjectives {
  const text = readConfigFile(
    file,
    (problem, cause) => new ToolscopeConfigError('file', `${file} ${problem}`, { cause }),
  );
  const format = extname(file).toLowerCase() === '.json' ? 'json' : 'yaml';
  return parseObjectives(text, { ...options, format, source: file });
}

/**
 * Parses, validates and compiles objectives from YAML or JSON text. Keys are camelCase or
 * snake_case (`min_success_rate`); durations take the one duration grammar (`5m`, `1h30m`,
 * `1d`); the latency bound's object form is `{ percentile, max }`, `maxMs` being read as a
 * deprecated alias (a one-line warning per key).
 */
export function parseObjectives(
  text: string,
  options: CompileOptions & { format?: 'yaml' | 'json'; source?: string } = {},
): CompiledObjectives {
  const source = options.source ?? 'objectives';
  checkConfigSize(text, (problem) => new ToolscopeConfigError('file', `${source} ${problem}`));
  let data: unknown;
  try {
    data = options.format === 'json' ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw new ToolscopeConfigError(
      'file',
      `${source} is not valid ${options.format ?? 'yaml'}: ${options.format === 'json' ? describeJsonError(err) : (err as Error).message.split('\n')[0]}`,
    );
  }
  const ctx: CompileContext = {
    // Every error of the file says which file it is about.
    v: validators((field, problem) => new ToolscopeConfigError(field, `${problem} (in ${source})`)),
    keys: { warn: (message) => logger.warn(message), document: source },
  };
  return compile(data, options, ctx);
}
