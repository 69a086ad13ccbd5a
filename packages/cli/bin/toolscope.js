#!/usr/bin/env node
// The `toolscope` command. A published package runs its compiled `dist/`; in the toolscope
// repository (no build step) it runs the TypeScript sources on Node 24's type stripping,
// re-executing Node with the `toolscope-source` export condition so the sibling packages
// resolve to their sources too.
//
// First of all, on a Node.js older than the package's `engines.node`, it says in one line which
// Node.js it needs and exits 2: nothing that would fail with a stack trace is loaded before.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { constants } from 'node:os';
import { fileURLToPath } from 'node:url';

/** The `>=x.y` of the package's engines.node, as [x, y], or undefined when unreadable. */
function neededNode() {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    const m = /^\s*>=\s*(\d+)(?:\.(\d+))?/.exec(String(pkg.engines?.node ?? ''));
    return m === null ? undefined : [Number(m[1]), Number(m[2] ?? 0)];
  } catch {
    return undefined;
  }
}

const needed = neededNode();
const [major, minor] = process.versions.node.split('.').map(Number);
if (needed !== undefined && (major < needed[0] || (major === needed[0] && minor < needed[1]))) {
  process.stderr.write(
    `toolscope: needs Node.js ${needed[0]}.${needed[1]} or later (this is Node.js ${process.version}); install a newer Node.js from https://nodejs.org\n`,
  );
  process.exit(2);
}

const built = new URL('../dist/bin.js', import.meta.url);
if (existsSync(built)) {
  await import(built.href);
} else {
  const source = fileURLToPath(new URL('../src/bin.ts', import.meta.url));
  // An IPC channel (fd 3) tells the command when this process is gone, even by SIGKILL: the
  // command then stops as on SIGTERM instead of running on as an orphan (src/bin.ts). Nothing
  // is sent on it.
  const child = spawn(
    process.execPath,
    ['--conditions=toolscope-source', source, ...process.argv.slice(2)],
    {
      stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
      env: { ...process.env, TOOLSCOPE_LAUNCHER_CHANNEL: '1' },
    },
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
