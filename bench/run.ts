/**
 * `npm run bench`: runs every scenario in fresh child processes and prints one table of
 * measured values, baselines, ratios measured in this run, targets and whether each is met.
 *
 *   node --conditions=toolscope-source --expose-gc bench/run.ts [--quick] [--only=overhead,memory,...]
 *
 * `--quick` is the smoke version CI runs (few iterations, one process per scenario): it
 * proves the harness runs; its numbers mean nothing. Exit code 1 when a scenario process
 * failed (a missing package is not a failure: its rows say n/a).
 */
import { type PlanItem, runPlan } from './orchestrate.ts';
import { buildRows, formatTable } from './rows.ts';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const only = args
  .find((a) => a.startsWith('--only='))
  ?.slice('--only='.length)
  .split(',');

const FULL: PlanItem[] = [
  { scenario: 'overhead', processes: 5 },
  // V8 flushes the bytecode of functions unused for a while (module start-up code): ~5 MB
  // released some seconds into the run, which would read as negative growth.
  { scenario: 'memory', processes: 1, nodeFlags: ['--no-flush-bytecode'] },
  { scenario: 'accuracy', processes: 1 },
  { scenario: 'export', modes: ['local', 'otlp'], processes: 3 },
  { scenario: 'report', processes: 3 },
  { scenario: 'probes', modes: ['monitor', 'request', 'dispatch'], processes: 1 },
  { scenario: 'mcp', modes: ['toolscope', 'handwritten'], processes: 5 },
  { scenario: 'ai-sdk', processes: 3 },
  { scenario: 'openai-agents', processes: 3 },
  { scenario: 'langchain', processes: 3 },
  // Real collectors and Jaeger (scripts/backends.sh install); one process: it starts its own.
  { scenario: 'gateway', processes: 1 },
];

const plan = FULL.filter((p) => only === undefined || only.includes(p.scenario)).map((p) =>
  quick ? { ...p, processes: 1 } : p,
);

const started = Date.now();
console.log(
  `toolscope bench${quick ? ' --quick (smoke: numbers are not meaningful)' : ''}, Node ${process.version}`,
);
const results = await runPlan(plan, {
  quick,
  timeoutMs: quick ? 90_000 : 240_000,
  log: (line) => console.log(line),
});
const rows = buildRows(results).filter(
  (r) =>
    only === undefined ||
    plan.some((p) => r.section.length > 0 && sectionOf(p.scenario) === r.section),
);
console.log('');
console.log(formatTable(rows));
console.log('');
console.log(`total ${((Date.now() - started) / 1000).toFixed(0)} s`);
const failed = [...results.values()].some((a) => a.errors.length > 0);
process.exitCode = failed ? 1 : 0;

function sectionOf(scenario: string): string {
  const sections: Record<string, string> = {
    overhead: '1. per invocation',
    memory: '2. memory',
    accuracy: '3. accuracy',
    export: '4. export',
    report: '5. report',
    probes: '6. probes',
    mcp: '7. MCP',
    'ai-sdk': '8. AI SDK',
    'openai-agents': '9. OpenAI Agents',
    langchain: '10. LangChain',
    gateway: '11. gateway tier',
  };
  return sections[scenario] ?? '';
}
