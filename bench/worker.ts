/**
 * Runs one scenario in this (fresh) process and prints its result as one JSON line prefixed
 * with `BENCH_RESULT `. Started by `run.ts` (`orchestrate.ts`) as:
 *   node --conditions=toolscope-source --expose-gc bench/worker.ts <scenario> [--quick] [--mode=m]
 */
import { accuracy } from './scenarios/accuracy.ts';
import { aiSdk } from './scenarios/ai-sdk.ts';
import { exportThroughput } from './scenarios/export.ts';
import { gateway } from './scenarios/gateway.ts';
import { langchain } from './scenarios/langchain.ts';
import { mcp } from './scenarios/mcp.ts';
import { memory } from './scenarios/memory.ts';
import { openaiAgents } from './scenarios/openai-agents.ts';
import { overhead } from './scenarios/overhead.ts';
import { probes } from './scenarios/probes.ts';
import { report } from './scenarios/report.ts';
import type { Scenario } from './scenarios/types.ts';

const SCENARIOS: Record<string, Scenario> = {
  overhead,
  memory,
  accuracy,
  export: exportThroughput,
  report,
  probes,
  mcp,
  'ai-sdk': aiSdk,
  gateway,
  'openai-agents': openaiAgents,
  langchain,
};

const [name, ...flags] = process.argv.slice(2);
const scenario = name === undefined ? undefined : SCENARIOS[name];
if (scenario === undefined) {
  console.error(`usage: worker.ts <${Object.keys(SCENARIOS).join('|')}> [--quick] [--mode=m]`);
  process.exit(2);
}
const quick = flags.includes('--quick');
const mode = flags.find((f) => f.startsWith('--mode='))?.slice('--mode='.length);
const output = await scenario({ quick, mode });
process.stdout.write(`BENCH_RESULT ${JSON.stringify(output)}\n`);
// Scenarios leave SDK timers and servers behind on purpose (shutting them down is not what
// is measured); the result is out, so end now.
process.exit(0);
