/**
 * The frameworks toolscope instruments with no code changes, and the files of theirs the ESM
 * loader hook must see (every other module loads untouched).
 */
export const HOOKED_MODULE_FILES: readonly RegExp[] = [
  /\/node_modules\/@modelcontextprotocol\/(sdk|client|server)\//,
];
