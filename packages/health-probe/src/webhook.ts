import type { AlertEvent } from '@toolscope/instrumentation';
import {
  credentialsAsHeader,
  describeValue,
  type FieldSpec,
  LIMITS,
  readFields,
  TOOLSCOPE_VERSION,
} from '@toolscope/instrumentation/internal';
import { Agent, type Dispatcher, request } from 'undici';
import { classifyError } from './classify.ts';
import { logger } from './diag.ts';
import { headerMap, probeValidators, type ReadContext, readOptions } from './read-context.ts';
import type { AlertWebhook, AlertWebhookOptions } from './types.ts';
import { Validated } from './validated.ts';

type WebhookEvent = 'fired' | 'resolved' | 'recovered';
const ALL_EVENTS: readonly WebhookEvent[] = ['fired', 'resolved', 'recovered'];
const WEBHOOK_FIELDS: FieldSpec = {
  url: [],
  timeout: ['timeoutMs'],
  retries: [],
  backoff: ['backoffMs'],
  headers: [],
  maxQueue: [],
  events: [],
  dispatcher: [],
};

/** Webhook options with every default filled in. */
interface NormalizedWebhook {
  readonly url: URL;
  readonly timeoutMs: number;
  readonly retries: number;
  readonly backoffMs: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly maxQueue: number;
  readonly events: ReadonlySet<WebhookEvent>;
  readonly dispatcher: Dispatcher | undefined;
}

/** Options validated by `readWebhook`: `createAlertWebhook` takes them as they are. */
const validatedWebhooks = new Validated<AlertWebhookOptions, NormalizedWebhook>();

/**
 * Validates webhook options (`path` is where they sit in a config file, `''` in code) and
 * fills in the defaults. Throws `ProbeConfigError` naming the field as written.
 */
function normalizeWebhook(input: unknown, path: string, context: ReadContext): NormalizedWebhook {
  const v = probeValidators();
  const f = readFields(
    v,
    path,
    v.object(path === '' ? 'options' : path, input, 'an object with url'),
    WEBHOOK_FIELDS,
    readOptions(context),
  );
  if (f.get('url') === undefined) throw v.error(f.field('url'), 'is missing: give the webhook URL');
  const events = v.stringList(f.field('events'), f.get('events') ?? ALL_EVENTS);
  for (const e of events) {
    if (!(ALL_EVENTS as readonly string[]).includes(e)) {
      throw v.error(
        f.field('events'),
        `unknown event ${describeValue(e)}; use ${ALL_EVENTS.join(', ')}`,
      );
    }
  }
  const dispatcher = f.get('dispatcher');
  if (
    dispatcher !== undefined &&
    typeof (dispatcher as { dispatch?: unknown } | null)?.dispatch !== 'function'
  ) {
    throw v.error(f.field('dispatcher'), 'must be an undici Dispatcher');
  }
  // Credentials in the URL become Basic auth (an Authorization header given wins).
  const { url, headers } = credentialsAsHeader(
    v.url(f.field('url'), f.get('url')),
    headerMap(v, f, 'headers', context),
  );
  return {
    url,
    timeoutMs: v.optionalDuration(f.field('timeout'), f.get('timeout')) ?? 5_000,
    retries: v.optionalNumber(f.field('retries'), f.get('retries'), { min: 0, integer: true }) ?? 2,
    backoffMs: v.optionalDuration(f.field('backoff'), f.get('backoff')) ?? 250,
    headers,
    // A queue of 0 would drop every event: it holds one.
    maxQueue:
      (v.optionalNumber(f.field('maxQueue'), f.get('maxQueue'), { min: 0, integer: true }) ??
        1_000) ||
      1,
    events: new Set(events as WebhookEvent[]),
    dispatcher: dispatcher as Dispatcher | undefined,
  };
}

/**
 * Validates the webhook of a config file once (at `path`, such as `alerts.webhook`); returns
 * it normalised, in the code's names.
 */
export function readWebhook(
  input: unknown,
  path: string,
  context: ReadContext,
): AlertWebhookOptions {
  const w = normalizeWebhook(input, path, context);
  return validatedWebhooks.keep(
    {
      url: w.url.href,
      timeoutMs: w.timeoutMs,
      retries: w.retries,
      backoffMs: w.backoffMs,
      headers: { ...w.headers },
      maxQueue: w.maxQueue,
      events: [...w.events],
    },
    w,
  );
}

/**
 * An alert listener that POSTs each alert event as JSON to a webhook. The listener returns at
 * once: events are queued (bounded; the oldest is dropped when full) and sent one at a time in
 * order, each attempt under its own deadline, with bounded retries and exponential backoff on
 * network errors, 408, 429 and 5xx. Header values are never logged.
 *
 * `close()` is bounded whatever the queue holds: the queue gets until the deadline
 * (`LIMITS.webhookCloseDeadlineMs` by default), then the attempt in flight is aborted and every
 * event not delivered is counted in `stats().undelivered`.
 *
 * Body: `{ "version": 1, "type": "fired" | "resolved" | "recovered", "alert": { id, key, kind,
 * severity, subject, message, status, firedAt, resolvedAt?, state?, previousState? } }`.
 *
 * @example
 * const webhook = createAlertWebhook({ url: 'http://127.0.0.1:9000/alerts', retries: 3 });
 * getAlertCenter().subscribe(webhook);
 */
