/**
 * `node --import @toolscope/instrumentation-langchain/register app.mjs`: installs the ESM
 * loader hook (import-in-the-middle, limited to the LangChain files this package patches) and
 * enables `LangChainInstrumentation`, so LangChain.js and LangGraph tool calls are traced
 * without code changes, whether the application imports them (ESM) or requires them
 * (CommonJS). Spans go to the global providers the application registers later (for example
 * with `startToolscope()`).
 */
import { register as registerAsyncHooks } from 'node:module';
import {
  register as registerSyncHooks,
  supportsSyncHooks,
} from 'import-in-the-middle/register-hooks.mjs';
import { logger } from './diag.ts';
import { LangChainInstrumentation } from './instrumentation.ts';
import { LOADER_HOOK_INCLUDE } from './targets.ts';

try {
  if (supportsSyncHooks()) {
    registerSyncHooks({ include: [LOADER_HOOK_INCLUDE] });
  } else {
    registerAsyncHooks('@opentelemetry/instrumentation/hook.mjs', import.meta.url, {
      data: { include: [LOADER_HOOK_INCLUDE] },
    });
  }
} catch (err) {
  logger.error(
    'installing the ESM loader hook failed; ESM imports of LangChain stay untraced',
    err,
  );
}

new LangChainInstrumentation();
