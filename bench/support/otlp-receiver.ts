/**
 * A tiny OTLP/HTTP receiver for the export benchmark, run as its own process so that its work
 * does not land on the measured event loop. It accepts `POST /v1/traces` (protobuf or JSON,
 * optionally gzip) and `POST /v1/metrics`, counts spans by walking the protobuf wire format
 * (ExportTraceServiceRequest → ResourceSpans(2) → ScopeSpans(2) → Span), and answers
 * `GET /count` with `{ spans, requests }`. Prints `PORT <n>` when listening.
 */
import { createServer } from 'node:http';
import { gunzipSync } from 'node:zlib';

type Field = [field: number, start: number, end: number];

function readVarint(buf: Buffer, pos: number): [number, number] {
  let value = 0;
  let factor = 1;
  let p = pos;
  for (;;) {
    const byte = buf[p++]!;
    value += (byte & 0x7f) * factor;
    if (byte < 0x80) return [value, p];
    factor *= 128;
  }
}

/** The length-delimited fields of a message between `start` and `end`. */
function lengthDelimited(buf: Buffer, start: number, end: number): Field[] {
  const out: Field[] = [];
  let p = start;
  while (p < end) {
    const [tag, afterTag] = readVarint(buf, p);
    p = afterTag;
    const wire = tag & 7;
    if (wire === 2) {
      const [len, afterLen] = readVarint(buf, p);
      out.push([tag >>> 3, afterLen, afterLen + len]);
      p = afterLen + len;
    } else if (wire === 0) p = readVarint(buf, p)[1];
    else if (wire === 1) p += 8;
    else if (wire === 5) p += 4;
    else throw new Error(`unsupported wire type ${wire}`);
  }
  return out;
}

/** Number of spans in an ExportTraceServiceRequest (protobuf). */
export function countProtobufSpans(buf: Buffer): number {
  let spans = 0;
  for (const [f1, s1, e1] of lengthDelimited(buf, 0, buf.length)) {
    if (f1 !== 1) continue;
    for (const [f2, s2, e2] of lengthDelimited(buf, s1, e1)) {
      if (f2 !== 2) continue;
      for (const [f3] of lengthDelimited(buf, s2, e2)) if (f3 === 2) spans++;
    }
  }
  return spans;
}

function countJsonSpans(body: Buffer): number {
  const doc = JSON.parse(body.toString('utf8')) as {
    resourceSpans?: { scopeSpans?: { spans?: unknown[] }[] }[];
  };
  let spans = 0;
  for (const rs of doc.resourceSpans ?? []) {
    for (const ss of rs.scopeSpans ?? []) spans += ss.spans?.length ?? 0;
  }
  return spans;
}

let spans = 0;
let requests = 0;
const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    if (req.method === 'GET' && req.url === '/count') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ spans, requests }));
      return;
    }
    let body = Buffer.concat(chunks);
    if (req.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
    const json = String(req.headers['content-type']).includes('json');
    if (req.url === '/v1/traces') {
      requests++;
      spans += json ? countJsonSpans(body) : countProtobufSpans(body);
    }
    // An empty success response is valid in both encodings.
    res.writeHead(200, { 'content-type': json ? 'application/json' : 'application/x-protobuf' });
    res.end(json ? '{}' : '');
  });
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  if (address !== null && typeof address === 'object')
    process.stdout.write(`PORT ${address.port}\n`);
});
process.on('disconnect', () => process.exit(0));
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
