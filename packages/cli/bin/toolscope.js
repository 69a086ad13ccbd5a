#!/usr/bin/env node
// The `toolscope` command. A published package runs its compiled `dist/`; in the toolscope
// repository (no build step) it runs the TypeScript sources on Node 24's type stripping,
// re-executing Node with the `toolscope-source` export condition so the sibling packages
// resolve to their sources too.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
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
  // The child handles Ctrl-C itself (it shares the terminal's process group); do not die first.
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => {});
  child.on('exit', (code, signal) => {
    process.exitCode = code ?? (signal === 'SIGINT' ? 130 : 1);
  });
}
