import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { PrintedSpan } from './fixtures/otel.ts';

const run = promisify(execFile);
const packageDir = fileURLToPath(new URL('..', import.meta.url));
const REGISTER = ['--import', '@toolscope/instrumentation-langchain/register'];

/** Runs a fixture application in a child process and returns the spans it printed. */
async function runApp(
  fixture: string,
  flags: string[],
  env: Record<string, string>,
): Promise<PrintedSpan[]> {
  const { stdout } = await run(
    process.execPath,
    ['--conditions=toolscope-source', ...flags, `test/fixtures/${fixture}.ts`],
    { cwd: packageDir, env: { ...process.env, ...env }, timeout: 110_000 },
  );
  const line = stdout.split('\n').find((l) => l.startsWith('SPANS '));
  if (line === undefined) throw new Error(`no spans printed:\n${stdout}`);
  return JSON.parse(line.slice('SPANS '.length)) as PrintedSpan[];
}

const CASES: [string, string, string[], Record<string, string>][] = [
  ['ESM, loader hook from --import', 'esm-app', REGISTER, {}],
  ['ESM, enabled after the imports (no hook)', 'esm-app', [], { LATE: '1' }],
  ['ESM, loader hook and the one-liner both', 'esm-app', REGISTER, { LATE: '1' }],
  ['CommonJS, loader hook from --import', 'cjs-app', REGISTER, { ORDER: 'register' }],
  ['CommonJS, enabled before require', 'cjs-app', [], { ORDER: 'hook' }],
  ['CommonJS, enabled after require', 'cjs-app', [], { ORDER: 'late' }],
];

describe.each(CASES)('%s', (_title, fixture, flags, env) => {
  // One child process at a time, each loading LangChain: slow on a busy machine.
  it('traces every tool call once, failures included, under the agent and the workflow', {
    timeout: 120_000,
  }, async () => {
    const spans = await runApp(fixture, flags, env);
    const summary = spans
      .filter((s) => s.name !== 'invoke_workflow fixture')
      .map((s) =>
        [
          s.name,
          s.parent ?? '-',
          s.attributes['gen_ai.tool.call.id'] ?? '',
          s.attributes['error.type'] ?? '',
        ].join(' | '),
      )
      .sort();
    expect(summary).toEqual(
      [
        'execute_tool add | - |  | ',
        'execute_tool add | - |  | ToolInputParsingException',
        'execute_tool add | invoke_agent calc | call_1 | ',
        'execute_tool add | invoke_agent calc | call_2 | ToolInputParsingException',
        'execute_tool nope | invoke_agent calc | call_3 | tool_not_found',
        'invoke_agent calc | invoke_workflow fixture |  | ',
      ].sort(),
    );
    const workflow = spans.find((s) => s.name === 'invoke_workflow fixture');
    expect(workflow?.attributes['toolscope.workflow.steps.completed']).toBe(2);
  });
});
