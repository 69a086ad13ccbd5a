/**
 * The two MCP SDK versions the tests run against: the newest installed
 * (`@modelcontextprotocol/sdk`) and the oldest supported (`mcp-sdk-oldest`, an npm alias of
 * `@modelcontextprotocol/sdk@1.10.0`). Both expose the same low-level API used here.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type * as ClientModule from '@modelcontextprotocol/sdk/client/index.js';
import type * as HttpClientModule from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type * as ServerModule from '@modelcontextprotocol/sdk/server/index.js';
import type * as HttpServerModule from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type * as TypesModule from '@modelcontextprotocol/sdk/types.js';

export interface Sdk {
  readonly label: string;
  readonly version: string;
  readonly client: typeof ClientModule;
  readonly server: typeof ServerModule;
  readonly httpClient: typeof HttpClientModule;
  readonly httpServer: typeof HttpServerModule;
  readonly types: typeof TypesModule;
}

const require = createRequire(import.meta.url);

/** The version in the package.json of the package that `specifier` resolves into. */
function versionOf(specifier: string): string {
  const file = require.resolve(specifier);
  const root = file.slice(0, file.indexOf('/dist/'));
  return JSON.parse(readFileSync(`${root}/package.json`, 'utf8')).version;
}

export async function loadNewestSdk(): Promise<Sdk> {
  return {
    label: 'newest',
    version: versionOf('@modelcontextprotocol/sdk/client/index.js'),
    client: await import('@modelcontextprotocol/sdk/client/index.js'),
    server: await import('@modelcontextprotocol/sdk/server/index.js'),
    httpClient: await import('@modelcontextprotocol/sdk/client/streamableHttp.js'),
    httpServer: await import('@modelcontextprotocol/sdk/server/streamableHttp.js'),
    types: await import('@modelcontextprotocol/sdk/types.js'),
  };
}

export async function loadOldestSdk(): Promise<Sdk> {
  return {
    label: 'oldest',
    version: versionOf('mcp-sdk-oldest/client/index.js'),
    client: (await import('mcp-sdk-oldest/client/index.js')) as unknown as Sdk['client'],
    server: (await import('mcp-sdk-oldest/server/index.js')) as unknown as Sdk['server'],
    httpClient: (await import(
      'mcp-sdk-oldest/client/streamableHttp.js'
    )) as unknown as Sdk['httpClient'],
    httpServer: (await import(
      'mcp-sdk-oldest/server/streamableHttp.js'
    )) as unknown as Sdk['httpServer'],
    types: (await import('mcp-sdk-oldest/types.js')) as unknown as Sdk['types'],
  };
}
