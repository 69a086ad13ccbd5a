import { type DiagLogger, DiagLogLevel, diag, SpanKind } from '@opentelemetry/api';
import type { InstrumentationModuleFile } from '@opentelemetry/instrumentation';
import { ToolscopeConfigError } from '@toolscope/instrumentation';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { setupTestOtel, type TestOtel } from '../../../test/support/otel.ts';
import { instrumentMcpClient, instrumentMcpServer, McpInstrumentation } from '../src/index.ts';
import { startHttpPair } from './helpers/http-pair.ts';
import { loadNewestSdk, loadOldestSdk, type Sdk } from './helpers/sdk.ts';

/** Captures diag warnings for one test. */
function captureWarnings(): { messages: string[]; restore(): void } {
  const messages: string[] = [];
  // Component loggers pass their namespace first: keep the whole line.
  const record = (...args: unknown[]) => messages.push(args.map(String).join(' '));
  const logger: DiagLogger = {
    error: record,
    warn: record,
    info: () => {},
    debug: () => {},
    verbose: () => {},
  };
  diag.setLogger(logger, { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true });
  return { messages, restore: () => diag.disable() };
}

/** The ESM module files of the instrumentation (the ones the loader hook patches). */
function esmFile(instrumentation: McpInstrumentation, side: 'client' | 'server') {
  const files = instrumentation.getModuleDefinitions().flatMap((d) => d.files);
  const file = files.find((f) => f.name.endsWith(`/dist/esm/${side}/index.js`));
  if (file === undefined) throw new Error(`no ${side} file definition`);
  return file as InstrumentationModuleFile;
}

describe('McpInstrumentation', () => {
  let otel: TestOtel;
  let instrumentation: McpInstrumentation;
  let newest: Sdk;
  let oldest: Sdk;

  beforeAll(async () => {
    otel = setupTestOtel();
    instrumentation = new McpInstrumentation();
    newest = await loadNewestSdk();
    oldest = await loadOldestSdk();
  });
  afterAll(async () => {
    instrumentation.disable();
    await otel.shutdown();
  });
  beforeEach(() => otel.reset());

  const patchAll = (sdk: Sdk, version: string | undefined) => {
    esmFile(instrumentation, 'client').patch(sdk.client, version);
    esmFile(instrumentation, 'server').patch(sdk.server, version);
  };
  const unpatchAll = (sdk: Sdk) => {
    esmFile(instrumentation, 'client').unpatch(sdk.client);
    esmFile(instrumentation, 'server').unpatch(sdk.server);
  };
  const names = () =>
    otel
      .spans()
      .map((s) => `${s.kind === SpanKind.CLIENT ? 'client' : 'server'} ${s.name}`)
      .sort();

  it.each([
    ['oldest', () => oldest],
    ['newest', () => newest],
  ])('patches the %s supported SDK on load and unpatches it', async (label, sdk) => {
    expect(sdk().version).toBe(label === 'oldest' ? '1.10.0' : '1.32.2');
    patchAll(sdk(), sdk().version);
    const pair = await startHttpPair(sdk());
    try {
      otel.reset();
      await pair.client.callTool({ name: 'echo', arguments: { text: 'x' } });
      expect(names()).toEqual(['client tools/call echo', 'server tools/call echo']);
      const [server, client] = [
        otel.spans().find((s) => s.kind === SpanKind.SERVER)!,
        otel.spans().find((s) => s.kind === SpanKind.CLIENT)!,
      ];
      expect(server.parentSpanContext?.spanId).toBe(client.spanContext().spanId);

      unpatchAll(sdk());
      otel.reset();
      await pair.client.callTool({ name: 'echo', arguments: { text: 'y' } });
      expect(names()).toEqual([]);
    } finally {
      unpatchAll(sdk());
      await pair.close();
    }
  });

  it('makes exactly one span per side when zero-code and explicit instrumentation both apply', async () => {
    patchAll(newest, newest.version);
    const pair = await startHttpPair(newest, {
      prepareServer: (server) => instrumentMcpServer(instrumentMcpServer(server)),
      prepareClient: (client) => instrumentMcpClient(instrumentMcpClient(client)),
    });
    try {
      otel.reset();
      await pair.client.callTool({ name: 'echo', arguments: { text: 'x' } });
      expect(names()).toEqual(['client tools/call echo', 'server tools/call echo']);
    } finally {
      unpatchAll(newest);
      await pair.close();
    }
  });

  it('makes exactly one span per side when explicit instrumentation came first', async () => {
    const pair = await startHttpPair(newest, {
      prepareServer: (server) => instrumentMcpServer(server),
      prepareClient: (client) => instrumentMcpClient(client),
    });
    patchAll(newest, newest.version);
    try {
      otel.reset();
      await pair.client.callTool({ name: 'echo', arguments: { text: 'x' } });
      expect(names()).toEqual(['client tools/call echo', 'server tools/call echo']);
    } finally {
      unpatchAll(newest);
      await pair.close();
    }
  });

  it.each(['0.9.1', '2.0.0-beta.5', undefined])(
    'leaves SDK version %s untouched and logs it once',
    async (version) => {
      const warnings = captureWarnings();
      try {
        const before = newest.client.Client.prototype.request;
        patchAll(newest, version);
        patchAll(newest, version);
        expect(newest.client.Client.prototype.request).toBe(before);
        expect(Object.hasOwn(newest.client.Client.prototype, 'request')).toBe(false);
        expect(Object.hasOwn(newest.server.Server.prototype, '_onrequest')).toBe(false);
        const about = warnings.messages.filter((m) => m.includes(version ?? 'unknown version'));
        expect(about).toHaveLength(1);
        expect(about[0]).toContain('>=1.10.0 <2.0.0');
      } finally {
        warnings.restore();
      }
    },
  );

  it('stops tracing already-wrapped handlers when disabled', async () => {
    expect(Object.hasOwn(newest.client.Client.prototype, 'request')).toBe(false);
    const local = new McpInstrumentation();
    const patch = (side: 'client' | 'server', exports: unknown) =>
      esmFile(local, side).patch(exports, newest.version);
    patch('client', newest.client);
    patch('server', newest.server);
    const pair = await startHttpPair(newest);
    try {
      await pair.client.listTools();
      otel.reset();
      local.disable();
      await pair.client.listTools();
      expect(names()).toEqual([]);
    } finally {
      esmFile(local, 'client').unpatch(newest.client);
      esmFile(local, 'server').unpatch(newest.server);
      await pair.close();
    }
  });
});