export function createAlertWebhook(options: AlertWebhookOptions): AlertWebhook {
  const { url, timeoutMs, retries, backoffMs, maxQueue, events, ...given } =
    validatedWebhooks.get(options) ?? normalizeWebhook(options, '', {});
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': `toolscope-health-probe/${TOOLSCOPE_VERSION}`,
    ...given.headers,
  };
  const ownsDispatcher = given.dispatcher === undefined;
  const dispatcher: Dispatcher = given.dispatcher ?? new Agent({ keepAliveTimeout: 4_000 });

  const queue: string[] = [];
  let draining: Promise<void> | undefined;
  let delivered = 0;
  let failed = 0;
  let dropped = 0;
  let undelivered = 0;
  let closed: Promise<void> | undefined;
  /** Aborted at the close deadline: the attempt in flight and any backoff end at once. */
  const abandon = new AbortController();

  /** Delivers one body: true, false (given up), or 'abandoned' (closed meanwhile). */
  const send = async (body: string): Promise<boolean | 'abandoned'> => {
    for (let attempt = 0; attempt <= retries; attempt++) {
      if (attempt > 0) {
        const delay = backoffMs * 2 ** (attempt - 1) * (0.5 + Math.random() / 2);
        await sleep(delay, abandon.signal);
      }
      if (abandon.signal.aborted) return 'abandoned';
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(new Error('webhook timeout')), timeoutMs);
      timer.unref();
      try {
        const res = await request(url, {
          method: 'POST',
          headers,
          body,
          dispatcher,
          signal: AbortSignal.any([controller.signal, abandon.signal]),
        });
        await res.body.dump({ limit: 64 * 1024 }).catch(() => undefined);
        if (res.statusCode >= 200 && res.statusCode < 300) return true;
        const retryable = res.statusCode === 408 || res.statusCode === 429 || res.statusCode >= 500;
        logger.warn(`alert webhook answered ${res.statusCode}${retryable ? '' : '; not retried'}`);
        if (!retryable) return false;
      } catch (err) {
        if (abandon.signal.aborted) return 'abandoned';
        const reason = controller.signal.aborted ? 'timeout' : classifyError(err).errorType;
        logger.warn(
          `alert webhook delivery failed (${reason}), attempt ${attempt + 1} of ${retries + 1}`,
        );
      } finally {
        clearTimeout(timer);
      }
    }
    return false;
  };

  const drain = async (): Promise<void> => {
    while (queue.length > 0 && !abandon.signal.aborted) {
      const body = queue.shift()!;
      try {
        const outcome = await send(body);
        if (outcome === 'abandoned') undelivered++;
        else if (outcome) delivered++;
        else failed++;
      } catch (err) {
        failed++;
        logger.warn('alert webhook delivery threw; ignored', err);
      }
    }
  };

  const listener = ((event: AlertEvent): void => {
    try {
      if (!events.has(event.type)) return;
      if (closed !== undefined) {
        dropped++;
        return;
      }
      const a = event.alert;
      const body = JSON.stringify({
        version: 1,
        type: event.type,
        alert: {
          id: a.id,
          key: a.key,
          kind: a.kind,
          severity: a.severity,
          subject: a.subject,
          message: a.message,
          status: a.status,
          firedAt: new Date(a.firedAtMs).toISOString(),
          ...(a.resolvedAtMs !== undefined
            ? { resolvedAt: new Date(a.resolvedAtMs).toISOString() }
            : {}),
          ...(a.state !== undefined ? { state: a.state } : {}),
          ...(a.previousState !== undefined ? { previousState: a.previousState } : {}),
        },
      });
      if (queue.length >= maxQueue) {
        queue.shift();
        dropped++;
        logger.warn(`alert webhook queue full (${maxQueue}); dropped the oldest event`);
      }
      queue.push(body);
      if (draining === undefined) {
        draining = drain().finally(() => {
          draining = undefined;
        });
      }
    } catch (err) {
      logger.warn('alert webhook listener failed; ignored', err);
    }
  }) as AlertWebhook;

  listener.flush = async () => {
    while (draining !== undefined) await draining;
  };
  listener.stats = () => ({
    delivered,
    failed,
    dropped,
    undelivered,
    pending: queue.length + (draining ? 1 : 0),
  });
  listener.close = (options = {}) => {
    closed ??= (async () => {
      const deadlineMs = options.deadlineMs ?? LIMITS.webhookCloseDeadlineMs;
      // A ref'd timer on purpose: whoever closes waits for this, bounded.
      if (draining !== undefined) await sleep(deadlineMs, undefined, draining);
      abandon.abort();
      await draining;
      undelivered += queue.length;
      queue.length = 0;
      if (undelivered > 0) {
        logger.warn(`alert webhook closed with ${undelivered} events not delivered`);
      }
      if (ownsDispatcher) await dispatcher.destroy().catch(() => undefined);
    })();
    return closed;
  };
  return listener;
}

/**
 * Waits `ms`, or less when `signal` aborts or `until` settles first. Never rejects; the timer
 * is cleared either way.
 */
function sleep(ms: number, signal?: AbortSignal, until?: Promise<unknown>): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, Math.max(0, ms));
    if (signal?.aborted) return done();
    signal?.addEventListener('abort', done, { once: true });
    until?.then(done, done);
  });
}
