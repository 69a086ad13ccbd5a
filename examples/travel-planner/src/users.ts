/**
 * Simulated travellers: a few concurrent loops, each asking for a restaurant recommendation
 * or a whole trip plan, one correlation ID per request, until the deadline.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { withCorrelationId } from '@toolscope/instrumentation';
import type { Orchestrator } from './orchestrator.ts';
import { seededRandom } from './random.ts';
import { REQUESTS } from './scenario.ts';

export interface UsersOptions {
  readonly orchestrator: Orchestrator;
  readonly concurrency: number;
  readonly seed: number;
  /** No new request starts after this time (epoch ms); requests in flight finish. */
  readonly deadlineMs: number;
  readonly signal?: AbortSignal;
}

/** Runs the users until the deadline (or abort); resolves when every request finished. */
export async function runUsers(options: UsersOptions): Promise<number> {
  let seq = 0;
  const user = async (index: number) => {
    const rnd = seededRandom(options.seed * 31 + index);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)]!;
    // Stagger the start so the users do not march in step.
    await sleep(Math.floor(rnd() * 200));
    while (Date.now() < options.deadlineMs && options.signal?.aborted !== true) {
      const request = {
        city: pick(REQUESTS.cities),
        cuisine: pick(REQUESTS.cuisines),
        mbti: pick(REQUESTS.mbti),
        nights: 1 + Math.floor(rnd() * 5),
      };
      const id = `req-${String(++seq).padStart(5, '0')}`;
      const planTrip = rnd() < 0.3;
      await withCorrelationId(id, () =>
        planTrip
          ? options.orchestrator.planTrip(request)
          : options.orchestrator.searchAndRecommend(request),
      );
      await sleep(50 + Math.floor(rnd() * 200));
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, (_, i) => user(i)));
  return seq;
}
