/**
 * Progress while the demo runs, always on stderr so stdout carries only the report. On a
 * terminal: one live line redrawn in place. Otherwise (pipes, CI, `--format json`): a plain
 * line every few seconds. Notable events (outage, health changes) get their own line.
 */
import type { OutputStream } from './types.ts';

export interface ProgressState {
  readonly elapsedMs: number;
  readonly totalMs: number;
  readonly workflows: { completed: number; partial: number; failed: number };
  readonly calls: number;
  readonly failedCalls: number;
  /** Short notes such as `dining down` or `restaurant_search unhealthy`. */
  readonly notes: readonly string[];
}

export interface Progress {
  /** Prints a notable event on its own line, stamped with the elapsed time. */
  event(text: string): void;
  /** Stops redrawing and clears the live line. */
  stop(): void;
}

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

export function formatProgress(s: ProgressState): string {
  const w = s.workflows;
  const runs = w.completed + w.partial + w.failed;
  const parts = [
    `${seconds(Math.min(s.elapsedMs, s.totalMs))}/${seconds(s.totalMs)}`,
    `workflows ${runs} (${w.completed} ok, ${w.partial} partial, ${w.failed} failed)`,
    `tool calls ${s.calls} (${s.failedCalls} failed)`,
  ];
  if (s.notes.length > 0) parts.push(s.notes.join(', '));
  if (s.elapsedMs >= s.totalMs) parts.push('finishing the requests in flight');
  return parts.join('  ·  ');
}

/**
 * Starts reporting. `mode` `live` redraws every 100 ms; `lines` prints every `everyMs`.
 */
export function startProgress(
  stream: OutputStream,
  mode: 'live' | 'lines',
  state: () => ProgressState,
  everyMs = 3_000,
): Progress {
  let frame = 0;
  let drawn = false;
  // A terminal without a size (a pseudo-terminal under `script`) reports 0 columns.
  const width = () => Math.max(40, (stream.columns || 100) - 1);
  const clear = () => {
    if (drawn) stream.write('\r\x1b[2K');
    drawn = false;
  };
  const draw = () => {
    const line = `${FRAMES[frame++ % FRAMES.length]} ${formatProgress(state())}`;
    stream.write(`\r\x1b[2K${line.length > width() ? `${line.slice(0, width() - 1)}…` : line}`);
    drawn = true;
  };
  const timer =
    mode === 'live'
      ? setInterval(draw, 100)
      : setInterval(() => stream.write(`  ${formatProgress(state())}\n`), everyMs);
  timer.unref();
  return {
    event(text) {
      clear();
      stream.write(`  ${seconds(state().elapsedMs).padStart(6)}  ${text}\n`);
      if (mode === 'live') draw();
    },
    stop() {
      clearInterval(timer);
      clear();
    },
  };
}
