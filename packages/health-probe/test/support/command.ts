/** Runs `toolscope probe` in process, and a stand-in OTLP/HTTP (JSON) collector for it. */
import { runProbeCommand } from '../../src/index.ts';
import { startHttpServer, type TestServer } from './servers.ts';

/** `runProbeCommand(argv)` with its output collected. */
export async function runCommand(
  argv: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runProbeCommand(argv, {
    stdout: (s) => (stdout += s),
    stderr: (s) => (stderr += s),
  });
  return { code, stdout, stderr };
}

/** An OTLP/HTTP endpoint that answers 200 and keeps every request body with its path. */
export async function startOtlpJsonSink(): Promise<
  TestServer & { readonly received: { path: string; body: string }[] }
> {
  const received: { path: string; body: string }[] = [];
  const server = await startHttpServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    received.push({ path: req.url ?? '', body: Buffer.concat(chunks).toString('utf8') });
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
  return Object.assign(server, { received });
}

/**
 * `toolscope probe` in continuous mode, exporting through `@toolscope/node` to `endpoint`
 * (OTLP/HTTP JSON): its output so far, the abort that stops it, and its exit code.
 */
export async function startContinuous(
  argv: string[],
  endpoint: string,
  options: { metricExportIntervalMs?: number } = {},
): Promise<{
  stdout: () => string;
  stderr: () => string;
  stop: AbortController;
  exit: Promise<number>;
}> {
  const { startToolscope } = await import('@toolscope/node');
  const stop = new AbortController();
  let stdout = '';
  let stderr = '';
  const exit = runProbeCommand(
    argv,
    { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s) },
    {
      signal: stop.signal,
      startToolscope: (o) =>
        startToolscope({
          ...o,
          endpoint,
          protocol: 'http/json',
          inProcess: false,
          ...options,
        }),
    },
  );
  return { stdout: () => stdout, stderr: () => stderr, stop, exit };
}
