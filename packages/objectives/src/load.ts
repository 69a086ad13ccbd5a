import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { compileObjectives } from './compile.ts';
import type { CompileOptions, ObjectivesConfig } from './types.ts';
import { isRecord, ToolscopeConfigError } from './validate.ts';

/**
 * Reads objectives from a YAML (`.yaml`, `.yml`) or JSON (`.json`) file and validates them
 * (throws `ToolscopeConfigError` naming the field, with the file in the message). Returns
 * the config, ready for `new ObjectiveMonitor({ objectives })` or `renderPrometheusRules`.
 */
export function loadObjectives(file: string, options: CompileOptions = {}): ObjectivesConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ToolscopeConfigError('file', `cannot read ${file}: ${(err as Error).message}`);
  }
  const format = extname(file).toLowerCase() === '.json' ? 'json' : 'yaml';
  return parseObjectives(text, { ...options, format, source: file });
}

/** Parses and validates objectives from YAML or JSON text. */
export function parseObjectives(
  text: string,
  options: CompileOptions & { format?: 'yaml' | 'json'; source?: string } = {},
): ObjectivesConfig {
  const source = options.source ?? 'objectives';
  let data: unknown;
  try {
    data = options.format === 'json' ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw new ToolscopeConfigError(
      'file',
      `${source} is not valid ${options.format ?? 'yaml'}: ${(err as Error).message}`,
    );
  }
  if (!isRecord(data)) {
    throw new ToolscopeConfigError(
      'file',
      `${source} must hold an object with tools and/or workflows`,
    );
  }
  const config = data as ObjectivesConfig;
  try {
    compileObjectives(config, options);
  } catch (err) {
    if (err instanceof ToolscopeConfigError) {
      throw new ToolscopeConfigError(
        err.field,
        `${err.message.slice(err.field.length + 2)} (in ${source})`,
      );
    }
    throw err;
  }
  return config;
}
