import type { AlertEvent } from '@toolscope/instrumentation';
import { AlertCenter } from '@toolscope/instrumentation';
import { afterAll, expect, it } from 'vitest';
import { createAlertWebhook, ProbeConfigError } from '../src/index.ts';
import { freePort, startHttpServer, waitFor } from './support/servers.ts';

const centers: AlertCenter[] = [];
afterAll(() => {
  for (const c of centers) c.dispose();
});

it('POSTs fired, resolved and recovered events in order, with headers, without blocking', async () => {
  const got: { body: Record<string, unknown>; auth: string | undefined }[] = [];
  let release!: () => void;
  const released = new Promise<void>((r) => {
    release = r;
  });
  const hook = await startHttpServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    got.push({
      body: JSON.parse(Buffer.concat(chunks).toString('utf8')),
      auth: req.headers.authorization,
    });
    await released; // the receiver holds every answer until the test releases it
    res.end();
  });
  const center = new AlertCenter();
  centers.push(center);
  const webhook = createAlertWebhook({
    url: `${hook.url}/alerts`,
    headers: { authorization: 'Bearer w' },
  });
  center.subscribe(webhook);
  try {
    center.fire({
      key: 'k',
      kind: 'tool_unhealthy',
      severity: 'error',
      subject: 'search',
      message: 'down',
      state: 'unhealthy',
    });
    center.resolve('k', { message: 'up', state: 'healthy', previousState: 'unhealthy' });
    // fire/resolve returned although the receiver has not answered anything yet.
    await waitFor(() => got.length === 1, 5_000, 'the first POST');
    expect(webhook.stats()).toMatchObject({ delivered: 0, pending: 3 });
    release();
    await webhook.flush();
    expect(got.map((g) => [g.body.type, (g.body.alert as { severity: string }).severity])).toEqual([
      ['fired', 'error'],
      ['resolved', 'error'],
      ['recovered', 'info'],
    ]);
    const ids = new Set(got.map((g) => (g.body.alert as { id: string }).id));
    expect(ids.size).toBe(1);
    expect(got.every((g) => g.auth === 'Bearer w')).toBe(true);
    expect(webhook.stats()).toMatchObject({ delivered: 3, failed: 0, pending: 0 });
  } finally {
    await webhook.close();
    await hook.close();
  }
});

it('retries 5xx with backoff, bounded, and gives up', async () => {
  let calls = 0;
  const hook = await startHttpServer((_req, res) => {
    calls++;
    res.statusCode = calls < 3 ? 503 : 200;
    res.end();
  });
  const webhook = createAlertWebhook({ url: hook.url, retries: 2, backoffMs: 5 });
  const always = await startHttpServer((_req, res) => {
    res.statusCode = 500;
    res.end();
  });
  const failing = createAlertWebhook({ url: always.url, retries: 1, backoffMs: 5 });
  const event = {
    type: 'fired',
    alert: {
      id: 'a',
      key: 'k',
      kind: 'x',
      severity: 'warning',
      subject: 's',
      message: 'm',
      status: 'firing',
      firedAtMs: 0,
    },
  } as AlertEvent;
  try {
    webhook(event);
    await webhook.flush();
    expect(calls).toBe(3);
    expect(webhook.stats().delivered).toBe(1);
    failing(event);
    await failing.flush();
    expect(always.load.total).toBe(2);
    expect(failing.stats()).toMatchObject({ delivered: 0, failed: 1 });
  } finally {
    await webhook.close();
    await failing.close();
    await hook.close();
    await always.close();
  }
});

it('each attempt has a deadline; refused connections fail without throwing', async () => {
  const hang = await startHttpServer(() => undefined);
  const slow = createAlertWebhook({ url: hang.url, timeoutMs: 100, retries: 1, backoffMs: 5 });
  const refused = createAlertWebhook({ url: `http://127.0.0.1:${await freePort()}/`, retries: 0 });
  const event = {
    type: 'fired',
    alert: {
      id: 'a',
      key: 'k',
      kind: 'x',
      severity: 'error',
      subject: 's',
      message: 'm',
      status: 'firing',
      firedAtMs: 0,
    },
  } as AlertEvent;
  try {
    slow(event);
    refused(event);
    await slow.flush();
    await refused.flush();
    expect(hang.load.total).toBe(2);
    expect(slow.stats().failed).toBe(1);
    expect(refused.stats().failed).toBe(1);
  } finally {
    await slow.close();
    await refused.close();
    await hang.close();
  }
});

it('bounds its queue and validates its options', async () => {
  const hang = await startHttpServer(() => undefined);
  const webhook = createAlertWebhook({ url: hang.url, timeoutMs: 50, retries: 0, maxQueue: 2 });
  const event = {
    type: 'fired',
    alert: {
      id: 'a',
      key: 'k',
      kind: 'x',
      severity: 'error',
      subject: 's',
      message: 'm',
      status: 'firing',
      firedAtMs: 0,
    },
  } as AlertEvent;
  try {
    for (let i = 0; i < 5; i++) webhook(event); // 1 in flight, 2 queued, 2 dropped
    expect(webhook.stats().dropped).toBe(2);
    await webhook.flush();
  } finally {
    await webhook.close();
    await hang.close();
  }
  expect(() => createAlertWebhook({ url: 'ftp://x' })).toThrow(ProbeConfigError);
  expect(() => createAlertWebhook({ url: 'http://127.0.0.1:1', retries: -1 })).toThrow(/retries/);
  expect(() => createAlertWebhook({ url: 'http://127.0.0.1:1', timeoutMs: 0 })).toThrow(
    /timeoutMs/,
  );
});