describe('explicit entry points: bad input and failures', () => {
  let otel: TestOtel;
  beforeEach(() => {
    otel = setupTestOtel();
  });
  afterEach(async () => otel.shutdown());

  it('rejects a missing client or server with an error naming the argument', () => {
    expect(() => instrumentMcpClient(null as unknown as object)).toThrow(ToolscopeConfigError);
    expect(() => instrumentMcpClient(null as unknown as object)).toThrow(/^client: /);
    expect(() => instrumentMcpServer(undefined as unknown as object)).toThrow(/^server: /);
    expect(() => instrumentMcpClient({ request() {} }, { tracerProvider: {} as never })).toThrow(
      /^options\.tracerProvider: /,
    );
  });

  it('leaves an object that is not an SDK client or server untouched and warns once', () => {
    const warnings = captureWarnings();
    try {
      const notAClient = { send() {} };
      const notAServer = { handle() {} };
      expect(instrumentMcpClient(notAClient)).toBe(notAClient);
      expect(instrumentMcpClient({ other: 1 })).toEqual({ other: 1 });
      expect(instrumentMcpServer(notAServer)).toBe(notAServer);
      expect(Object.keys(notAClient)).toEqual(['send']);
      expect(warnings.messages.filter((m) => m.includes('instrumentMcpClient'))).toHaveLength(1);
      expect(warnings.messages.filter((m) => m.includes('instrumentMcpServer'))).toHaveLength(1);
    } finally {
      warnings.restore();
    }
  });

  it('never breaks a call when recording fails (a tracer provider that throws)', async () => {
    const broken = {
      getTracer(): never {
        throw new Error('broken provider');
      },
    };
    const sdk = await loadNewestSdk();
    const pair = await startHttpPair(sdk, {
      prepareServer: (server) => instrumentMcpServer(server, { tracerProvider: broken }),
      prepareClient: (client) => instrumentMcpClient(client, { tracerProvider: broken }),
    });
    try {
      const listed = await pair.client.listTools();
      expect(listed.tools.map((t) => t.name)).toContain('echo');
      const result = await pair.client.callTool({ name: 'echo', arguments: { text: 'ok' } });
      expect(result.content).toEqual([{ type: 'text', text: 'ok' }]);
      await expect(pair.client.callTool({ name: 'missing' })).rejects.toMatchObject({
        code: -32602,
      });
    } finally {
      await pair.close();
    }
  });
});

