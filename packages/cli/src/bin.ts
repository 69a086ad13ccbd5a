#!/usr/bin/env node
import { main } from './main.ts';

// Ctrl-C once: the running command stops early and cleans up (the demo reaps its servers).
// Twice: leave at once (the demo's exit hook still kills its child processes).
const controller = new AbortController();
let interrupts = 0;
process.on('SIGINT', () => {
  interrupts++;
  if (interrupts === 1) {
    process.stderr.write('\nstopping (Ctrl-C again to quit at once)\n');
    controller.abort();
  } else {
    process.exit(130);
  }
});

process.exitCode = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
  signal: controller.signal,
});
