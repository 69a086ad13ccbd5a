import type { AlertEvent } from '@toolscope/instrumentation';
import { Agent, type Dispatcher, request } from 'undici';
import { classifyError } from './classify.ts';
import { logger } from './diag.ts';
import { describeValue, ProbeConfigError } from './errors.ts';
import { PROBE_VERSION } from './semconv.ts';
import type { AlertWebhook, AlertWebhookOptions } from './types.ts';

const ALL_EVENTS = ['fired', 'resolved', 'recovered'] as const;

/**
 * An alert listener that POSTs each alert event as JSON to a webhook. The listener returns at
 * once: events are queued (bounded; the oldest is dropped when full) and sent one at a time in
 * order, each attempt under its own deadline, with bounded retries and exponential backoff on
 * network errors, 408, 429 and 5xx. Header values are never logged.
 *
 * Body: `{ "version": 1, "type": "fired" | "resolved" | "recovered", "alert": { id, key, kind,
 * severity, subject, message, status, firedAt, resolvedAt?, state?, previousState? } }`.
 *
 * @example
 * const webhook = createAlertWebhook({ url: 'http://127.0.0.1:9000/alerts', retries: 3 });
 * getAlertCenter().subscribe(webhook);
 */
export function createAlertWebhook(options: AlertWebhookOptions): AlertWebhook {
  const url = validateUrl(options.url);
  const timeoutMs = positive('timeoutMs', options.timeoutMs, 5_000);
  const retries = nonNegativeInteger('retries', options.retries, 2);
  const backoffMs = positive('backoffMs', options.backoffMs, 250);
  const maxQueue = nonNegativeInteger('maxQueue', options.maxQueue, 1_000) || 1;
  const events = new Set(options.events ?? ALL_EVENTS);
  for (const e of events) {
    if (!(ALL_EVENTS as readonly string[]).includes(e)) {
      throw new ProbeConfigError(
        undefined,
        'events',
        `unknown event ${describeValue(e)}; use fired, resolved, recovered`,
      );
    }
  }
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': `toolscope-health-probe/${PROBE_VERSION}`,
    ...options.headers,
  };
  const ownsDispatcher = options.dispatcher === undefined;
  const dispatcher: Dispatcher = options.dispatcher ?? new Agent({ keepAliveTimeout: 4_000 });

  const queue: string[] = [];
  let draining: Promise<void> | undefined;
  let delivered = 0;
  let failed = 0;
  let dropped = 0;

  const send = async (body: string): Promise<boolean> => {
    for (let attempt = 0; attempt <= retries; attempt++) {
      if (attempt > 0) {
        const delay = backoffMs * 2 ** (attempt - 1) * (0.5 + Math.random() / 2);
        await new Promise((resolve) => setTimeout(resolve, delay).unref());
      }
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(new Error('webhook timeout')), timeoutMs);
      timer.unref();
      try {
        const res = await request(url, {
          method: 'POST',
          headers,
          body,
          dispatcher,
          signal: controller.signal,
        });
        await res.body.dump({ limit: 64 * 1024 }).catch(() => undefined);
        if (res.statusCode >= 200 && res.statusCode < 300) return true;
        const retryable = res.statusCode === 408 || res.statusCode === 429 || res.statusCode >= 500;
        logger.warn(`alert webhook answered ${res.statusCode}${retryable ? '' : '; not retried'}`);
        if (!retryable) return false;
      } catch (err) {
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
    while (queue.length > 0) {
      const body = queue.shift()!;
      try {
        if (await send(body)) delivered++;
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
    pending: queue.length + (draining ? 1 : 0),
  });
  listener.close = async () => {
    await listener.flush();
    if (ownsDispatcher) await dispatcher.close().catch(() => undefined);
  };
  return listener;
}

function validateUrl(value: unknown): URL {
  if (typeof value !== 'string' || value === '') {
    throw new ProbeConfigError(undefined, 'url', 'is missing: give the webhook URL');
  }
  try {
    const url = new URL(value);
    if (url.protocol === 'http:' || url.protocol === 'https:') return url;
  } catch {
    // fall through
  }
  throw new ProbeConfigError(undefined, 'url', 'must be an http: or https: URL');
}

function positive(field: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new ProbeConfigError(
      undefined,
      field,
      `must be a number > 0 (got ${describeValue(value)})`,
    );
  }
  return value;
}

function nonNegativeInteger(field: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new ProbeConfigError(
      undefined,
      field,
      `must be an integer >= 0 (got ${describeValue(value)})`,
    );
  }
  return value;
}
