/**
 * Runs scenarios in fresh child processes, one after another (never two at once: they would
 * measure each other), and aggregates each metric as the median over processes.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ScenarioOutput } from './scenarios/types.ts';
import { median } from './support/stats.ts';

/** One scenario (and mode) after all its processes ran. */
export interface Aggregated {
  /** Median over processes of each metric. */
  metrics: Record<string, number>;
  /** Notes of the first process that gave them. */
  notes: Record<string, string>;
  /** Processes that completed. */
  runs: number;
  /** Why processes failed, if any did. */
  errors: string[];
}

export interface PlanItem {
  scenario: string;
  /** Modes run alternately within each repetition (one process each). */
  modes?: string[];
  processes: number;
  /** Extra Node/V8 flags for this scenario's processes. */
  nodeFlags?: string[];
}

const WORKER = fileURLToPath(new URL('./worker.ts', import.meta.url));
/** Node flags of every bench process: toolscope's packages from source, `gc()` available. */
export const NODE_FLAGS = ['--conditions=toolscope-source', '--expose-gc'];

/** Runs one worker process; resolves with its output or rejects with the reason it failed. */
export function runWorker(
  scenario: string,
  flags: string[],
  timeoutMs: number,
  nodeFlags: string[] = [],
): Promise<ScenarioOutput> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [...NODE_FLAGS, ...nodeFlags, WORKER, scenario, ...flags],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const line = stdout.split('\n').find((l) => l.startsWith('BENCH_RESULT '));
      if (code === 0 && line !== undefined) {
        resolve(JSON.parse(line.slice('BENCH_RESULT '.length)) as ScenarioOutput);
        return;
      }
      const why = signal === 'SIGKILL' ? `timed out after ${timeoutMs / 1000} s` : `exit ${code}`;
      const tail = stderr.trim().split('\n').slice(-3).join(' | ');
      reject(new Error(`${scenario} ${flags.join(' ')}: ${why}${tail ? `: ${tail}` : ''}`));
    });
  });
}

/** Key of a scenario result: `export:otlp`, or just `overhead`. */
export function resultKey(scenario: string, mode?: string): string {
  return mode === undefined ? scenario : `${scenario}:${mode}`;
}

export async function runPlan(
  plan: PlanItem[],
  options: { quick: boolean; timeoutMs: number; log: (line: string) => void },
): Promise<Map<string, Aggregated>> {
  const outputs = new Map<string, { outs: ScenarioOutput[]; errors: string[] }>();
  for (const item of plan) {
    const modes = item.modes ?? [undefined];
    for (let p = 0; p < item.processes; p++) {
      for (const mode of modes) {
        const key = resultKey(item.scenario, mode);
        const slot = outputs.get(key) ?? { outs: [], errors: [] };
        outputs.set(key, slot);
        const flags = [...(options.quick ? ['--quick'] : []), ...(mode ? [`--mode=${mode}`] : [])];
        const started = Date.now();
        try {
          slot.outs.push(await runWorker(item.scenario, flags, options.timeoutMs, item.nodeFlags));
          options.log(`  ${key} process ${p + 1}/${item.processes}: ${Date.now() - started} ms`);
        } catch (err) {
          slot.errors.push((err as Error).message);
          options.log(
            `  ${key} process ${p + 1}/${item.processes}: FAILED ${(err as Error).message}`,
          );
        }
      }
    }
  }
  const result = new Map<string, Aggregated>();
  for (const [key, { outs, errors }] of outputs) {
    const keys = new Set(outs.flatMap((o) => Object.keys(o.metrics)));
    const metrics: Record<string, number> = {};
    for (const k of keys) metrics[k] = median(outs.map((o) => o.metrics[k] ?? Number.NaN));
    const notes: Record<string, string> = {};
    for (const o of outs) for (const [k, v] of Object.entries(o.notes)) notes[k] ??= v;
    result.set(key, { metrics, notes, runs: outs.length, errors });
  }
  return result;
}
