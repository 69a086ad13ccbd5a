/**
 * The files of the MCP SDK an ESM loader hook (import-in-the-middle) must see for
 * `McpInstrumentation` to patch them: every file of the 1.x SDK (its entry points are files),
 * and the main entries of the 2.x client and server packages (the rest of a 2.x package is
 * hashed chunks, never patched). `register.ts` limits its hook to these; a process-wide
 * register that hooks other packages too adds this to its `include` list.
 */
export const MCP_LOADER_INCLUDE: RegExp =
  /\/node_modules\/@modelcontextprotocol\/(?:sdk\/|(?:client|server)\/dist\/index\.mjs$)/;
