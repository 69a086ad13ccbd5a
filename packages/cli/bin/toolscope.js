#!/usr/bin/env node
// The `toolscope` command. A published package runs its compiled `dist/`; in the toolscope
// repository (no build step) it runs the TypeScript sources on Node 24's type stripping,
// re-executing Node with the `toolscope-source` export condition so the sibling packages
// resolve to their sources too.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { constants } from 'node:os';
import { fileURLToPath } from 'node:url';

const built = new URL('../dist/bin.js', import.meta.url);
if (existsSync(built)) {
  await import(built.href);
} else {
  const source = fileURLToPath(new URL('../src/bin.ts', import.meta.url));
  const child = spawn(
    process.execPath,
    ['--conditions=toolscope-source', source, ...process.argv.slice(2)],
    { stdio: 'inherit' },
  );
  // Forward SIGINT and SIGTERM: a signal sent to this process alone (a process manager, `kill`)
  // must reach the command, which stops gracefully. A Ctrl-C reaches both processes (same
  // process group); the command counts the two as one. This process waits for the child.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    });
  }
  child.on('error', (err) => {
    process.stderr.write(`toolscope: cannot start ${process.execPath}: ${err.message}\n`);
    process.exitCode = 1;
  });
  child.on('exit', (code, signal) => {
    process.exitCode = code ?? 128 + (constants.signals[signal] ?? 0);
  });
}
