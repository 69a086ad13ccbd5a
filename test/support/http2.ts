/**
 * A real HTTP server on 127.0.0.1 in front of an SDK 2.x Web-standard handler (the 2.x
 * server package has no Node adapter of its own: requests are turned into Web `Request`s
 * here, as `@modelcontextprotocol/node` does): either a legacy, sessionful
 * `WebStandardStreamableHTTPServerTransport`, or `createMcpHandler` (the stateless
 * 2026-07-28 revision, with the stateless legacy fallback). The handler runs in the HTTP
 * server's own request context, so nothing of the client's context leaks in.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type WebHandler = (request: Request) => Promise<Response>;

export interface HttpServer2 {
  readonly url: string;
  close(): Promise<void>;
}

async function toRequest(req: IncomingMessage, base: string): Promise<Request> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const headers = new Headers();
  for (const [key, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) headers.append(key, v);
  }
  const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
  return new Request(new URL(req.url ?? '/', base), {
    method: req.method,
    headers,
    body: hasBody ? Buffer.concat(chunks) : undefined,
  });
}

async function send(response: Response, res: ServerResponse): Promise<void> {
  res.writeHead(response.status, Object.fromEntries(response.headers));
  if (response.body === null) {
    res.end();
    return;
  }
  const reader = response.body.getReader();
  res.on('close', () => void reader.cancel().catch(() => {}));
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    res.write(value);
  }
  res.end();
}

export async function serveHttp2(handler: WebHandler): Promise<HttpServer2> {
  let base = '';
  const http = createServer((req, res) => {
    toRequest(req, base)
      .then(handler)
      .then((response) => send(response, res))
      .catch((err: unknown) => {
        if (!res.headersSent) res.writeHead(500);
        res.end(String(err));
      });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  return {
    url: `${base}/mcp`,
    close: async () => {
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