describe('McpInstrumentation and the split 2.x packages', () => {
  let otel: TestOtel;
  beforeAll(() => {
    otel = setupTestOtel();
  });
  afterAll(async () => otel.shutdown());
  beforeEach(() => otel.reset());

  /** The module definition of `@modelcontextprotocol/client` or `/server` (their main entries). */
  function sdk2Definition(instrumentation: McpInstrumentation, name: string) {
    const found = instrumentation.getModuleDefinitions().find((d) => d.name === name);
    if (found?.patch === undefined || found.unpatch === undefined) {
      throw new Error(`no module definition for ${name}`);
    }
    return found as typeof found & {
      patch: NonNullable<typeof found.patch>;
      unpatch: NonNullable<typeof found.unpatch>;
    };
  }

  it('patches the client and server packages on load, and unpatches them', async () => {
    const clientPkg = await import('@modelcontextprotocol/client');
    const serverPkg = await import('@modelcontextprotocol/server');
    const local = new McpInstrumentation();
    const client = sdk2Definition(local, '@modelcontextprotocol/client');
    const server = sdk2Definition(local, '@modelcontextprotocol/server');
    client.patch(clientPkg, '2.4.0');
    server.patch(serverPkg, '2.4.0');
    try {
      expect(Object.hasOwn(clientPkg.Client.prototype, 'request')).toBe(true);
      expect(Object.hasOwn(serverPkg.Server.prototype, '_requestWithSchemaViaCodec')).toBe(true);
      const mcp = new serverPkg.McpServer({ name: 's', version: '1' });
      mcp.registerTool('echo', {}, async () => ({ content: [] }));
      const [a, b] = clientPkg.InMemoryTransport.createLinkedPair();
      await mcp.connect(b);
      const c = new clientPkg.Client({ name: 'c', version: '1' });
      await c.connect(a);
      otel.reset();
      await c.callTool({ name: 'echo', arguments: {} });
      expect(
        otel
          .spans()
          .map((s) => `${s.kind} ${s.name}`)
          .sort(),
      ).toEqual(
        [`${SpanKind.SERVER} tools/call echo`, `${SpanKind.CLIENT} tools/call echo`].sort(),
      );
      client.unpatch(clientPkg);
      server.unpatch(serverPkg);
      otel.reset();
      await c.callTool({ name: 'echo', arguments: {} });
      expect(otel.spans()).toEqual([]);
      await c.close();
    } finally {
      client.unpatch(clientPkg);
      server.unpatch(serverPkg);
      local.disable();
    }
    expect(Object.hasOwn(clientPkg.Client.prototype, 'request')).toBe(false);
    expect(Object.hasOwn(serverPkg.Server.prototype, '_onrequest')).toBe(false);
  });

  it.each(['3.0.0', '1.32.2', undefined])(
    'leaves @modelcontextprotocol/client %s untouched and logs it once',
    async (version) => {
      const clientPkg = await import('@modelcontextprotocol/client');
      const warnings = captureWarnings();
      const local = new McpInstrumentation();
      try {
        const client = sdk2Definition(local, '@modelcontextprotocol/client');
        client.patch(clientPkg, version);
        client.patch(clientPkg, version);
        expect(Object.hasOwn(clientPkg.Client.prototype, 'request')).toBe(false);
        const about = warnings.messages.filter(
          (m) => m.includes('@modelcontextprotocol/client') && m.includes(version ?? 'unknown'),
        );
        expect(about).toHaveLength(1);
        expect(about[0]).toContain('>=2.0.0 <3.0.0');
      } finally {
        warnings.restore();
        local.disable();
      }
    },
  );
});
