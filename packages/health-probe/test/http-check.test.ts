import { AlertCenter } from '@toolscope/instrumentation';
import { errors as undiciErrors } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifyError } from '../src/classify.ts';
import { type CheckDefinition, HealthMonitor } from '../src/index.ts';
import { freePort, startHttpServer, type TestServer } from './support/servers.ts';

const TIMEOUT = 400;
const servers: TestServer[] = [];
let base = '';
let refusedPort = 0;
const centers: AlertCenter[] = [];

beforeAll(async () => {
  const s = await startHttpServer(async (req, res) => {
    switch (req.url) {
      case '/ok':
        return void res.end('{"status":"UP"}');
      case '/hang':
        return; // never answers
      case '/hang-body':
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.write('partial'); // headers and a first chunk, then nothing
        return;
      case '/slow':
        setTimeout(() => res.end('{"status":"UP"}'), 150);
        return;
      case '/500':
        res.statusCode = 500;
        return void res.end('boom');
      case '/500-big':
        // An error page larger than the drain limit (64 KiB), then a stall.
        res.writeHead(500);
        res.write(Buffer.alloc(256 * 1024, 98));
        return;
      case '/500-stall':
        res.writeHead(500);
        res.write('partial error page');
        return;
      case '/503-declared-big':
        // Declares more than the drain limit, sends a little, then stalls.
        res.writeHead(503, { 'content-length': '1000000' });
        res.write(Buffer.alloc(2048, 99));
        return;
      case '/500-cut':
        // Declares 100 bytes, sends 2, then the connection goes.
        res.writeHead(500, { 'content-length': '100' });
        res.write('ab');
        setTimeout(() => req.socket.destroy(), 20);
        return;
      case '/reset':
        return void req.socket.resetAndDestroy();
      case '/close':
        return void req.socket.destroy();
      case '/big':
        res.writeHead(200, { 'content-length': String(2 * 1024 * 1024) });
        return void res.end(Buffer.alloc(2 * 1024 * 1024, 97));
      case '/big-chunked': {
        res.writeHead(200);
        const chunk = Buffer.alloc(64 * 1024, 97);
        for (let i = 0; i < 32; i++) res.write(chunk);
        return void res.end();
      }
      case '/html':
        res.writeHead(200, { 'content-type': 'text/html' });
        return void res.end('<html>maintenance page</html>');
      case '/down':
        return void res.end('{"status":"DOWN"}');
      default:
        res.statusCode = 404;
        res.end();
    }
  });
  servers.push(s);
  base = s.url;
  refusedPort = await freePort();
});
afterAll(async () => {
  for (const s of servers) await s.close();
  for (const c of centers) c.dispose();
});

async function runOnce(def: Partial<CheckDefinition> & { endpoint: string }) {
  const alertCenter = new AlertCenter();
  centers.push(alertCenter);
  const monitor = new HealthMonitor({
    alertCenter,
    publishToolHealth: false,
    checks: [
      { id: 'c', type: 'http', intervalMs: 10_000, timeoutMs: TIMEOUT, ...def } as CheckDefinition,
    ],
  });
  try {
    const result = await monitor.runCheck('c');
    return { result, status: monitor.status('c')! };
  } finally {
    await monitor.close();
  }
}

