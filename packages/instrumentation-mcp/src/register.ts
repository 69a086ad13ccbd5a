/**
 * `node --import @toolscope/instrumentation-mcp/register app.mjs`: installs the ESM loader hook
 * (import-in-the-middle, limited to the MCP SDK's files of both lines: `MCP_LOADER_INCLUDE`)
 * and enables `McpInstrumentation`, so an application's MCP clients and servers are traced
 * without code changes, whether it imports
 * the SDK (ESM) or requires it (CommonJS). Spans go to the global tracer provider the
 * application registers later (for example with `startToolscope()`).
 */
import { register as registerAsyncHooks } from 'node:module';
import {
  register as registerSyncHooks,
  supportsSyncHooks,
} from 'import-in-the-middle/register-hooks.mjs';
import { logger } from './diag.ts';
import { McpInstrumentation } from './instrumentation.ts';
import { MCP_LOADER_INCLUDE as SDK_FILES } from './loader-include.ts';

try {
  if (supportsSyncHooks()) {
    registerSyncHooks({ include: [SDK_FILES] });
  } else {
    registerAsyncHooks('@opentelemetry/instrumentation/hook.mjs', import.meta.url, {
      data: { include: [SDK_FILES] },
    });
  }
} catch (err) {
  logger.error(
    'installing the ESM loader hook failed; ESM imports of the MCP SDK stay untraced',
    err,
  );
}

new McpInstrumentation();
