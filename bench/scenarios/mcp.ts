/**
 * (7) MCP per-call overhead: two client/server pairs of `@modelcontextprotocol/sdk` over
 * in-memory transports in one process, one instrumented on both sides with
 * `instrumentMcpClient` / `instrumentMcpServer`, the other bare. `tools/call` of an echo tool,
 * interleaved rounds; reports the median µs per call of each and their ratio per round.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { optionalImport } from '../support/optional-import.ts';
import { createBenchOtel, registerContext } from '../support/otel.ts';
import { median, yieldToLoop } from '../support/stats.ts';
import type { ScenarioOptions, ScenarioOutput } from './types.ts';

interface McpModule {
  instrumentMcpClient<T extends object>(client: T): T;
  instrumentMcpServer<T extends object>(server: T): T;
}

async function pair(instrument: McpModule | undefined): Promise<Client> {
  const server = new McpServer({ name: 'bench-server', version: '1.0.0' });
  server.registerTool(
    'echo',
    { description: 'echo', inputSchema: { text: z.string() } },
    async ({ text }) => ({ content: [{ type: 'text', text }] }),
  );
  const client = new Client({ name: 'bench-client', version: '1.0.0' });
  if (instrument) {
    instrument.instrumentMcpServer(server);
    instrument.instrumentMcpClient(client);
  }
  const [a, b] = InMemoryTransport.createLinkedPair();
  await server.connect(b);
  await client.connect(a);
  return client;
}

export async function mcp(options: ScenarioOptions): Promise<ScenarioOutput> {
  const mod = await optionalImport<McpModule>('@toolscope/instrumentation-mcp');
  if (!mod.ok) return { metrics: {}, notes: { unavailable: mod.reason } };
  registerContext();
  createBenchOtel();
  const clients = { bare: await pair(undefined), instrumented: await pair(mod.module) };
  const iterations = options.quick ? 100 : 500;
  const rounds = options.quick ? 2 : 24;
  const warmup = options.quick ? 1 : 4;
  const names = Object.keys(clients) as (keyof typeof clients)[];
  const samples: Record<string, number[]> = { bare: [], instrumented: [] };
  const ratios: number[] = [];
  for (let round = 0; round < warmup + rounds; round++) {
    const perRound: Record<string, number> = {};
    for (let k = 0; k < names.length; k++) {
      const name = names[(k + round) % names.length]!;
      const client = clients[name];
      await yieldToLoop();
      const start = process.hrtime.bigint();
      for (let i = 0; i < iterations; i++) {
        await client.callTool({ name: 'echo', arguments: { text: 'hello' } });
        if ((i & 127) === 127) await yieldToLoop();
      }
      perRound[name] = Number(process.hrtime.bigint() - start) / iterations / 1000;
    }
    if (round < warmup) continue;
    samples.bare!.push(perRound.bare!);
    samples.instrumented!.push(perRound.instrumented!);
    ratios.push(perRound.instrumented! / perRound.bare!);
  }
  return {
    metrics: {
      'bare.us': median(samples.bare!),
      'instrumented.us': median(samples.instrumented!),
      'instrumented.xBare': median(ratios),
    },
    notes: {},
  };
}
