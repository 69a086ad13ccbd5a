#!/usr/bin/env node
import { constants } from 'node:os';
import { REPEATED_SIGNAL_WINDOW_MS } from '@toolscope/instrumentation/internal';
import { installDiagLogger } from '@toolscope/node';
import { main } from './main.ts';

// What the libraries log through the OpenTelemetry diag logger (deprecated config keys, lost
// exports) reaches the user on stderr, at OTEL_LOG_LEVEL (warn by default).
installDiagLogger(process.stderr, process.env);

// Ctrl-C (SIGINT) or SIGTERM once: the running command stops early and cleans up (the demo
// reaps its servers, `probe` stops its checks). Again: leave at once (the demo's exit hook
// still kills its child processes).
//
// The `toolscope` launcher forwards the signals it gets, so a Ctrl-C (which reaches the whole
// process group) can arrive twice within moments: only a signal clearly after the first one
// counts as "again" (REPEATED_SIGNAL_WINDOW_MS).
const controller = new AbortController();
let firstSignalAt: number | undefined;
function onSignal(signal: NodeJS.Signals): void {
  const now = Date.now();
  if (firstSignalAt === undefined) {
    firstSignalAt = now;
    const again = signal === 'SIGINT' ? 'Ctrl-C again' : `${signal} again`;
    process.stderr.write(`\nstopping (${again} to quit at once)\n`);
    controller.abort(signal);
  } else if (now - firstSignalAt > REPEATED_SIGNAL_WINDOW_MS) {
    process.exit(128 + (constants.signals[signal] ?? 2));
  }
}
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

// Run by the `toolscope` launcher (bin/toolscope.js, source mode), this process has an IPC
// channel to it that closes when the launcher dies, even by SIGKILL: stop then as on SIGTERM
// (the same stop path and deadlines), rather than run on as an orphan. The channel is only
// that: it keeps nothing alive (unref), nothing is sent on it, the child processes the command
// starts do not inherit it (Node removes NODE_CHANNEL_FD; the descriptor is close-on-exec) and
// the marker variable is removed.
if (process.env.TOOLSCOPE_LAUNCHER_CHANNEL === '1' && process.channel !== undefined) {
  process.channel.unref();
  process.once('disconnect', () => {
    if (firstSignalAt !== undefined) return;
    firstSignalAt = Date.now();
    process.stderr.write('\nthe toolscope launcher exited: stopping\n');
    controller.abort('SIGTERM');
  });
}
delete process.env.TOOLSCOPE_LAUNCHER_CHANNEL;

const code = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
  signal: controller.signal,
});

// The command is done and has reaped its child processes. Exit now rather than when the event
// loop drains: an OTLP exporter still retrying an unreachable collector (past the command's
// deadline) would otherwise hold the process for its whole export timeout.
const drained = (stream: NodeJS.WriteStream) =>
  new Promise<void>((resolve) => {
    if (stream.writableLength === 0) resolve();
    else stream.write('', () => resolve());
  });
await Promise.all([drained(process.stdout), drained(process.stderr)]);
process.exit(code);
