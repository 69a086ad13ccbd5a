/**
 * Starts a bench server script (`otlp-receiver.ts`, `prometheus-canned.ts`) in its own process,
 * so its work stays off the measured event loop, and waits for its `PORT <n>` line.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { request } from 'node:http';
import { fileURLToPath } from 'node:url';

export interface Receiver {
  readonly url: string;
  count(): Promise<{ spans: number; requests: number }>;
  stop(): void;
}

export async function startReceiver(): Promise<Receiver> {
  return startServerProcess('otlp-receiver.ts');
}

export async function startServerProcess(file: string): Promise<Receiver> {
  const script = fileURLToPath(new URL(`./${file}`, import.meta.url));
  const child: ChildProcess = spawn(process.execPath, ['--conditions=toolscope-source', script], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${file} did not start in 10 s`)), 10_000);
    let buffered = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const match = /PORT (\d+)/.exec(buffered);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
    child.on('exit', (code) => reject(new Error(`${file} exited with ${code}`)));
  });
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    count: () =>
      new Promise((resolve, reject) => {
        const req = request(`${url}/count`, { timeout: 5_000 }, (res) => {
          let body = '';
          res.on('data', (c: Buffer) => (body += c.toString()));
          res.on('end', () => resolve(JSON.parse(body)));
        });
        req.on('timeout', () => req.destroy(new Error('receiver /count timed out')));
        req.on('error', reject);
        req.end();
      }),
    stop: () => {
      child.stdin!.end();
      child.kill();
    },
  };
}