describe('HTTP checks are classified within their deadline', () => {
  it('passes a healthy endpoint', async () => {
    const { result, status } = await runOnce({
      endpoint: `${base}/ok`,
      body: { json: { path: 'status', equals: 'UP' } },
    });
    expect(result).toMatchObject({ ok: true, statusCode: 200 });
    expect(result.errorType).toBeUndefined();
    expect(status.status).toBe('healthy');
  });

  it('times out a server that never answers', async () => {
    const { result } = await runOnce({ endpoint: `${base}/hang` });
    expect(result).toMatchObject({ ok: false, errorType: 'timeout' });
    expect(result.latencyMs).toBeGreaterThanOrEqual(TIMEOUT - 5);
    expect(result.latencyMs).toBeLessThan(TIMEOUT + 2_000); // the deadline, not undici's 300 s
  });

  it('times out a body that stalls (the deadline covers the body)', async () => {
    const { result } = await runOnce({ endpoint: `${base}/hang-body` });
    expect(result).toMatchObject({ ok: false, errorType: 'timeout' });
    expect(result.latencyMs).toBeLessThan(TIMEOUT + 2_000);
  });

  it('marks a slow but passing answer DEGRADED', async () => {
    const { result, status } = await runOnce({
      endpoint: `${base}/slow`,
      timeoutMs: 3_000,
      degradedThresholdMs: 50,
    });
    expect(result.ok).toBe(true);
    expect(result.latencyMs).toBeGreaterThan(50);
    expect(status.status).toBe('degraded');
  });

  it('classifies a 500 as unexpected_status', async () => {
    const { result } = await runOnce({ endpoint: `${base}/500` });
    expect(result).toMatchObject({ ok: false, errorType: 'unexpected_status', statusCode: 500 });
    expect(result.error).toContain('500');
  });

  it('fails an unexpected status with a large or stalling body as unexpected_status, in time', async () => {
    const big = await runOnce({ endpoint: `${base}/500-big` });
    expect(big.result).toMatchObject({
      ok: false,
      errorType: 'unexpected_status',
      statusCode: 500,
    });
    expect(big.result.latencyMs).toBeLessThan(TIMEOUT);
    // A declared body past the drain limit is not waited for; a body cut short is still the
    // status's failure.
    const declaredBig = await runOnce({ endpoint: `${base}/503-declared-big` });
    expect(declaredBig.result).toMatchObject({
      ok: false,
      errorType: 'unexpected_status',
      statusCode: 503,
    });
    expect(declaredBig.result.latencyMs).toBeLessThan(TIMEOUT);
    const cut = await runOnce({ endpoint: `${base}/500-cut` });
    expect(cut.result).toMatchObject({
      ok: false,
      errorType: 'unexpected_status',
      statusCode: 500,
    });
    // The drain is under the deadline too: a stalled error body ends the run at the deadline.
    const stalled = await runOnce({ endpoint: `${base}/500-stall` });
    expect(stalled.result).toMatchObject({ ok: false, errorType: 'timeout' });
    expect(stalled.result.latencyMs).toBeLessThan(TIMEOUT + 2_000);
  });

  it('accepts a 500 when it is expected', async () => {
    const { result } = await runOnce({ endpoint: `${base}/500`, expectedStatus: ['5xx'] });
    expect(result.ok).toBe(true);
  });

  it('classifies a reset and a closed connection as connection_reset', async () => {
    const reset = await runOnce({ endpoint: `${base}/reset` });
    expect(reset.result).toMatchObject({ ok: false, errorType: 'connection_reset' });
    const closed = await runOnce({ endpoint: `${base}/close` });
    expect(closed.result).toMatchObject({ ok: false, errorType: 'connection_reset' });
  });

  it('classifies a refused connection', async () => {
    const { result } = await runOnce({ endpoint: `http://127.0.0.1:${refusedPort}/` });
    expect(result).toMatchObject({ ok: false, errorType: 'connection_refused' });
  });

  it('a request the HTTP client refuses to send is invalid_request, not a server fault', async () => {
    // A Connection header of a valid field value but not a list of tokens: config validation
    // lets it through, undici refuses it (InvalidArgumentError) before anything is sent.
    const { result } = await runOnce({ endpoint: `${base}/ok`, headers: { connection: 'a b' } });
    expect(result).toMatchObject({ ok: false, errorType: 'invalid_request' });
    expect(result.error).toMatch(/the HTTP client refused to send the check's request/);
    expect(classifyError(new undiciErrors.InvalidArgumentError('invalid header key'))).toEqual({
      errorType: 'invalid_request',
      message: expect.stringContaining('fix the check'),
    });
    // fetch (MCP over HTTP) wraps it: the cause is classified.
    const wrapped = new TypeError('fetch failed', {
      cause: new undiciErrors.NotSupportedError('expect header not supported'),
    });
    expect(classifyError(wrapped).errorType).toBe('invalid_request');
  });

  it('caps the body: declared and streamed oversized bodies fail with body_too_large', async () => {
    const declared = await runOnce({ endpoint: `${base}/big`, maxBodyBytes: 1024 });
    expect(declared.result).toMatchObject({ ok: false, errorType: 'body_too_large' });
    const streamed = await runOnce({ endpoint: `${base}/big-chunked`, maxBodyBytes: 100 * 1024 });
    expect(streamed.result).toMatchObject({ ok: false, errorType: 'body_too_large' });
  });

  it('fails wrong content with body_assertion', async () => {
    const html = await runOnce({
      endpoint: `${base}/html`,
      body: { json: { path: 'status', equals: 'UP' } },
    });
    expect(html.result).toMatchObject({ ok: false, errorType: 'body_assertion', statusCode: 200 });
    const down = await runOnce({
      endpoint: `${base}/down`,
      body: { json: { path: 'status', equals: 'UP' } },
    });
    expect(down.result).toMatchObject({ ok: false, errorType: 'body_assertion' });
    const text = await runOnce({ endpoint: `${base}/html`, body: { contains: '"status"' } });
    expect(text.result.errorType).toBe('body_assertion');
    const regex = await runOnce({ endpoint: `${base}/ok`, body: { matches: '"status":\\s*"UP"' } });
    expect(regex.result.ok).toBe(true);
  });
});
