/**
 * Applications that know nothing of toolscope, enabled by an `--import` preload before they
 * load the SDK: as ESM (static `import`) and as CommonJS (`require`), with and without the
 * import-in-the-middle loader hook that `@toolscope/node/register` installs. Each gives one
 * span per tool call with its call id from the first run, under the workflow, and leaves the
 * SDK's own processors in place (its OpenAI exporter still runs: without a key it says so on
 * stderr).
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const packageDir = fileURLToPath(new URL('..', import.meta.url));

interface SpanSummary {
  name: string;
  id: string;
  parent?: string;
  attributes: Record<string, unknown>;
}

async function runApp(
  preload: string,
  app: string,
): Promise<{ spans: SpanSummary[]; stderr: string }> {
  const { stdout, stderr } = await run(
    process.execPath,
    [
      '--conditions=toolscope-source',
      '--import',
      `./test/fixtures/${preload}.ts`,
      `test/fixtures/${app}.ts`,
    ],
    { cwd: packageDir, timeout: 60_000 },
  );
  return { spans: JSON.parse(stdout.trim().split('\n').at(-1) ?? '[]'), stderr };
}

describe.each([
  ['preload-enable', 'app-esm'],
  ['preload-enable', 'app-cjs'],
  ['preload-loader', 'app-esm'],
  ['preload-loader', 'app-cjs'],
])('%s then %s', (preload, app) => {
  it('one span per tool call, with call ids, under the workflow; the SDK’s exporter untouched', async () => {
    const { spans, stderr } = await runApp(preload, app);
    const workflow = spans.filter((s) => s.name === 'invoke_workflow app');
    const agent = spans.filter((s) => s.name === 'invoke_agent App');
    const tools = spans.filter((s) => s.attributes['gen_ai.operation.name'] === 'execute_tool');
    expect(workflow).toHaveLength(1);
    expect(agent).toHaveLength(1);
    expect(agent[0]!.parent).toBe(workflow[0]!.id);
    expect(tools.map((s) => s.attributes['gen_ai.tool.call.id']).sort()).toEqual([
      'call_1',
      'call_2',
    ]);
    for (const s of tools) expect(s.parent).toBe(agent[0]!.id);
    expect(stderr).toContain('No API key provided for OpenAI tracing exporter');
  });
});
