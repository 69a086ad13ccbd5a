/**
 * `node --import @toolscope/node/register app.mjs`: toolscope with no code changes.
 *
 * 1. Installs the ESM loader hook (import-in-the-middle), limited to the files of the
 *    frameworks toolscope instruments, so ESM imports of them are patched like CommonJS
 *    requires are.
 * 2. Installs a diag logger writing warnings and errors to stderr, one line each
 *    (`OTEL_LOG_LEVEL` chooses the level).
 * 3. Starts toolscope from the environment (`OTEL_*` and toolscope's own variables, see the
 *    README), with every integration whose framework the application loads, flushing on exit.
 *
 * A bad variable is reported on stderr in one line and toolscope stays off: the application
 * itself always runs.
 */
import { register as registerAsyncHooks } from 'node:module';
import { diag } from '@opentelemetry/api';
import {
  register as registerSyncHooks,
  supportsSyncHooks,
} from 'import-in-the-middle/register-hooks.mjs';
import { installDiagLogger } from './diag-logger.ts';
import { HOOKED_MODULE_FILES } from './frameworks.ts';
import { startToolscope } from './start.ts';

// What toolscope logs (an export failing, a flush on exit cut short and what it lost) is seen
// on stderr: warnings and errors by default, `OTEL_LOG_LEVEL` chooses; an application that
// sets its own diag logger replaces this one.
installDiagLogger(process.stderr, process.env);

const logger = diag.createComponentLogger({ namespace: '@toolscope/node' });

try {
  if (supportsSyncHooks()) {
    registerSyncHooks({ include: [...HOOKED_MODULE_FILES] });
  } else {
    registerAsyncHooks('@opentelemetry/instrumentation/hook.mjs', import.meta.url, {
      data: { include: [...HOOKED_MODULE_FILES] },
    });
  }
} catch (err) {
  logger.error('installing the ESM loader hook failed; ESM imports stay untraced', err);
}

try {
  startToolscope();
} catch (err) {
  // A configuration error must not stop the application: say so once, on stderr, and go on.
  process.stderr.write(
    `toolscope: not started: ${err instanceof Error ? err.message : String(err)}\n`,
  );
}
