import { afterEach, describe, expect, it } from 'vitest';
import { ToolscopeSetupError } from '../src/index.ts';
import { resolveOptions } from '../src/options.ts';

const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
});

const enabled = (options: Parameters<typeof resolveOptions>[0] = {}) =>
  [...resolveOptions(options).frameworks].sort();

describe('which framework integrations startToolscope enables', () => {
  it('enables every integration by default', () => {
    delete process.env.OTEL_NODE_ENABLED_INSTRUMENTATIONS;
    delete process.env.OTEL_NODE_DISABLED_INSTRUMENTATIONS;
    expect(enabled()).toEqual(['ai-sdk', 'langchain', 'mcp', 'openai-agents']);
  });

  it('takes true, false or one flag per framework; mcp: false keeps working', () => {
    expect(enabled({ frameworks: false })).toEqual([]);
    expect(enabled({ frameworks: { aiSdk: false } })).toEqual([
      'langchain',
      'mcp',
      'openai-agents',
    ]);
    expect(enabled({ mcp: false })).toEqual(['ai-sdk', 'langchain', 'openai-agents']);
  });

  it('honours OTEL_NODE_ENABLED_INSTRUMENTATIONS and OTEL_NODE_DISABLED_INSTRUMENTATIONS', () => {
    process.env.OTEL_NODE_ENABLED_INSTRUMENTATIONS = 'http, mcp ,@toolscope/instrumentation-ai-sdk';
    process.env.OTEL_NODE_DISABLED_INSTRUMENTATIONS = 'mcp';
    expect(enabled()).toEqual(['ai-sdk']);
    // The option wins over the environment.
    expect(enabled({ frameworks: true })).toEqual(['ai-sdk', 'langchain', 'mcp', 'openai-agents']);
  });

  it('names an unknown framework key and the allowed ones', () => {
    expect(() => resolveOptions({ frameworks: { langchian: true } as never })).toThrow(
      ToolscopeSetupError,
    );
    expect(() => resolveOptions({ frameworks: { langchian: true } as never })).toThrow(
      /frameworks\.langchian: is not a known field; allowed: mcp, aiSdk, openaiAgents, langchain/,
    );
    expect(() => resolveOptions({ frameworks: 'all' as never })).toThrow(
      /frameworks: must be true, false or an object of frameworks/,
    );
  });
});
