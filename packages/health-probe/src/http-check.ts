import { TOOLSCOPE_VERSION } from '@toolscope/instrumentation/internal';
import { type Dispatcher, request } from 'undici';
import { ErrorClass, ProbeFailure } from './classify.ts';
import type { VerdictClock } from './deadline.ts';
import type { NormalizedHttpCheck } from './internal-types.ts';

/** What a passing HTTP run reports. */
export interface HttpOutcome {
  readonly statusCode: number;
}

const USER_AGENT = `toolscope-health-probe/${TOOLSCOPE_VERSION}`;
/** Bytes of an unexpected-status body drained so the connection can be reused. */
const DRAIN_LIMIT = 64 * 1024;

/**
 * One HTTP probe with undici. The `signal` is the run's single deadline: it covers connect,
 * TLS, headers and the body. The body is always consumed (read within `maxBodyBytes`, dumped,
 * or destroyed), never left open. Throws `ProbeFailure` (or the transport error) on failure.
 */
export async function probeHttp(
  check: NormalizedHttpCheck,
  dispatcher: Dispatcher,
  signal: AbortSignal,
  clock: VerdictClock,
): Promise<HttpOutcome> {
  const res = await request(check.url, {
    dispatcher,
    method: check.method,
    headers: { 'user-agent': USER_AGENT, ...check.headers },
    ...(check.requestBody !== undefined ? { body: check.requestBody } : {}),
    signal,
  });
  const { statusCode, body } = res;
  try {
    if (!check.expectedStatus.some((r) => statusCode >= r.min && statusCode <= r.max)) {
      clock.mark();
      await body.dump({ limit: DRAIN_LIMIT }).catch(() => undefined);
      throw new ProbeFailure(
        ErrorClass.unexpectedStatus,
        `unexpected status ${statusCode} (expected ${check.expectedStatusList.join(', ')})`,
        statusCode,
      );
    }
    const declared = Number(res.headers['content-length']);
    if (Number.isFinite(declared) && declared > check.maxBodyBytes) {
      clock.mark();
      body.destroy();
      throw new ProbeFailure(
        ErrorClass.bodyTooLarge,
        `body of ${declared} bytes exceeds maxBodyBytes (${check.maxBodyBytes})`,
        statusCode,
      );
    }
    const keep = check.body !== undefined;
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of body as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > check.maxBodyBytes) {
        clock.mark();
        body.destroy();
        throw new ProbeFailure(
          ErrorClass.bodyTooLarge,
          `body exceeds maxBodyBytes (${check.maxBodyBytes})`,
          statusCode,
        );
      }
      if (keep) chunks.push(chunk);
    }
    clock.mark();
    if (check.body !== undefined)
      assertBody(check, Buffer.concat(chunks).toString('utf8'), statusCode);
    return { statusCode };
  } finally {
    // Idempotent: a fully read or dumped body is already closed.
    if (!body.destroyed && body.readableEnded !== true) body.destroy();
  }
}

function assertBody(check: NormalizedHttpCheck, text: string, statusCode: number): void {
  const b = check.body!;
  const fail = (message: string) => new ProbeFailure(ErrorClass.bodyAssertion, message, statusCode);
  if (b.contains !== undefined && !text.includes(b.contains)) {
    throw fail(`body does not contain ${JSON.stringify(b.contains)}`);
  }
  if (b.regex !== undefined && !b.regex.test(text)) {
    throw fail(`body does not match /${b.matches}/`);
  }
  if (b.json !== undefined) {
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch {
      throw fail('body is not JSON');
    }
    const { found, value } = jsonPath(doc, b.json.path);
    if (!found) throw fail(`body has no JSON value at ${b.json.path}`);
    if ('equals' in b.json && value !== b.json.equals) {
      throw fail(
        `body JSON ${b.json.path} is ${JSON.stringify(value)?.slice(0, 40)}, expected ${JSON.stringify(b.json.equals)}`,
      );
    }
  }
}

/** `a.b.0.c` lookup. @example jsonPath({ data: [{ ok: true }] }, 'data.0.ok') gives { found: true, value: true } */
export function jsonPath(doc: unknown, path: string): { found: boolean; value: unknown } {
  let current: unknown = doc;
  for (const part of path.split('.')) {
    if (current === null || typeof current !== 'object' || !Object.hasOwn(current, part)) {
      return { found: false, value: undefined };
    }
    current = (current as Record<string, unknown>)[part];
  }
  return { found: true, value: current };
}
